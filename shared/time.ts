/**
 * Asia/Shanghai local time without a time-zone database: China keeps UTC+8 all year (no
 * daylight saving), so a fixed offset is exact.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

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
