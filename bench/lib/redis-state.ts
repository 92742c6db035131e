/**
 * The Redis side of the devstate scenario (bench/devstate.ts): redis-server's CPU from /proc, its
 * command times and memory from INFO, filling a deadlines ZSET, and the offline sweep under a lease.
 */
import type { createClient } from 'redis';
import { readProc, type ProcReading } from './proc.js';
import { sleep } from './stats.js';

export type RedisClient = ReturnType<typeof createClient>;

export const SWEEP_TICK_MS = 5000;
export const LEASE_MS = 10_000;
/** Cameras a sweep script call takes at most: Redis runs one script at a time, so each call is kept short. */
export const SWEEP_CHUNK = 1000;

/** Extends the lease when this node holds it. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * One sweep step, fenced by the lease: up to ARGV[3] cameras whose deadline is at or before ARGV[2]
 * leave the deadlines ZSET and are marked offline in the states hash; returns them with their deadlines.
 */
export const SWEEP_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return false end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, ARGV[3])
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('HSET', KEYS[2], due[i], 'offline')
end
return due`;

/** redis-server's CPU from /proc/<pid>/stat, less what it uses when this bench is not talking to it. */
export class RedisProbe {
  private idlePerSecond = 0;
  constructor(private readonly pid: number) {}

  read(): ProcReading {
    const reading = readProc(this.pid);
    if (!reading) throw new Error(`cannot read /proc/${this.pid}/stat of redis-server`);
    return reading;
  }

  /** redis-server's CPU when nobody of ours talks to it (other clients, its own cron), per second. */
  async calibrate(ms: number): Promise<void> {
    const from = this.read();
    await sleep(ms);
    const to = this.read();
    this.idlePerSecond = (to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000);
  }

  /** CPU ms between two readings, less the idle rate over that time. */
  usedMs(from: ProcReading, to: ProcReading): number {
    return Math.max(0, (to.cpuSeconds - from.cpuSeconds - this.idlePerSecond * ((to.at - from.at) / 1000)) * 1000);
  }

  get idleCores(): number {
    return this.idlePerSecond;
  }
}

/** INFO commandstats' usec of one command so far, ms (0 when never called). */
export async function commandMs(client: RedisClient, command: string | undefined): Promise<number> {
  if (command === undefined) return 0;
  const info = await client.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=\\d+,usec=(\\d+)`).exec(info)?.[1] ?? 0) / 1000;
}

/** used_memory of the Redis server, bytes. */
export async function usedMemory(client: RedisClient): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Fills the deadlines ZSET: camera i's deadline from `deadlineOf(i)`, 10,000 a command. */
export async function fillDeadlines(client: RedisClient, key: string, ids: readonly string[], deadlineOf: (i: number) => number): Promise<number> {
  await client.unlink(key);
  const t0 = performance.now();
  for (let from = 0; from < ids.length; from += 10_000) {
    const args = ['ZADD', key];
    for (let i = from; i < Math.min(ids.length, from + 10_000); i++) args.push(String(deadlineOf(i)), ids[i]!);
    await client.sendCommand(args);
  }
  return performance.now() - t0;
}

export interface SweepRun {
  ticks: number;
  due: number;
  calls: number;
  wallMs: number[];
  nodeCpuMs: number;
  redisCpuMs: number;
}

/** `ticks` sweeps 5 s of simulated time apart, from `base`, each renewing the lease then taking the due cameras chunk by chunk. */
export async function sweeps(client: RedisClient, keys: { deadlines: string; states: string; lease: string }, holder: string, sha: { sweep: string; renew: string }, redis: RedisProbe, base: number, ticks: number): Promise<SweepRun> {
  const run: SweepRun = { ticks, due: 0, calls: 0, wallMs: [], nodeCpuMs: 0, redisCpuMs: 0 };
  for (let tick = 1; tick <= ticks; tick++) {
    const now = base + tick * SWEEP_TICK_MS;
    const cpu = process.cpuUsage();
    const redisFrom = redis.read();
    const t0 = performance.now();
    const renewed = await client.evalSha(sha.renew, { keys: [keys.lease], arguments: [holder, String(LEASE_MS)] });
    if (renewed !== 1) throw new Error('the lease was lost during the sweep bench');
    for (;;) {
      const due = (await client.evalSha(sha.sweep, { keys: [keys.deadlines, keys.states, keys.lease], arguments: [holder, String(now), String(SWEEP_CHUNK)] })) as string[] | null;
      run.calls++;
      if (due === null) throw new Error('the sweep script found another lease holder');
      run.due += due.length / 2;
      if (due.length / 2 < SWEEP_CHUNK) break;
    }
    run.wallMs.push(performance.now() - t0);
    const used = process.cpuUsage(cpu);
    run.nodeCpuMs += (used.user + used.system) / 1000;
    await sleep(30);
    run.redisCpuMs += redis.usedMs(redisFrom, redis.read());
  }
  return run;
}
