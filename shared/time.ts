/**
 * Asia/Shanghai local time without a time-zone database: China keeps UTC+8 all year (no
 * daylight saving), so a fixed offset is exact.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** One day, ms: a calendar day in Asia/Shanghai is always 24 h (no daylight saving). */
export const DAY_MS = 86_400_000;

/** The calendar date `days` after `date` (both `YYYY-MM-DD`; `days` below zero for before). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (both `YYYY-MM-DD`): 1 from a day to the next, below zero when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Local calendar date and time of day of an instant in Asia/Shanghai. */
export interface ShanghaiParts {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  /** The instant of local midnight, ms since the epoch. */
  dayStartMs: number;
}

/** Splits an instant into its Asia/Shanghai date, minute of day and weekday. */
export function shanghaiParts(ms: number): ShanghaiParts {
  const local = new Date(ms + SHANGHAI_OFFSET_MS);
  const dayStartLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return {
    date: local.toISOString().slice(0, 10),
    minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
    dayStartMs: dayStartLocal - SHANGHAI_OFFSET_MS,
  };
}

/** Minutes since midnight of an "HH:MM" time. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** `YYYY-MM-DD HH:mm:ss` of an instant (ms or ISO) in Asia/Shanghai: for files, exports and logs a person reads. */
export function shanghaiDateTime(at: number | string): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DD` of an instant (ms or ISO) in Asia/Shanghai: the local date for file names and "as of". */
export function shanghaiDate(at: number | string): string {
  return shanghaiDateTime(at).slice(0, 10);
}

/** The instant a Shanghai local date-time `YYYY-MM-DDTHH:mm[:ss]` (as a datetime-local input gives it) stands for, ISO with `+08:00`. */
export function shanghaiLocalToIso(local: string): string {
  const withSeconds = local.length === 16 ? `${local}:00` : local.slice(0, 19);
  return `${withSeconds}+08:00`;
}
