import { MAX_EVENTS_PER_BATCH, MAX_INGEST_DEPTH } from '../../shared/ingest.js';
import type { JsonLimits } from '../http/json-guard.js';

/**
 * Structural limits of an ingest body (HTTP and MQTT alike), checked on the raw bytes before
 * parsing: a batch of flat events is 2 deep with ~10 values an event, so 1,000 events with room
 * for a vendor's extra fields fit well inside; 5 MB of nested brackets or 1 million tiny items
 * stop at the first byte past a limit.
 */
export const INGEST_JSON_LIMITS: JsonLimits = {
  maxDepth: MAX_INGEST_DEPTH,
  maxItems: MAX_EVENTS_PER_BATCH,
  maxTopItems: MAX_EVENTS_PER_BATCH,
  maxValues: 200_000,
};
