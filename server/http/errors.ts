import type { ErrorRequestHandler, RequestHandler } from 'express';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import type { Logger } from '../logger.js';
import { storageCauseOf } from '../db/storage-health.js';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  /** Words of its own, both languages (a structural limit of a JSON body, say: server/http/json-guard.ts). */
  words?: RefusalWords;
}

/** Body-parser failures in plain words, in both UI languages. */
const BODY_ERRORS: Record<string, RefusalWords> = {
  'entity.parse.failed': refusal('请求内容不是有效的 JSON', 'the body is not valid JSON'),
  'entity.too.large': refusal('请求内容超过大小上限', 'the body is larger than the size limit'),
  'encoding.unsupported': refusal('不支持的内容编码', 'unsupported content encoding'),
  'charset.unsupported': refusal('不支持的字符集', 'unsupported charset'),
};

const BAD_REQUEST = refusal('请求有误', 'bad request');

/**
 * Answers every error as JSON `{ error, message, ...extra }`: a clear 4xx for the caller's
 * mistakes, 503 with Retry-After when storage refuses writes (disk full), a bare 500 otherwise —
 * never a stack or SQL.
 */
export function errorHandler(log: Logger, extra: Record<string, unknown> = {}): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const exposed = e.expose && err instanceof Error ? { error: err.message, message: { zh: err.message, en: err.message } } : BAD_REQUEST;
      res.status(status).json({ ...(e.words ?? (e.type && BODY_ERRORS[e.type]) ?? exposed), ...extra });
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    const storage = storageCauseOf(err);
    if (storage) {
      // Nothing was saved: 503 and a retry, never a 202 (GET /health says degraded meanwhile).
      res.status(503).set('Retry-After', '30').json(refusal(`暂时无法保存：${storage.zh}，请稍后重试`, `cannot save now: ${storage.en}; try again later`));
      return;
    }
    res.status(500).json(refusal('服务器内部错误', 'internal error'));
  };
}

/** 404 for unknown API routes, as JSON. */
export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json(refusal(`没有这个接口：${req.method} ${req.originalUrl}`, `no route ${req.method} ${req.originalUrl}`));
};
