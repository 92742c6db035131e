import type { Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { MemoryThrottleStore, type ThrottleKey, type ThrottleName, type ThrottleRules, type ThrottleStore, type ThrottleStoreFactory } from '../auth/throttle-store.js';
import { connectAll } from './redis-connect.js';
import { makeRedisClient, Scripts, within, type RedisClient } from './redis-client.js';

/**
 * The sign-in and password-change throttles shared by the nodes (REDIS_URL): one hash per key,
 * `<cluster>:throttle:<throttle>:<key>` = { failures, at }, expiring after the rule's quiet time.
 * The waits are computed as AttemptThrottle computes them (attempt-throttle.ts; the contract test
 * tests/integration/throttle-store.test.ts runs both), with the caller's clock.
 */

/**
 * KEYS: the throttles' keys. ARGV: now (ms), 'wait' or 'begin', then four per key: free failures,
 * first delay (s), longest delay (s), forget after (ms). Answers the longest wait in whole seconds;
 * with 'begin' and no wait, counts an attempt under every key (a key quiet for its forget time
 * starts again from nothing) — checked and counted in one step, whichever node asks.
 */
export const THROTTLE_SCRIPT = `
local now = tonumber(ARGV[1])
local longest = 0
local counts = {}
for i, key in ipairs(KEYS) do
  local base = 3 + (i - 1) * 4
  local free, first, most, forget = tonumber(ARGV[base]), tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local entry = redis.call('HMGET', key, 'failures', 'at')
  local failures, at = tonumber(entry[1]), tonumber(entry[2])
  if failures == nil or at == nil or now - at >= forget then failures = 0 end
  counts[i] = failures
  local over = failures - free
  if over > 0 then
    local untilAt = at + math.min(most, first * 2 ^ math.min(over - 1, 40)) * 1000
    if untilAt > now then longest = math.max(longest, math.ceil((untilAt - now) / 1000)) end
  end
end
if ARGV[2] == 'begin' and longest == 0 then
  for i, key in ipairs(KEYS) do
    redis.call('HSET', key, 'failures', counts[i] + 1, 'at', ARGV[1])
    redis.call('PEXPIRE', key, ARGV[3 + (i - 1) * 4 + 3])
  end
end
return longest`;

/** KEYS: one key. One failure fewer; the key goes when none is left. */
export const REFUND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', -1)
if failures <= 0 then redis.call('DEL', KEYS[1]) end
return failures`;

/** How long a sign-in waits for Redis before this node counts on its own. */
const REDIS_ANSWER_MS = 1_000;

/** Keys removed per SCAN step of `clearPrefix`. */
const SCAN_COUNT = '1000';

const scanReply = z.tuple([z.string(), z.array(z.string())]);

/** A MATCH pattern for keys starting with `prefix` (glob characters taken literally). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * The counts in Redis. While Redis does not answer (within {@link REDIS_ANSWER_MS}) sign-in goes on
 * with this node's own counts — a command centre is never locked out by its cache — logged once
 * when it starts and once when Redis answers again; what was counted meanwhile stays on the node.
 */
export class RedisThrottleStore implements ThrottleStore {
  private readonly scripts: Scripts;
  private readonly local: MemoryThrottleStore;
  private away = false;

  constructor(
    private readonly client: RedisClient,
    private readonly cluster: string,
    private readonly rules: ThrottleRules,
    private readonly log: Logger,
  ) {
    this.scripts = new Scripts(client);
    this.local = new MemoryThrottleStore(rules);
  }

  private keyOf({ throttle, key }: ThrottleKey): string {
    return `${this.cluster}:throttle:${throttle}:${key}`;
  }

  /** `shared()` in Redis, or `own()` on this node while Redis is away. */
  private async either<T>(shared: () => Promise<T>, own: () => Promise<T>): Promise<T> {
    // A connection known to be down is not waited for.
    if (!this.client.isReady) return this.ownWhileAway(new Error('Redis connection not ready'), own);
    try {
      const answer = await within(shared(), REDIS_ANSWER_MS, 'sign-in throttle');
      if (this.away) this.log.info('Redis answers again: sign-in throttles shared by the nodes');
      this.away = false;
      return answer;
    } catch (error) {
      return this.ownWhileAway(error, own);
    }
  }

  private ownWhileAway<T>(error: unknown, own: () => Promise<T>): Promise<T> {
    if (!this.away) this.log.warn({ err: error }, 'Redis does not answer: sign-in throttles counted on this node until it does');
    this.away = true;
    return own();
  }

  private run(mode: 'wait' | 'begin', keys: readonly ThrottleKey[], now: number): Promise<number> {
    const args = [String(now), mode];
    for (const { throttle } of keys) {
      const rule = this.rules[throttle];
      args.push(String(rule.freeFailures), String(rule.firstDelaySeconds), String(rule.maxDelaySeconds), String(rule.forgetAfterSeconds * 1000));
    }
    return this.scripts.run(THROTTLE_SCRIPT, keys.map((k) => this.keyOf(k)), args).then((reply) => z.number().int().nonnegative().parse(reply));
  }

  wait(keys: readonly ThrottleKey[], now: number): Promise<number> {
    return this.either(() => this.run('wait', keys, now), () => this.local.wait(keys, now));
  }

  begin(keys: readonly ThrottleKey[], now: number): Promise<number> {
    return this.either(() => this.run('begin', keys, now), () => this.local.begin(keys, now));
  }

  clear(key: ThrottleKey): Promise<void> {
    void this.local.clear(key);
    return this.either(async () => void (await this.client.sendCommand(['DEL', this.keyOf(key)])), () => Promise.resolve());
  }

  refund(key: ThrottleKey): Promise<void> {
    void this.local.refund(key);
    return this.either(async () => void (await this.scripts.run(REFUND_SCRIPT, [this.keyOf(key)], [])), () => Promise.resolve());
  }

  clearPrefix(throttle: ThrottleName, prefix: string): Promise<void> {
    void this.local.clearPrefix(throttle, prefix);
    const pattern = prefixPattern(this.keyOf({ throttle, key: prefix }));
    return this.either(async () => {
      let cursor = '0';
      do {
        const [next, keys] = scanReply.parse(await this.client.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]));
        if (keys.length > 0) await this.client.sendCommand(['UNLINK', ...keys]);
        cursor = next;
      } while (cursor !== '0');
    }, () => Promise.resolve());
  }
}

/** What a rate-limit script answers (rate-limit-redis's replies; a missing value as false). */
const rateReply: z.ZodType<RedisReply> = z.union([
  z.boolean(),
  z.number(),
  z.string(),
  z.null().transform(() => false),
  z.array(z.union([z.boolean(), z.number(), z.string(), z.null().transform(() => false)])),
]);

/** The shared throttles' connection: its factory for AuthService, the request limits' store, and its close. */
export interface RedisThrottles {
  stores: ThrottleStoreFactory;
  /**
   * An express-rate-limit store whose counts the nodes share (rate-limit-redis), for the limit
   * `name`; a command unanswered in 1 s or a connection known down fails at once, and the limit
   * then lets the request through (`passOnStoreError`: the throttles above still count).
   */
  requestStore(name: string): Store;
  close(): Promise<void>;
}

/** Connects the throttles' own Redis connection (REDIS_URL); Redis must answer at start, like the other connections. */
export async function connectRedisThrottles(options: { url: string; cluster: string; log: Logger }): Promise<RedisThrottles> {
  const client = makeRedisClient(options.url);
  client.on('error', (error: unknown) => options.log.debug({ err: error }, 'Redis (sign-in throttles) connection trouble; retrying'));
  await connectAll([client], options.url);
  const send = async (...args: string[]): Promise<RedisReply> => {
    if (!client.isReady) throw new Error('Redis connection not ready');
    return rateReply.parse(await within(client.sendCommand(args), REDIS_ANSWER_MS, 'request limit'));
  };
  return {
    stores: (rules) => new RedisThrottleStore(client, options.cluster, rules, options.log),
    requestStore: (name) => new RedisStore({ sendCommand: send, prefix: `${options.cluster}:rate:${name}:` }),
    // Nothing to flush (each sign-in awaited its own command), and Redis may be away: not waited for.
    close() {
      if (client.isOpen) client.destroy();
      return Promise.resolve();
    },
  };
}
