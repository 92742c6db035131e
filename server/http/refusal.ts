import type { Response } from 'express';
import type { z } from 'zod';
import type { LocalizedText } from '../../shared/domain/text.js';
import { describeZodError } from '../../shared/ingest.js';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import { zodFieldTexts, zodText } from '../../shared/zod-text.js';
import { NOT_SIGNED_IN as NOT_SIGNED_IN_WORDS } from '../../shared/events.js';
import type { Refused } from '../services/outcome.js';

/**
 * An HTTP refusal's body (docs/api.md "Errors"): `error` in English — the contract other systems
 * read — `message: { zh, en }` for a person's screen, and for a form each field's reason
 * (`fields` English, `fieldMessages` both languages).
 */
export interface RefusalBody {
  error: string;
  message: LocalizedText;
  fields?: Record<string, string>;
  fieldMessages?: Record<string, LocalizedText>;
}

/** Per-field words in both languages → the body's `fields` (English) and `fieldMessages`. */
function fieldBody(fields: Record<string, LocalizedText>): Pick<RefusalBody, 'fields' | 'fieldMessages'> {
  return { fields: Object.fromEntries(Object.entries(fields).map(([key, text]) => [key, text.en])), fieldMessages: fields };
}

/** Answers `status` with a refusal body. */
export function sendRefusal(res: Response, status: number, words: RefusalWords, fields?: Record<string, LocalizedText>): void {
  res.status(status).json({ ...words, ...(fields ? fieldBody(fields) : {}) } satisfies RefusalBody);
}

/** A service's refusal as its body. */
export function refusedBody(refused: Refused): RefusalBody {
  const { error, message, fields, fieldMessages } = refused;
  return { error, message, ...(fields ? { fields } : {}), ...(fieldMessages ? { fieldMessages } : {}) };
}

/** 400 for input zod refused: the whole reason and each field's, in English and both UI languages. `input` is what was parsed. */
export function sendValidationError(res: Response, error: z.ZodError, input?: unknown): void {
  sendRefusal(res, 400, { error: describeZodError(error), message: zodText(error, input) }, zodFieldTexts(error, input));
}


/** 401 without a session: the socket's words (shared/events.ts) in English. */
export const NOT_SIGNED_IN = refusal('未登录或登录已过期：请重新登录', NOT_SIGNED_IN_WORDS);
