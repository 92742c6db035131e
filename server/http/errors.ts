import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** Body-parser failures in plain words. */
const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'the body is not valid JSON',
  'entity.too.large': 'the body is larger than the size limit',
  'encoding.unsupported': 'unsupported content encoding',
  'charset.unsupported': 'unsupported charset',
};

/**
 * Answers every error as JSON `{ error, ...extra }`: a clear 4xx for the caller's mistakes, a bare
 * 500 otherwise — never a stack or SQL.
 */
export function errorHandler(log: Logger, extra: Record<string, unknown> = {}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = (e.type && BODY_ERRORS[e.type]) ?? (e.expose && err instanceof Error ? err.message : 'bad request');
      res.status(status).json({ error: message, ...extra });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}

/** 404 for unknown API routes, as JSON. */
export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `no route ${req.method} ${req.originalUrl}` });
};
