import type { RequestHandler } from 'express';
import { refusal } from '../../shared/refusal.js';
import { sendRefusal } from './refusal.js';

/** Whether a parsed value holds a NUL character anywhere (PostgreSQL text cannot store one). */
export function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

/** The words of a NUL refusal, here and for an ingest item (server/ingest/ingest.service.ts). */
export const NUL_REFUSAL = refusal('文本不能包含 NUL（\\u0000）字符', 'text may not contain NUL (\\u0000) characters');

/**
 * Refuses a query or JSON body carrying a NUL character with a clear 400: no form or filter has a
 * use for one, and PostgreSQL refuses to store or compare it (which would otherwise be a 500).
 */
export const refuseNul: RequestHandler = (req, res, next) => {
  if (hasNul(req.query) || hasNul(req.body) || /%00/.test(req.path)) {
    sendRefusal(res, 400, NUL_REFUSAL);
    return;
  }
  next();
};
