import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler } from '../http/errors.js';
import type { IngestService } from './ingest.service.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <token>`, compared in constant time. */
export function bearerAuth(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid ingest token is required: Authorization: Bearer <token>' });
      return;
    }
    next();
  };
}

/** `POST /api/v1/events` (DESIGN.md §4). */
export function ingestRouter(deps: { ingest: IngestService; token: string; maxBytes: number; log: Logger }): Router {
  const router = Router();
  router.post(
    '/events',
    bearerAuth(deps.token),
    // Parse whatever the content type says: a gateway that forgets the header still gets a precise answer.
    express.json({ limit: deps.maxBytes, type: () => true, strict: false }),
    async (req, res) => {
      if (req.body === undefined) {
        res.status(400).json({ error: 'the body is empty: send one event or an array of events as JSON', accepted: 0, rejected: [] });
        return;
      }
      const outcome = await deps.ingest.ingest(req.body);
      res.status(outcome.status).json(outcome.result);
    },
  );
  router.use(errorHandler(deps.log, { accepted: 0, rejected: [] }));
  return router;
}
