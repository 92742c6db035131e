import type { LocalizedText } from '../../shared/domain/text.js';
import type { RefusalWords } from '../../shared/refusal.js';

/** Why a service said no: `error` in English (the API contract), `message` for a screen, per-field words for a form. */
/**
 * The statuses a refusal answers: 400 bad input, 401 not signed in (or a sign-in refused), 403 outside the person's district or school,
 * 404 unknown, 409 conflict (the thing moved on), 413 too large, 415 not a type accepted (a photo that is not an image),
 * 429 too many, 501 cannot be made here, 503 busy.
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 501 | 503;

export interface Refused {
  ok: false;
  status: RefusalStatus;
  /** Seconds to wait before trying again (429, 503): sent as Retry-After. */
  retryAfter?: number;
  error: string;
  message: LocalizedText;
  /** Each field's reason in English (the API contract). */
  fields?: Record<string, string>;
  /** The same per-field reasons in both UI languages. */
  fieldMessages?: Record<string, LocalizedText>;
}

/** A service answer an HTTP route maps to a status: the data, or why not (see RefusalStatus). */
export type Outcome<T> = { ok: true; data: T } | Refused;

/**
 * A refusal. `words` from `refusal(zh, en)` (shared/refusal.ts); a bare English string is shown as
 * is in both languages. Fields likewise take `say(zh, en)` or English.
 */
export function refuse(status: RefusalStatus, words: RefusalWords | string, fields?: Record<string, LocalizedText | string>): Refused {
  const { error, message } = typeof words === 'string' ? { error: words, message: { zh: words, en: words } } : words;
  if (!fields) return { ok: false, status, error, message };
  const texts = Object.entries(fields).map(([key, text]) => [key, typeof text === 'string' ? { zh: text, en: text } : text] as const);
  return {
    ok: false,
    status,
    error,
    message,
    fields: Object.fromEntries(texts.map(([key, text]) => [key, text.en])),
    fieldMessages: Object.fromEntries(texts),
  };
}

/** A success. */
export function ok<T>(data: T): { ok: true; data: T } {
  return { ok: true, data };
}
