import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { INGEST_ROUTES } from '../../shared/api/ingest.js';
import type { Logger } from '../logger.js';
import { ingestCallerOf } from '../http/caller.js';
import { errorHandler } from '../http/errors.js';
import { guardedJson } from '../http/json-guard.js';
import { StatusAnswer, type RouteHandlers } from '../http/route-table.js';
import { INGEST_JSON_LIMITS } from './limits.js';
import type { IngestService } from './ingest.service.js';

/** What every refusal of the ingest contract carries besides its words: nothing was accepted. */
const NOTHING_ACCEPTED = { accepted: 0, rejected: [] };

/**
 * The guard of `POST /api/v1/events` (`guard: 'ingest'`, DESIGN.md §4), before its handler. The
 * bearer token was checked by the route policy (rule `ingest`), which names the integration; each
 * integration may send `ratePerMinute` requests a minute (requests, not events: a batch of 1,000
 * counts once). The body is read here, within its own size and structural limits; every refusal
 * says `accepted: 0, rejected: []`.
 */
export function ingestGuard(deps: { maxBytes: number; ratePerMinute: number; log: Logger }): RequestHandler[] {
  const perToken = rateLimit({
    windowMs: 60_000,
    limit: deps.ratePerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `token:${ingestCallerOf(req)?.tokenId ?? 'none'}`,
    message: { error: `too many ingest requests for this token: at most ${deps.ratePerMinute} a minute (send events in batches of up to 1,000)`, ...NOTHING_ACCEPTED },
  });
  // Parse whatever the content type says: a gateway that forgets the header still gets a precise
  // answer. The structure is bounded before parsing: a hostile body is refused in one pass.
  const body = guardedJson({ limit: deps.maxBytes, limits: INGEST_JSON_LIMITS, type: () => true, strict: false, item: { item: 'events', itemZh: '事件' } });
  const refused = errorHandler(deps.log, NOTHING_ACCEPTED);
  return [
    (req, res, next) => {
      // The policy let only a valid token through; refuse anything else here too.
      if (!ingestCallerOf(req)) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid ingest token is required: Authorization: Bearer <token>' });
      next();
    },
    perToken,
    (req, res, next) => body(req, res, (error?: unknown) => (error ? refused(error, req, res, next) : next())),
  ];
}

/** `POST /events`: the service checks every item and answers per item (202), or 400/413 for the request as a whole. */
export function ingestHandlers(deps: { ingest: IngestService }): RouteHandlers<typeof INGEST_ROUTES> {
  return {
    'ingest.events': async ({ req, ingest }) => {
      const raw: unknown = req.body;
      if (!ingest) return { ok: true, data: new StatusAnswer(401, { error: 'a valid ingest token is required: Authorization: Bearer <token>', ...NOTHING_ACCEPTED }) };
      if (raw === undefined) return { ok: true, data: new StatusAnswer(400, { error: 'the body is empty: send one event or an array of events as JSON', ...NOTHING_ACCEPTED }) };
      // Ids are unique within the integration: the token, by its stored id.
      const outcome = await deps.ingest.ingest(raw, `token:${ingest.tokenId}`);
      return { ok: true, data: new StatusAnswer(outcome.status, outcome.result) };
    },
  };
}
