/** The server's source of time; tests pass a pinned one instead of sleeping. */
export interface Clock {
  now(): number;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };

/** ISO-8601 UTC text of a clock's instant, the form times are stored in. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
