import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEADLINES_SCRIPT, FAULT_SCRIPT, FOLD_SCRIPT, RENEW_SCRIPT, SEED_SCRIPT, SEEDED_MS, SWEEP_SCRIPT } from '../../server/cluster/scripts.js';
import { stateKeys } from '../../server/cluster/redis-camera-state.js';
import { readEntry, xreadEntries } from '../../server/cluster/changes.js';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.js';

const runs = await redisAvailable();
const LIMIT = 180_000;

/**
 * The Lua scripts of the shared device state (server/cluster/scripts.ts) against a real Redis:
 * the keepalive fold (`ZADD GT`, "came back" answered and announced once), the offline sweep fenced
 * by the lease and taken in chunks, the explicit fault, the seed at start.
 */
describe.runIf(runs)('device state scripts in Redis', () => {
  const client = createClient({ url: REDIS_TEST_URL, RESP: 2 });
  let keys: ReturnType<typeof stateKeys>;
  const run = async (script: string, k: string[], args: (string | number)[]) => client.sendCommand(['EVAL', script, String(k.length), ...k, ...args.map(String)]);
  const fold = (pairs: [string, number][], node = 'n1') => run(FOLD_SCRIPT, [keys.deadlines, keys.states, keys.stream], [node, ...pairs.flatMap(([id, deadline]) => [deadline, id])]);
  const sweep = (holder: string, now: number, chunk = 1000) => run(SWEEP_SCRIPT, [keys.deadlines, keys.states, keys.lease, keys.stream], [holder, now, chunk]);
  const entries = async () => xreadEntries(await client.sendCommand(['XREAD', 'COUNT', '100', 'STREAMS', keys.stream, '0-0'])).map((e) => readEntry(e.fields, 'n1', LIMIT));
  const score = async (id: string) => client.sendCommand(['ZSCORE', keys.deadlines, id]);

  beforeAll(async () => {
    await client.connect();
  });
  beforeEach(async () => {
    keys = stateKeys(`xiaoan:test-${randomBytes(6).toString('hex')}`);
    await run(SEED_SCRIPT, [keys.deadlines, keys.states], [LIMIT, 'C1', 'C2', 'C3']);
  });
  afterEach(async () => {
    await client.sendCommand(['UNLINK', ...Object.values(keys)]);
  });
  afterAll(async () => {
    await client.close();
  });

  it('folds keepalives with ZADD GT: a late one never moves a deadline back, and nothing is announced for cameras already online', async () => {
    expect(await fold([['C1', 5000 + LIMIT]])).toBe(0);
    expect(await score('C1')).toBe(String(5000 + LIMIT));
    expect(await fold([['C1', 1000 + LIMIT]], 'n2')).toBe(0);
    expect(await score('C1')).toBe(String(5000 + LIMIT));
    expect(await entries()).toEqual([]);
  });

  it('answers a camera that came back once, clears its state and announces it online', async () => {
    await client.sendCommand(['SET', keys.lease, 'a']);
    expect(await sweep('a', LIMIT + 1)).toBe(3);
    expect(JSON.parse(String(await client.sendCommand(['HGET', keys.states, 'C2'])))).toEqual({ state: 'offline', reason: 'offline', deadline: String(LIMIT) });
    expect(await fold([['C2', 9000 + LIMIT]], 'n2')).toBe(1);
    expect(await fold([['C2', 9500 + LIMIT]], 'n1')).toBe(0);
    expect(await client.sendCommand(['HEXISTS', keys.states, 'C2'])).toBe(0);
    const log = await entries();
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual({ kind: 'cameras', changes: ['C1', 'C2', 'C3'].map((deviceId) => ({ deviceId, to: 'offline', at: LIMIT + 1, reason: 'offline', since: 0, origin: 'stream' })) });
    expect(log[1]).toEqual({ kind: 'cameras', changes: [{ deviceId: 'C2', to: 'online', at: 9000, origin: 'stream' }] });
  });

  it('sweeps only for the lease holder, only deadlines before now, and each camera once', async () => {
    await fold([['C1', 10_000 + LIMIT], ['C2', 20_000 + LIMIT]]);
    await client.sendCommand(['SET', keys.lease, 'a', 'PX', '10000']);
    expect(await sweep('b', 10_000 + LIMIT + 1)).toBe(-1);
    // C3 (seeded at LIMIT) and C1 are due; a deadline equal to now is not passed yet.
    expect(await sweep('a', 10_000 + LIMIT)).toBe(1);
    expect(await sweep('a', 10_000 + LIMIT + 1)).toBe(1);
    expect(await sweep('a', 10_000 + LIMIT + 1)).toBe(0);
    expect(await score('C2')).toBe(String(20_000 + LIMIT));
    // The lease renewed by its holder only; a lapsed lease taken by another fences the old holder out.
    expect(await run(RENEW_SCRIPT, [keys.lease], ['b', 10_000])).toBe(0);
    expect(await run(RENEW_SCRIPT, [keys.lease], ['a', 10_000])).toBe(1);
    await client.sendCommand(['DEL', keys.lease]);
    await client.sendCommand(['SET', keys.lease, 'b', 'NX', 'PX', '10000']);
    expect(await sweep('a', 30_000 + LIMIT)).toBe(-1);
    expect(await sweep('b', 30_000 + LIMIT)).toBe(1);
  });

  it('sweeps a mass outage in chunks, each camera once', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `M${i}`);
    await run(SEED_SCRIPT, [keys.deadlines, keys.states], [LIMIT, ...ids]);
    await client.sendCommand(['SET', keys.lease, 'a']);
    const counts = [];
    for (let swept = 1000; swept === 1000;) counts.push((swept = Number(await sweep('a', LIMIT + 1))));
    expect(counts).toEqual([1000, 1000, 503]);
    expect(await client.sendCommand(['HLEN', keys.states])).toBe(2503);
  });

  it('keeps each camera\'s deadline through the sweep and a fault, for its last keepalive; a seeded one is marked never heard', async () => {
    const deadlines = async (ids: string[]) => run(DEADLINES_SCRIPT, [keys.deadlines, keys.states], ids);
    await run(SEED_SCRIPT, [keys.deadlines, keys.states], [LIMIT - SEEDED_MS, 'S1']);
    await fold([['C1', 5000 + LIMIT], ['C2', 6000 + LIMIT]]);
    await client.sendCommand(['SET', keys.lease, 'a']);
    // C3 (seeded at LIMIT) and S1 are swept; C1 faults while online, C2 while offline keeps its swept deadline.
    expect(await sweep('a', LIMIT + 1)).toBe(2);
    await run(FAULT_SCRIPT, [keys.deadlines, keys.states, keys.stream], ['n2', 'C1', 'video_loss', 5500]);
    expect(await sweep('a', 6000 + LIMIT + 1)).toBe(1);
    await run(FAULT_SCRIPT, [keys.deadlines, keys.states, keys.stream], ['n2', 'C2', 'tamper', 6500 + LIMIT]);
    expect(await deadlines(['C1', 'C2', 'C3', 'S1', 'unknown'])).toEqual([String(5000 + LIMIT), String(6000 + LIMIT), String(LIMIT), String(LIMIT - SEEDED_MS), '']);
    // The sweep's announcement of a seeded camera gives the seed's time as its last keepalive, a whole millisecond.
    const swept = (await entries()).find((e) => e.kind === 'cameras' && e.changes.some((c) => c.deviceId === 'S1'));
    expect(swept).toEqual({ kind: 'cameras', changes: expect.arrayContaining([expect.objectContaining({ deviceId: 'S1', to: 'offline', since: 0 })]) });
  });

  it('takes a faulty camera out of the sweep until its next keepalive, announcing the fault once', async () => {
    const fault = () => run(FAULT_SCRIPT, [keys.deadlines, keys.states, keys.stream], ['n2', 'C1', 'video_loss', 4242]);
    expect(await fault()).toBe(1);
    expect(await fault()).toBe(0);
    expect(await score('C1')).toBeNull();
    await client.sendCommand(['SET', keys.lease, 'a']);
    expect(await sweep('a', LIMIT + 1)).toBe(2);
    expect(await fold([['C1', 7000 + LIMIT]])).toBe(1);
    // The seed at a node's start leaves a down camera down and an online one's deadline where it is.
    await run(SEED_SCRIPT, [keys.deadlines, keys.states], [99_000 + LIMIT, 'C1', 'C2']);
    expect(await score('C1')).toBe(String(7000 + LIMIT));
    expect(await score('C2')).toBeNull();
    const log = await entries();
    expect(log[0]).toEqual({ kind: 'cameras', changes: [{ deviceId: 'C1', to: 'fault', at: 4242, reason: 'video_loss', origin: 'stream' }] });
    expect(log.at(-1)).toEqual({ kind: 'cameras', changes: [{ deviceId: 'C1', to: 'online', at: 7000, origin: 'local' }] });
  });
});
