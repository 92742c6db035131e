import { AttemptThrottle, type ThrottleRule } from './attempt-throttle.js';

/**
 * The throttles of sign-in and password change: failures per (account name, address), per address
 * across names, and wrong current passwords per account.
 */
export type ThrottleName = 'pair' | 'address' | 'password';

/** Each throttle's rule. */
export type ThrottleRules = Readonly<Record<ThrottleName, ThrottleRule>>;

/** One key of one throttle. */
export interface ThrottleKey {
  throttle: ThrottleName;
  key: string;
}

/**
 * Where the throttles' counts live: this node's memory, or Redis shared by the nodes of a cluster
 * (REDIS_URL, server/cluster/redis-throttle.ts) — behind a load balancer a guesser's attempts land on
 * every node, and counts of one node's own would give each node's free failures and waits again.
 * Time comes from the caller's clock.
 */
export interface ThrottleStore {
  /** Whole seconds before an attempt under every one of `keys` may begin (the longest); 0: now. */
  wait(keys: readonly ThrottleKey[], now: number): Promise<number>;
  /**
   * In one step: when none of `keys` must wait, counts an attempt under each as a failure until it
   * is known to have succeeded, and answers 0; otherwise answers the longest wait and counts nothing.
   * Parallel attempts (on any node) therefore cannot all slip through before the first failure is known.
   */
  begin(keys: readonly ThrottleKey[], now: number): Promise<number>;
  /** The attempt succeeded: the key starts again from nothing. */
  clear(key: ThrottleKey): Promise<void>;
  /** The attempt succeeded but the key keeps its other failures (an address shared by many people). */
  refund(key: ThrottleKey): Promise<void>;
  /** Forgets every key of `throttle` starting with `prefix` (an administrator set a new password). */
  clearPrefix(throttle: ThrottleName, prefix: string): Promise<void>;
}

/** Makes the store for the rules (AuthService's configuration). */
export type ThrottleStoreFactory = (rules: ThrottleRules) => ThrottleStore;

/** The counts in this node's memory: a single node, and a cluster's node while Redis is away. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly throttles: Record<ThrottleName, AttemptThrottle>;

  constructor(rules: ThrottleRules) {
    this.throttles = { pair: new AttemptThrottle(rules.pair), address: new AttemptThrottle(rules.address), password: new AttemptThrottle(rules.password) };
  }

  private longestWait(keys: readonly ThrottleKey[], now: number): number {
    return Math.max(0, ...keys.map(({ throttle, key }) => this.throttles[throttle].wait(key, now)));
  }

  wait(keys: readonly ThrottleKey[], now: number): Promise<number> {
    return Promise.resolve(this.longestWait(keys, now));
  }

  begin(keys: readonly ThrottleKey[], now: number): Promise<number> {
    const wait = this.longestWait(keys, now);
    if (wait === 0) for (const { throttle, key } of keys) this.throttles[throttle].begin(key, now);
    return Promise.resolve(wait);
  }

  clear({ throttle, key }: ThrottleKey): Promise<void> {
    this.throttles[throttle].clear(key);
    return Promise.resolve();
  }

  refund({ throttle, key }: ThrottleKey): Promise<void> {
    this.throttles[throttle].refund(key);
    return Promise.resolve();
  }

  clearPrefix(throttle: ThrottleName, prefix: string): Promise<void> {
    this.throttles[throttle].clearPrefix(prefix);
    return Promise.resolve();
  }
}

export const memoryThrottles: ThrottleStoreFactory = (rules) => new MemoryThrottleStore(rules);
