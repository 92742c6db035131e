import type { LocalizedText } from '../shared/domain/text.js';

/** A refusal as the server sends it: `error` in English (the API contract), `message` in both UI languages when it has them. */
export interface RefusalLike {
  error: string;
  message?: LocalizedText | null;
}

/** The half of a localized text a screen in `locale` shows: Chinese unless the screen is in English. */
export function pickLanguage(locale: string): keyof LocalizedText {
  return locale === 'en' ? 'en' : 'zh';
}

/**
 * The words of a refusal for a screen in `locale`: the server's message in that language, or —
 * from an older server or another system — its English `error` as it came.
 */
export function refusalText(refusal: RefusalLike, locale: string): string {
  return refusal.message?.[pickLanguage(locale)] || refusal.error;
}

/** Each field's refusal for a screen in `locale`: from `fieldMessages` where present, else the English `fields`. */
export function fieldTexts(result: { fields: Record<string, string>; fieldMessages?: Record<string, LocalizedText> | null }, locale: string): Record<string, string> {
  const language = pickLanguage(locale);
  const out: Record<string, string> = { ...result.fields };
  for (const [key, text] of Object.entries(result.fieldMessages ?? {})) out[key] = text[language] || out[key] || '';
  return out;
}

/** Whether a parsed JSON value is a `{ zh, en }` text. */
export function isLocalizedText(value: unknown): value is LocalizedText {
  return typeof value === 'object' && value !== null && typeof (value as LocalizedText).zh === 'string' && typeof (value as LocalizedText).en === 'string';
}
