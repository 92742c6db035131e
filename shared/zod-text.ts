import { z } from 'zod';
import type { LocalizedText } from './domain/text.js';
import { describeZodError } from './ingest.js';
import type { RefusalWords } from './refusal.js';

type LocaleError = (issue: z.core.$ZodRawIssue) => string | { message: string } | undefined | null;

/** zod's own wording for its issue codes, in each UI language (zod 4 ships both locales). */
const LOCALE_ERROR: Record<keyof LocalizedText, LocaleError> = {
  zh: z.locales.zhCN().localeError as LocaleError,
  en: z.locales.en().localeError as LocaleError,
};

/** The Chinese of every custom (hand-written) schema message, by its English words. */
const CHINESE = new Map<string, string>();

/**
 * A schema's own message in both languages: returns the English (what zod reports and the API's
 * `error` carries) and remembers the Chinese for {@link zodText}. Use it in `{ error: … }` of a
 * shared schema, e.g. `z.number({ error: bilingual('must be a number', '须为数字') })`.
 */
export function bilingual(en: string, zh: string): string {
  CHINESE.set(en, zh);
  return en;
}

/** The value at `path` inside `input`, for re-wording an issue that names what was received. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function rendered(answer: ReturnType<LocaleError>): string | null {
  if (typeof answer === 'string') return answer;
  return answer?.message ?? null;
}

/**
 * One issue in both languages: a schema's own message through its {@link bilingual} Chinese,
 * zod's generic ones through zod's zh-CN and English locales (not translated here by hand).
 * A custom message nobody gave Chinese for stays English in both.
 */
export function issueText(issue: z.core.$ZodIssue, input?: unknown): LocalizedText {
  const chinese = CHINESE.get(issue.message);
  if (chinese !== undefined) return { zh: chinese, en: issue.message };
  // The finished issue no longer carries the value it judged; the locales word "received …" from it.
  const raw = { ...issue, input: valueAt(input, issue.path) } as unknown as z.core.$ZodRawIssue;
  const english = rendered(LOCALE_ERROR.en(raw));
  if (english !== issue.message) return { zh: issue.message, en: issue.message };
  return { zh: rendered(LOCALE_ERROR.zh(raw)) ?? issue.message, en: issue.message };
}

/**
 * A zod error as one line per language, each issue prefixed with its path: the localized twin of
 * `describeZodError` (shared/ingest.ts), whose English it repeats. `input` is what was parsed.
 */
export function zodText(error: z.ZodError, input?: unknown): LocalizedText {
  const lines = error.issues.map((issue) => {
    const text = issueText(issue, input);
    const at = issue.path.join('.');
    return at ? { zh: `${at}：${text.zh}`, en: `${at}: ${text.en}` } : text;
  });
  return { zh: lines.map((l) => l.zh).join('；'), en: lines.map((l) => l.en).join('; ') };
}

/** Each field's first issue in both languages, keyed by its dotted path (`(body)` for the whole). */
export function zodFieldTexts(error: z.ZodError, input?: unknown): Record<string, LocalizedText> {
  const fields: Record<string, LocalizedText> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || '(body)'] ??= issueText(issue, input);
  return fields;
}

/** A zod error as a refusal: the contract's English line (`describeZodError`) and both UI languages. */
export function zodRefusal(error: z.ZodError, input?: unknown): RefusalWords {
  return { error: describeZodError(error), message: zodText(error, input) };
}
