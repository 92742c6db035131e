import type { LocalizedText } from './domain/text.js';

/**
 * A refusal's words: `error` in English — the public API contract other systems read — and
 * `message`, the same reason in both UI languages for a person's screen.
 */
export interface RefusalWords {
  error: string;
  message: LocalizedText;
}

/** The same words in both languages, Chinese first: `say('报警不存在', 'no such alarm')`. */
export function say(zh: string, en: string): LocalizedText {
  return { zh, en };
}

/** A refusal whose English is the contract's `error` and whose `message` carries both languages. */
export function refusal(zh: string, en: string): RefusalWords {
  return { error: en, message: { zh, en } };
}
