import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryThrottleStore, type ThrottleKey, type ThrottleRules, type ThrottleStore } from '../../server/auth/throttle-store.js';
import { makeRedisClient } from '../../server/cluster/redis-client.js';
import { connectRedisThrottles, RedisThrottleStore } from '../../server/cluster/redis-throttle.js';
import { createLogger } from '../../server/logger.js';
import { REDIS_TEST_URL, redisAvailable, redisRelay } from '../helpers/redis.js';
import { waitFor } from '../helpers/server.js';

const runsRedis = await redisAvailable();

const rule = { freeFailures: 3, firstDelaySeconds: 1, maxDelaySeconds: 60, forgetAfterSeconds: 3600 };
const rules: ThrottleRules = { pair: rule, address: { ...rule, freeFailures: 6 }, password: rule };
const pair = (key: string): ThrottleKey => ({ throttle: 'pair', key });
const address = (key: string): ThrottleKey => ({ throttle: 'address', key });

type Connected = ReturnType<typeof makeRedisClient>;
const lines: Record<string, unknown>[] = [];
const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
const clients: Connected[] = [];

async function connected(url = REDIS_TEST_URL): Promise<Connected> {
  const client = makeRedisClient(url);
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

/** The stores one deployment's nodes would have: in memory (a single node), or on Redis under one cluster key. */
const engines: { name: string; runs: boolean; nodes: (count: number) => Promise<ThrottleStore[]> }[] = [
  { name: 'memory', runs: true, nodes: (count) => Promise.resolve(Array.from({ length: count }, () => new MemoryThrottleStore(rules))) },
  {
    name: 'Redis',
    runs: runsRedis,
    nodes: async (count) => {
      const cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
      return Promise.all(Array.from({ length: count }, async () => new RedisThrottleStore(await connected(), cluster, rules, log)));
    },
  },
];

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
});

/**
 * The same throttle rules in a node's memory and in Redis (REDIS_URL, shared by the nodes): free
 * failures, doubling waits, success and refund, quiet keys forgotten, an account's keys cleared —
 * the waits computed by the Lua script agree with AttemptThrottle's.
 */
describe.each(engines)('throttle store: $name', ({ runs, nodes }) => {
  it.runIf(runs)('lets the free failures through, then doubles the wait, counting both keys of a sign-in in one step', async () => {
    const [sut] = await nodes(1);
    let now = 5_000_000;
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      now += 120_000;
      expect(await sut!.begin([pair('zhang\n10.0.0.1'), address('10.0.0.1')], now)).toBe(0);
      waits.push(await sut!.wait([pair('zhang\n10.0.0.1')], now));
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 60]);
    // The address (six free) was counted with the pair: 10 failures, four over.
    expect(await sut!.wait([address('10.0.0.1')], now)).toBe(8);
    expect(await sut!.wait([pair('zhang\n10.0.0.1'), address('10.0.0.1')], now)).toBe(60);
    // Waiting: nothing is counted, the longest wait is answered.
    expect(await sut!.begin([pair('li\n10.0.0.1'), address('10.0.0.1')], now)).toBe(8);
    expect(await sut!.wait([pair('li\n10.0.0.1')], now)).toBe(0);
    now += 30_500;
    expect(await sut!.wait([pair('zhang\n10.0.0.1')], now)).toBe(30);
    expect(await sut!.wait([pair('zhang\n10.0.0.2'), address('10.0.0.2')], now)).toBe(0);
  });

  it.runIf(runs)('clears on success, refunds one failure, and forgets a key quiet for its forget time', async () => {
    const [sut] = await nodes(1);
    let now = 9_000_000;
    for (let i = 0; i < 6; i++) {
      now += 60_000;
      await sut!.begin([pair('k')], now);
    }
    const last = now;
    expect(await sut!.wait([pair('k')], now)).toBe(4);
    await sut!.refund(pair('k'));
    expect(await sut!.wait([pair('k')], last + 500)).toBe(2);
    await sut!.clear(pair('k'));
    expect(await sut!.wait([pair('k')], last)).toBe(0);
    await sut!.refund(pair('never seen'));
    expect(await sut!.wait([pair('never seen')], now)).toBe(0);

    for (let i = 0; i < 10; i++) await sut!.begin([pair('q')], now);
    // Three free and the fourth began; the other six waited and were not counted: four failures, one over.
    expect(await sut!.wait([pair('q')], now)).toBe(1);
    expect(await sut!.begin([pair('q')], now)).toBe(1);
    now += 3600_000;
    expect(await sut!.wait([pair('q')], now)).toBe(0);
    // Forgotten: it starts again from nothing (three free).
    for (let i = 0; i < 4; i++) expect(await sut!.begin([pair('q')], now)).toBe(0);
    expect(await sut!.begin([pair('q')], now)).toBe(1);
  });

  it.runIf(runs)('clears every key of an account by prefix, glob characters taken literally', async () => {
    const [sut] = await nodes(1);
    const now = 1;
    for (let i = 0; i < 5; i++) for (const key of ['l*\n10.0.0.1', 'l*\n10.0.0.2', 'li\n10.0.0.1', 'l*n\n10.0.0.1']) await sut!.begin([pair(key)], now + i * 100_000);
    await sut!.clearPrefix('pair', 'l*\n');
    expect(await sut!.wait([pair('l*\n10.0.0.1')], now)).toBe(0);
    expect(await sut!.wait([pair('l*\n10.0.0.2')], now)).toBe(0);
    expect(await sut!.wait([pair('li\n10.0.0.1')], 400_001)).toBe(2);
    expect(await sut!.wait([pair('l*n\n10.0.0.1')], 400_001)).toBe(2);
  });
});

describe.runIf(runsRedis)(`${RedisThrottleStore.name}: two nodes, and Redis away`, () => {
  let admin: Connected;
  beforeAll(async () => {
    admin = await connected();
  });

  it('counts one set of failures for both nodes: parallel attempts on both let through the free ones and one more, once', async () => {
    const [first, second] = await engines[1]!.nodes(2);
    const now = 1_800_000_000_000;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first! : second!).begin([pair('zhang\n10.0.0.9'), address('10.0.0.9')], now)));
    // Three free, and the fourth (its delay starts after it): the other sixteen wait, on either node.
    expect(answers.filter((wait) => wait === 0)).toHaveLength(4);
    expect(answers.filter((wait) => wait === 1)).toHaveLength(16);
    expect(await first!.wait([pair('zhang\n10.0.0.9')], now)).toBe(1);
    expect(await second!.wait([pair('zhang\n10.0.0.9')], now)).toBe(1);
    // A success on one node clears the pair for both.
    await second!.clear(pair('zhang\n10.0.0.9'));
    expect(await first!.wait([pair('zhang\n10.0.0.9')], now)).toBe(0);
  });

  it('keeps its keys with an expiry, so a quiet key leaves Redis', async () => {
    const cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
    const sut = new RedisThrottleStore(await connected(), cluster, rules, log);
    await sut.begin([pair('zhang\n10.0.0.9')], Date.now());
    const ttl = Number(await admin.sendCommand(['PTTL', `${cluster}:throttle:pair:zhang\n10.0.0.9`]));
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('counts on the node itself while Redis is away (logged once), and in Redis again once it is back', async () => {
    const cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
    const relay = await redisRelay();
    const client = await connected(relay.url);
    const sut = new RedisThrottleStore(client, cluster, rules, log);
    const now = 1_800_000_000_000;
    expect(await sut.begin([pair('a')], now)).toBe(0);
    await relay.down();
    await waitFor(() => !client.isReady, 'the client to notice the outage');

    const during = [];
    for (let i = 0; i < 6; i++) during.push(await sut.begin([pair('a')], now));
    // Redis's one failure is not known here: the node's own count lets four through, then waits.
    expect(during).toEqual([0, 0, 0, 0, 1, 1]);
    expect(lines.filter((l) => String(l.msg).startsWith('Redis does not answer: sign-in throttles'))).toHaveLength(1);

    await relay.up();
    await waitFor(() => client.isReady, 'the client to reconnect');
    // Redis still holds its one failure; the next attempts count there.
    expect(await sut.begin([pair('a')], now)).toBe(0);
    expect(await admin.sendCommand(['HGET', `${cluster}:throttle:pair:a`, 'failures'])).toBe('2');
    expect(lines.filter((l) => String(l.msg).startsWith('Redis answers again: sign-in throttles'))).toHaveLength(1);
    await relay.down();
  });

  it('shares the sign-in request counts of two nodes (rate-limit-redis), and fails at once while Redis is away', async () => {
    const cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
    const relay = await redisRelay();
    const nodes = [await connectRedisThrottles({ url: relay.url, cluster, log }), await connectRedisThrottles({ url: REDIS_TEST_URL, cluster, log })];
    try {
      const [a, b] = nodes.map((node) => node.requestStore('sign-in'));
      for (const store of [a!, b!]) await store.init?.({ windowMs: 60_000 } as Parameters<NonNullable<typeof store.init>>[0]);
      expect((await a!.increment('10.0.0.9')).totalHits).toBe(1);
      expect((await b!.increment('10.0.0.9')).totalHits).toBe(2);
      expect((await a!.increment('10.0.0.9')).totalHits).toBe(3);
      await relay.down();
      const asked = Date.now();
      await expect(a!.increment('10.0.0.9')).rejects.toThrow();
      expect(Date.now() - asked).toBeLessThan(1_500);
      expect((await b!.increment('10.0.0.9')).totalHits).toBe(4);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      await relay.down();
    }
  });
});
