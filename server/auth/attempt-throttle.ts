/**
 * How a throttle answers failures under one key: the first `freeFailures` cost nothing, then each
 * further one doubles the wait before the next attempt (from `firstDelaySeconds` up to
 * `maxDelaySeconds`); a key quiet for `forgetAfterSeconds` starts again from nothing.
 */
export interface ThrottleRule {
  freeFailures: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  forgetAfterSeconds: number;
}

interface Entry {
  failures: number;
  /** When the last attempt under the key began (ms). */
  lastAt: number;
}

/** Keys kept at most; beyond it the quiet ones go first, then the oldest (a spray of addresses cannot grow memory without end). */
const MAX_KEYS = 50_000;

/**
 * Growing delays per key (OWASP's throttling instead of a hard lock), in memory on this node.
 * An attempt is counted when it begins — before the password hash runs — so attempts sent in
 * parallel cannot all slip through before the first failure is known; a success clears or
 * refunds it. Time comes from the caller's clock.
 */
export class AttemptThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rule: ThrottleRule) {}

  /** Seconds the wait after `failures` failures lasts (0 while they are free). */
  delaySeconds(failures: number): number {
    const over = failures - this.rule.freeFailures;
    if (over <= 0) return 0;
    return Math.min(this.rule.maxDelaySeconds, this.rule.firstDelaySeconds * 2 ** Math.min(over - 1, 40));
  }

  private live(key: string, now: number): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now - entry.lastAt >= this.rule.forgetAfterSeconds * 1000) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  /** Whole seconds to wait before an attempt under `key` may begin; 0 when it may begin now. */
  wait(key: string, now: number): number {
    const entry = this.live(key, now);
    if (!entry) return 0;
    const until = entry.lastAt + this.delaySeconds(entry.failures) * 1000;
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts an attempt beginning under `key` as a failure until it is known to have succeeded. */
  begin(key: string, now: number): void {
    const entry = this.live(key, now);
    if (entry) {
      entry.failures += 1;
      entry.lastAt = now;
      // Map order is insertion order: moving the key to the end keeps the oldest first for eviction.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return;
    }
    if (this.entries.size >= MAX_KEYS) this.prune(now);
    this.entries.set(key, { failures: 1, lastAt: now });
  }

  /** The attempt succeeded: the key starts again from nothing. */
  clear(key: string): void {
    this.entries.delete(key);
  }

  /** The attempt succeeded but the key keeps its other failures (an address shared by many people). */
  refund(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.failures -= 1;
    if (entry.failures <= 0) this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (an administrator set a new password for the account). */
  clearPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastAt >= this.rule.forgetAfterSeconds * 1000) this.entries.delete(key);
    }
    // Still full: drop the oldest tenth.
    let drop = this.entries.size >= MAX_KEYS ? Math.ceil(MAX_KEYS / 10) : 0;
    for (const key of this.entries.keys()) {
      if (drop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
