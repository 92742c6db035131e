/** Bounds and small readers of MANSCDP text (server/gb28181/manscdp.ts). */

/** What a MANSCDP text may be: characters (64 KiB), elements (a catalog part holds a few dozen items of ~15 fields), nesting. */
export const MANSCDP_LIMITS = { chars: 64 * 1024, elements: 4000, depth: 12 } as const;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Replaces the five predefined references and character references (`&#38;`, `&#x4E2D;`) once,
 * left to right: the result is never read again, so `&amp;lt;` gives `&lt;`. Other references stay as sent.
 */
export function decodeXmlReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return PREDEFINED[name] ?? whole;
    const point = decimal ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return point > 0 && point <= 0x10ffff && !(point >= 0xd800 && point <= 0xdfff) ? String.fromCodePoint(point) : whole;
  });
}

/** The text of a leaf element, trimmed; undefined when absent, empty or not a leaf (an element, or a repeated one). */
export function textOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** A leaf's decimal integer (optional sign), or undefined. */
export function integerText(value: unknown): number | undefined {
  const text = textOf(value);
  return text !== undefined && /^[+-]?\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** A leaf's finite decimal number, or undefined. */
export function numberText(value: unknown): number | undefined {
  const text = textOf(value);
  if (text === undefined || !/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** One element or many as a list (the parser gives an object for one `<Item>` and an array for several). */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * AlarmTime (`YYYY-MM-DDTHH:mm:ss`, device local time, no offset; a space for the T and
 * milliseconds tolerated) as an ISO instant in Asia/Shanghai (+08:00, no daylight saving);
 * null when it is not a real date and time. An explicit offset or Z is kept.
 */
export function alarmInstant(time: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?$/.exec(time);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  const same = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)
    && date.getUTCHours() === Number(hour) && date.getUTCMinutes() === Number(minute) && date.getUTCSeconds() === Number(second);
  return same ? `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction ?? ''}${offset ?? '+08:00'}` : null;
}
