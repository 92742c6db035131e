import { ingestAnswerSchema } from '../ingest.js';
import { route } from './route.js';

/**
 * Ingest (server/ingest/http.ts, DESIGN.md §4): one event or a batch of up to 1,000 with a bearer
 * ingest token. The body is read by the route's own guard (its size and structural limits, its
 * per-token rate); every answer, 202 or a refusal, has `accepted` and `rejected`.
 */
export const INGEST_ROUTES = {
  'ingest.events': route({ method: 'POST', path: '/events', allow: 'ingest', guard: 'ingest', answer: ingestAnswerSchema, status: 202, summary: 'events from devices, gateways and vendor platforms' }),
} as const;
