/** Every time on a screen is shown in Asia/Shanghai, whatever the machine's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, kind: 'time' | 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let found = formatters.get(key);
  if (!found) {
    const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    const date: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' };
    const options = kind === 'time' ? time : kind === 'date' ? date : { ...time, month: '2-digit', day: '2-digit' } as const;
    found = new Intl.DateTimeFormat(intlLocale(locale), { ...options, timeZone: TIME_ZONE });
    formatters.set(key, found);
  }
  return found;
}

/**
 * Makes the formatters of a locale ahead of need, one a task: the first `Intl.DateTimeFormat` of a
 * page loads the time zone's data (≈ 35–60 ms in Chromium here), which otherwise lands inside the
 * map screen's mount, the longest task of the wall's load. Called as the page starts, while the
 * screen's code and the session check are on the network.
 */
export function warmFormatters(locale: string): void {
  const kinds = ['time', 'dateTime', 'date'] as const;
  const next = (index: number): void => {
    const kind = kinds[index];
    if (!kind) return;
    formatter(locale, kind).format(0);
    setTimeout(() => next(index + 1), 0);
  };
  setTimeout(() => next(0), 0);
}

/** English uses 24-hour British forms, which read better on a wall than US ones. */
function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : locale;
}

/** `14:03:27` */
export function formatTime(at: string | number | Date, locale: string): string {
  return formatter(locale, 'time').format(new Date(at));
}

/** `2025年11月29日周六` / `Sat 29 November 2025` */
export function formatDate(at: string | number | Date, locale: string): string {
  return formatter(locale, 'date').format(new Date(at));
}

/** `11/29 14:03:27` — for times that may be on another day. */
export function formatDateTime(at: string | number | Date, locale: string): string {
  return formatter(locale, 'dateTime').format(new Date(at));
}

/** Elapsed time as `m:ss` (or `h:mm:ss` past an hour); negative spans read as 0:00. */
export function formatElapsed(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Whole numbers with the locale's grouping: `1,812`. */
export function formatCount(value: number, locale: string): string {
  let found = counters.get(locale);
  if (!found) {
    found = new Intl.NumberFormat(intlLocale(locale));
    counters.set(locale, found);
  }
  return found.format(value);
}

/** One NumberFormat per locale: making one is far dearer than using it, and the wall formats hundreds of counts. */
const counters = new Map<string, Intl.NumberFormat>();

/**
 * A span of time in words, largest unit first, zero parts left out: `2分13秒`, `1小时0分5秒` →
 * `1小时5秒`; `2 min 13 s` in English. Under a second reads as `0秒` / `0 s`.
 */
export function formatSpan(milliseconds: number, locale: string): string {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const parts: [number, string, string][] = [
    [Math.floor(total / 3600), '小时', ' h'],
    [Math.floor((total % 3600) / 60), '分', ' min'],
    [total % 60, '秒', ' s'],
  ];
  const shown = parts.filter(([value]) => value > 0);
  const english = locale === 'en';
  if (shown.length === 0) return english ? '0 s' : '0秒';
  return shown.map(([value, zh, en]) => `${value}${english ? en : zh}`).join(english ? ' ' : '');
}
