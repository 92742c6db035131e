import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { refusal } from '../../shared/refusal.js';
import { SESSION_COOKIE } from '../../shared/auth.js';
import { sendRefusal } from './refusal.js';

/** The rate limiter's key: the session (a hash of its cookie), never the address — one office shares an address. */
function sessionKey(req: Request): string {
  const token: unknown = req.cookies?.[SESSION_COOKIE];
  return typeof token === 'string' && token.length > 0 ? `session:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}` : 'session:none';
}

/**
 * Expensive reads (compliance over history, the exports: issue 12) allowed per session per
 * minute: beyond that, 429 with Retry-After (seconds until the window frees) and the refusal in
 * both languages. Each session has its own budget, so one person's burst never refuses another.
 */
export function heavyReadLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: sessionKey,
    handler: (_req: Request, res: Response) => {
      const seconds = Number(res.getHeader('Retry-After')) || 60;
      sendRefusal(
        res,
        429,
        refusal(
          `统计查询过于频繁（每个会话每分钟最多 ${perMinute} 次）：请 ${seconds} 秒后再试`,
          `too many statistics reads for this session (at most ${perMinute} a minute): try again in ${seconds} s`,
        ),
      );
    },
  });
}

/** Seconds a refused read is told to wait when the pool's queue is full. */
const BUSY_RETRY_SECONDS = 5;

/** 503 with Retry-After: the worker pool's queue is full (XIAOAN_WORKER_QUEUE). */
export function sendBusy(res: Response): void {
  res.set('Retry-After', String(BUSY_RETRY_SECONDS));
  sendRefusal(res, 503, refusal(`统计任务排队已满：请 ${BUSY_RETRY_SECONDS} 秒后再试`, `the statistics queue is full: try again in ${BUSY_RETRY_SECONDS} s`));
}
