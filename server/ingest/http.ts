import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../logger.js';
import { errorHandler } from '../http/errors.js';
import { ingestCallerOf } from '../http/route-policy.js';
import { guardedJson } from '../http/json-guard.js';
import { INGEST_JSON_LIMITS } from './limits.js';
import type { IngestService } from './ingest.service.js';

/**
 * `POST /api/v1/events` (DESIGN.md §4). The bearer token was checked by the route policy
 * (server/http/route-policy.ts, rule `ingest`), which names the integration; each integration may
 * send `ratePerMinute` requests a minute (requests, not events: a batch of 1,000 counts once).
 */
export function ingestRouter(deps: { ingest: IngestService; maxBytes: number; ratePerMinute: number; log: Logger }): Router {
  const router = Router();
  const perToken = rateLimit({
    windowMs: 60_000,
    limit: deps.ratePerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req: Request) => `token:${ingestCallerOf(req)?.tokenId ?? 'none'}`,
    message: { error: `too many ingest requests for this token: at most ${deps.ratePerMinute} a minute (send events in batches of up to 1,000)`, accepted: 0, rejected: [] },
  });
  router.post(
    '/events',
    (req, res, next) => {
      // The policy let only a valid token through; refuse anything else here too.
      if (!ingestCallerOf(req)) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid ingest token is required: Authorization: Bearer <token>' });
      next();
    },
    perToken,
    // Parse whatever the content type says: a gateway that forgets the header still gets a precise
    // answer. The structure is bounded before parsing: a hostile body is refused in one pass.
    guardedJson({ limit: deps.maxBytes, limits: INGEST_JSON_LIMITS, type: () => true, strict: false, item: { item: 'events', itemZh: '事件' } }),
    async (req, res) => {
      if (req.body === undefined) {
        res.status(400).json({ error: 'the body is empty: send one event or an array of events as JSON', accepted: 0, rejected: [] });
        return;
      }
      // Ids are unique within the integration: the token, by its stored id.
      const outcome = await deps.ingest.ingest(req.body, `token:${ingestCallerOf(req)!.tokenId}`);
      res.status(outcome.status).json(outcome.result);
    },
  );
  router.use(errorHandler(deps.log, { accepted: 0, rejected: [] }));
  return router;
}
