/**
 * Scenario `devstate` (issue 17, opt-in): what sharing camera state between nodes through Redis
 * would cost one Node process, beside today's in-memory fold, in the same run.
 *
 * 500,000 cameras; keepalives in batches of 1,000 at the province rate (8,333/s, a batch every
 * 120 ms) and at three times it (a batch every 40 ms). Each way of folding a batch is run paced at
 * both rates, then unpaced (eight batches in flight) for its ceiling:
 *   memory      CameraHealthService.indexOf + heartbeatAt on the same ids (what a node does today);
 *   hset        one variadic HSET lastseen <id> <ms> … per batch;
 *   hset×1000   1,000 single HSETs per batch, pipelined by the client (issued in one tick);
 *   zadd        one variadic ZADD deadlines GT <ms + limit> <id> … per batch (the deadline ZSET);
 *   zadd+which  ZMSCORE then ZADD GT in one MULTI: also says which cameras were absent, i.e. came back;
 *   lua         a script doing ZADD GT per camera and returning those that were absent.
 * Node CPU from process.cpuUsage, redis-server's from /proc/<pid>/stat (its pid from INFO server),
 * less its idle rate measured first; latency per batch is from the command's send to its reply.
 *
 * Then the sweep as one node would run it under a lease: SET lease NX PX 10000, renewed by a script
 * that checks the holder; each 5 s tick a script (fenced by the lease) takes the due cameras from a
 * ZSET of 500,000 deadlines 1,000 at a time, removes them and marks them offline in a hash — for a
 * mass outage (13,889 due a tick: every deadline spread over the 180 s limit, nobody sending) and
 * for the steady state (100 due a tick), beside CameraHealthService.sweep() on the same outage.
 */
import { createClient } from 'redis';
import crypto from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CameraHealthService, NO_CAMERA } from '../server/services/camera-health.service.js';
import { DomainEvents } from '../server/services/domain-events.js';
import { log } from './lib/context.js';
import { describeMachine, writeScenarioSection } from './lib/docs.js';
import { commandMs, fillDeadlines, LEASE_MS, RedisProbe, RENEW_SCRIPT, SWEEP_SCRIPT, SWEEP_TICK_MS, sweeps, usedMemory, type RedisClient, type SweepRun } from './lib/redis-state.js';
import type { ReportTable, ScenarioReport } from './lib/report.js';
import { fmtInt, fmtMs, percentile, sleep } from './lib/stats.js';
import { provinceCameras } from './hot-paths.js';

const CAMERAS = 500_000;
const BATCH = 1000;
const PROVINCE_RATE = 8333;
/** Three times the province rate (3 × 8,333.3). */
const HIGH_RATE = 25_000;
/** The offline limit: three missed 60 s keepalives. */
const LIMIT_MS = 180_000;
const IN_FLIGHT = 8;


/**
 * A full collection before each measured stretch, so one way's garbage (a pipelined way leaves a
 * million settled promises) is not collected inside the next way's figures.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/** Folds one batch: the ids and the keepalive time they share. */
type Fold = (ids: readonly string[], atMs: number) => Promise<unknown>;

interface Way {
  id: string;
  label: string;
  fold: Fold;
  /** The top-level command whose INFO commandstats time is the fold's (EXEC and EVALSHA include what they run). */
  command?: string;
}

/**
 * ZADD GT for each camera; the cameras that were not in the ZSET (offline or faulty: they came
 * back) leave the states hash and are returned.
 */
const FOLD_SCRIPT = `
local back = {}
for i = 1, #ARGV, 2 do
  if redis.call('ZADD', KEYS[1], 'GT', ARGV[i], ARGV[i + 1]) == 1 then
    back[#back + 1] = ARGV[i + 1]
    redis.call('HDEL', KEYS[2], ARGV[i + 1])
  end
end
return back`;

interface Run {
  /** Redis's own time executing the fold's commands (INFO commandstats), ms. */
  commandMs: number;
  keepalives: number;
  seconds: number;
  nodeCpuMs: number;
  redisCpuMs: number;
  latencies: number[];
}

/** Batches over the ids, each camera in turn as a gateway would send them (a stride, so batches mix schools). */
class Batches {
  private next = 0;
  constructor(private readonly ids: readonly string[]) {}
  take(): string[] {
    const batch = new Array<string>(BATCH);
    for (let i = 0; i < BATCH; i++) batch[i] = this.ids[(this.next++ * 7919) % this.ids.length]!;
    return batch;
  }
}

/** Folds a batch every `periodMs` for `seconds`; batches may overlap when a reply is slow. */
async function paced(client: RedisClient, way: Way, batches: Batches, redis: RedisProbe, periodMs: number, seconds: number): Promise<Run> {
  collect();
  const latencies: number[] = [];
  const commandFrom = await commandMs(client, way.command);
  const pending: Promise<void>[] = [];
  const cpu = process.cpuUsage();
  const redisFrom = redis.read();
  const start = performance.now();
  let sent = 0;
  for (let k = 0; performance.now() - start < seconds * 1000; k++) {
    const wait = start + k * periodMs - performance.now();
    if (wait > 0) await sleep(wait);
    const ids = batches.take();
    const t0 = performance.now();
    pending.push(way.fold(ids, Date.now()).then(() => void latencies.push(performance.now() - t0)));
    sent += ids.length;
    if (pending.length > 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const used = process.cpuUsage(cpu);
  const redisCpuMs = redis.usedMs(redisFrom, redis.read());
  return { keepalives: sent, seconds: (performance.now() - start) / 1000, nodeCpuMs: (used.user + used.system) / 1000, redisCpuMs, commandMs: (await commandMs(client, way.command)) - commandFrom, latencies };
}

/** As many batches as `IN_FLIGHT` loops can fold in `seconds`, each waiting for its reply. */
async function ceiling(client: RedisClient, way: Way, batches: Batches, redis: RedisProbe, seconds: number): Promise<Run> {
  collect();
  const latencies: number[] = [];
  const commandFrom = await commandMs(client, way.command);
  const cpu = process.cpuUsage();
  const redisFrom = redis.read();
  const start = performance.now();
  let sent = 0;
  const loop = async () => {
    while (performance.now() - start < seconds * 1000) {
      const ids = batches.take();
      const t0 = performance.now();
      await way.fold(ids, Date.now());
      latencies.push(performance.now() - t0);
      sent += ids.length;
      // The in-memory fold never waits: let the loop turn as a server's would between requests.
      if (way.id === 'memory') await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  const used = process.cpuUsage(cpu);
  const redisCpuMs = redis.usedMs(redisFrom, redis.read());
  return { keepalives: sent, seconds: (performance.now() - start) / 1000, nodeCpuMs: (used.user + used.system) / 1000, redisCpuMs, commandMs: (await commandMs(client, way.command)) - commandFrom, latencies };
}

const per1000 = (ms: number, keepalives: number) => ((ms / keepalives) * 1000).toFixed(2);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);


export async function runDevState(options: { quick: boolean; write?: boolean; url?: string }): Promise<ScenarioReport> {
  const started = performance.now();
  const machine = describeMachine();
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const seconds = options.quick ? 4 : 15;
  const ceilingSeconds = options.quick ? 3 : 8;
  const client: RedisClient = createClient({ url });
  client.on('error', (error: unknown) => log(`  redis: ${String(error)}`));
  await client.connect().catch((error: unknown) => {
    throw new Error(`the devstate scenario needs Redis at ${url}`, { cause: error });
  });
  const prefix = `xiaoan-bench:devstate:${crypto.randomBytes(4).toString('hex')}`;
  const keys = { lastSeen: `${prefix}:lastseen`, deadlines: `${prefix}:deadlines`, states: `${prefix}:states`, lease: `${prefix}:sweep-lease`, sweepDeadlines: `${prefix}:sweep-deadlines` };
  try {
    const server = await client.info('server');
    const pid = Number(/process_id:(\d+)/.exec(server)?.[1]);
    const version = /redis_version:(\S+)/.exec(server)?.[1] ?? '?';
    const redis = new RedisProbe(pid);
    await redis.calibrate(options.quick ? 1000 : 3000);
    log(`  redis-server ${version}, pid ${pid}, idle ${(redis.idleCores * 100).toFixed(1)} % of a core`);

    log(`  ${fmtInt(CAMERAS)} cameras in a registry and CameraHealthService`);
    const { registry, ids } = await provinceCameras(CAMERAS);
    const cameras = new CameraHealthService({ registry, events: new DomainEvents(), clock: { now: () => Date.now() } });
    cameras.init();
    const foldSha = await client.scriptLoad(FOLD_SCRIPT);
    const deadlineArgs = (head: string[], batch: readonly string[], atMs: number) => {
      const deadline = String(atMs + LIMIT_MS);
      const args = head;
      for (const id of batch) args.push(deadline, id);
      return args;
    };
    const ways: Way[] = [
      {
        id: 'memory', label: 'in memory (today): indexOf + heartbeatAt',
        fold: (batch, atMs) => {
          const now = Date.now();
          for (const id of batch) {
            const index = cameras.indexOf(id);
            if (index !== NO_CAMERA) cameras.heartbeatAt(index, atMs, now);
          }
          return Promise.resolve();
        },
      },
      {
        id: 'hset', label: 'Redis: one HSET lastseen <id> <ms> … per batch',
        fold: (batch, atMs) => {
          const ms = String(atMs);
          const args = ['HSET', keys.lastSeen];
          for (const id of batch) args.push(id, ms);
          return client.sendCommand(args);
        },
        command: 'hset',
      },
      {
        id: 'hset×1000', label: 'Redis: 1,000 HSET lastseen <id> <ms>, pipelined',
        fold: (batch, atMs) => {
          const ms = String(atMs);
          return Promise.all(batch.map((id) => client.sendCommand(['HSET', keys.lastSeen, id, ms])));
        },
        command: 'hset',
      },
      {
        id: 'zadd', label: 'Redis: one ZADD deadlines GT <ms+limit> <id> … per batch',
        fold: (batch, atMs) => client.sendCommand(deadlineArgs(['ZADD', keys.deadlines, 'GT'], batch, atMs)),
        command: 'zadd',
      },
      {
        id: 'zadd+which', label: 'Redis: MULTI ZMSCORE + ZADD GT (which came back)',
        fold: (batch, atMs) => client.multi().addCommand(['ZMSCORE', keys.deadlines, ...batch]).addCommand(deadlineArgs(['ZADD', keys.deadlines, 'GT'], batch, atMs)).exec(),
        command: 'exec',
      },
      {
        id: 'lua', label: 'Redis: script, ZADD GT each; those that came back leave the states hash and are returned',
        fold: (batch, atMs) => client.evalSha(foldSha, { keys: [keys.deadlines, keys.states], arguments: deadlineArgs([], batch, atMs) }),
        command: 'evalsha',
      },
    ];
    // Every camera in the ZSET first (as after a start), so the folds update rather than insert.
    const fillMemoryBefore = await usedMemory(client);
    const fillMs = await fillDeadlines(client, keys.deadlines, ids, () => Date.now() + LIMIT_MS);
    const zsetBytes = (await usedMemory(client)) - fillMemoryBefore;
    const hashMemoryBefore = await usedMemory(client);
    for (let from = 0; from < ids.length; from += 10_000) {
      const ms = String(Date.now());
      const args = ['HSET', keys.lastSeen];
      for (const id of ids.slice(from, from + 10_000)) args.push(id, ms);
      await client.sendCommand(args);
    }
    const hashBytes = (await usedMemory(client)) - hashMemoryBefore;
    const batches = new Batches(ids);
    const rows: string[][] = [];
    const byWay = new Map<string, { one: Run; three: Run; top: Run }>();
    for (const way of ways) {
      // Warm-up: the JIT, the connection, the script cache.
      for (let i = 0; i < 50; i++) await way.fold(batches.take(), Date.now());
      log(`  ${way.id}: ${PROVINCE_RATE.toLocaleString('en-US')}/s, ${HIGH_RATE.toLocaleString('en-US')}/s, then unpaced`);
      const one = await paced(client, way, batches, redis, (BATCH / PROVINCE_RATE) * 1000, seconds);
      const three = await paced(client, way, batches, redis, (BATCH / HIGH_RATE) * 1000, seconds);
      const top = await ceiling(client, way, batches, redis, ceilingSeconds);
      byWay.set(way.id, { one, three, top });
      for (const [rate, run] of [['8,333/s', one], ['25,000/s', three]] as const) {
        const lat = sorted(run.latencies);
        rows.push([way.label, rate, per1000(run.nodeCpuMs, run.keepalives), way.id === 'memory' ? '—' : `${per1000(run.redisCpuMs, run.keepalives)} (${per1000(run.commandMs, run.keepalives)})`,
          `${fmtMs(percentile(lat, 50))} / ${fmtMs(percentile(lat, 99))} / ${fmtMs(lat.at(-1) ?? Number.NaN)}`,
          `${((run.nodeCpuMs / 1000 / run.seconds) * 100).toFixed(1)} % / ${way.id === 'memory' ? '—' : `${((run.redisCpuMs / 1000 / run.seconds) * 100).toFixed(1)} %`}`]);
      }
      const topLat = sorted(top.latencies);
      rows.push([way.label, `ceiling (${IN_FLIGHT} in flight)`, per1000(top.nodeCpuMs, top.keepalives), way.id === 'memory' ? '—' : `${per1000(top.redisCpuMs, top.keepalives)} (${per1000(top.commandMs, top.keepalives)})`,
        `${fmtMs(percentile(topLat, 50))} / ${fmtMs(percentile(topLat, 99))} / ${fmtMs(topLat.at(-1) ?? Number.NaN)}`,
        `${fmtInt(top.keepalives / top.seconds)} keepalives/s`]);
    }

    // The sweep under a lease.
    log('  sweep: lease, then a mass outage (13,889 due a tick) and the steady state (100 due a tick)');
    const holder = `node-${crypto.randomBytes(3).toString('hex')}`;
    const sha = { sweep: await client.scriptLoad(SWEEP_SCRIPT), renew: await client.scriptLoad(RENEW_SCRIPT) };
    const leaseTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      await client.del(keys.lease);
      const t0 = performance.now();
      const got = await client.set(keys.lease, holder, { condition: 'NX', expiration: { type: 'PX', value: LEASE_MS } });
      leaseTimes.push(performance.now() - t0);
      if (got !== 'OK') throw new Error('lease not taken');
    }
    const renewTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await client.evalSha(sha.renew, { keys: [keys.lease], arguments: [holder, String(LEASE_MS)] });
      renewTimes.push(performance.now() - t0);
    }
    const ticks = LIMIT_MS / SWEEP_TICK_MS;
    const base = Date.now();
    const outageFillMs = await fillDeadlines(client, keys.sweepDeadlines, ids, (i) => base + Math.floor((i / ids.length) * LIMIT_MS));
    const outage = await sweeps(client, { deadlines: keys.sweepDeadlines, states: keys.states, lease: keys.lease }, holder, sha, redis, base, ticks);
    await client.unlink(keys.states);
    // 100 cameras due a tick; every other deadline well past the ticks.
    const steadyDue = ticks * 100;
    await fillDeadlines(client, keys.sweepDeadlines, ids, (i) => (i < steadyDue ? base + Math.floor((i / steadyDue) * LIMIT_MS) : base + 10 * LIMIT_MS));
    const steady = await sweeps(client, { deadlines: keys.sweepDeadlines, states: keys.states, lease: keys.lease }, holder, sha, redis, base, ticks);

    // The same outage in memory: every camera heard once, spread over one limit, then nobody.
    let simulated = base - LIMIT_MS;
    const memory = new CameraHealthService({ registry, events: new DomainEvents(), clock: { now: () => simulated } });
    memory.init();
    simulated = base;
    for (let i = 0; i < ids.length; i++) memory.heartbeat(ids[i]!, base - LIMIT_MS + Math.floor((i / ids.length) * LIMIT_MS) + 1);
    // The first sweep re-files every camera under its real deadline (all were filed under the start's).
    memory.sweep();
    const memoryWall: number[] = [];
    let memoryDue = 0;
    const memoryCpu = process.cpuUsage();
    for (let tick = 1; tick <= ticks; tick++) {
      simulated = base + tick * SWEEP_TICK_MS;
      const t0 = performance.now();
      memoryDue += memory.sweep().length;
      memoryWall.push(performance.now() - t0);
    }
    const memoryCpuUsed = process.cpuUsage(memoryCpu);

    const sweepRow = (label: string, run: SweepRun): string[] => {
      const wall = sorted(run.wallMs);
      return [label, fmtInt(run.due / run.ticks), String(run.calls), `${fmtMs(percentile(wall, 50))} / ${fmtMs(wall.at(-1) ?? Number.NaN)}`, (run.nodeCpuMs / run.ticks).toFixed(2), (run.redisCpuMs / run.ticks).toFixed(2)];
    };
    const memWall = sorted(memoryWall);
    const sweepTable: ReportTable = {
      caption: `The offline sweep, one tick every ${SWEEP_TICK_MS / 1000} s of simulated time over ${ticks} ticks (one limit), ${fmtInt(CAMERAS)} cameras`,
      header: ['sweep', 'due a tick', 'calls in all', 'ms a tick p50 / max', 'Node CPU ms a tick', 'redis-server CPU ms a tick'],
      rows: [
        sweepRow('Redis, mass outage: lease renewal + fenced script, 1,000 a call', outage),
        sweepRow('Redis, steady state: lease renewal + fenced script', steady),
        ['in memory (today), same mass outage: CameraHealthService.sweep()', fmtInt(memoryDue / ticks), String(ticks), `${fmtMs(percentile(memWall, 50))} / ${fmtMs(memWall.at(-1) ?? Number.NaN)}`, ((memoryCpuUsed.user + memoryCpuUsed.system) / 1000 / ticks).toFixed(2), '—'],
      ],
    };
    const foldTable: ReportTable = {
      caption: `Keepalive folds, batches of ${fmtInt(BATCH)} over ${fmtInt(CAMERAS)} cameras, ${seconds} s per rate, ceiling ${ceilingSeconds} s`,
      header: ['fold', 'rate', 'Node CPU ms / 1,000 keepalives', 'redis-server CPU ms / 1,000 (of which executing the commands)', 'ms a batch p50 / p99 / max (reply)', 'Node / redis-server CPU (% of a core), or ceiling'],
      rows,
    };
    const mem = byWay.get('memory')!;
    const zadd = byWay.get('zadd')!;
    const which = byWay.get('zadd+which')!;
    const lua = byWay.get('lua')!;
    const hset = byWay.get('hset')!;
    const piped = byWay.get('hset×1000')!;
    const p99 = (run: Run) => fmtMs(percentile(sorted(run.latencies), 99));
    const p50 = (run: Run) => fmtMs(percentile(sorted(run.latencies), 50));
    const report: ScenarioReport = {
      id: 'devstate',
      title: 'Device state across nodes (issue 17): keepalives and the sweep through Redis vs in memory',
      requirement: 'Device state shared by the nodes: the keepalive fold, offline sweep, fault tickets, school camera counts and 护学岗 state are correct whichever node receives each event — choose, measure, and write down why.',
      setup: `In one Node process (this bench): ${fmtInt(CAMERAS)} cameras (50,000 schools), keepalives in batches of ${fmtInt(BATCH)} at ${fmtInt(PROVINCE_RATE)}/s and ${fmtInt(HIGH_RATE)}/s, ` +
        `each way for ${seconds} s, then unpaced with ${IN_FLIGHT} batches in flight; Redis ${version} at ${new URL(url).host} (the \`redis\` client, one connection), ` +
        `its CPU from /proc/${'<pid>'}/stat less its idle rate (${(redis.idleCores * 100).toFixed(1)} % of a core, measured first). Keys under a random bench prefix, removed at the end.`,
      figures: [
        { metric: 'in memory (today): Node CPU ms per 1,000 keepalives at 8,333/s / 25,000/s', value: `${per1000(mem.one.nodeCpuMs, mem.one.keepalives)} / ${per1000(mem.three.nodeCpuMs, mem.three.keepalives)}` },
        { metric: 'fold script (chosen): Node + redis-server CPU ms per 1,000 at 8,333/s', value: `${per1000(lua.one.nodeCpuMs, lua.one.keepalives)} + ${per1000(lua.one.redisCpuMs, lua.one.keepalives)}` },
        { metric: 'fold script (chosen): Node + redis-server CPU ms per 1,000 at 25,000/s', value: `${per1000(lua.three.nodeCpuMs, lua.three.keepalives)} + ${per1000(lua.three.redisCpuMs, lua.three.keepalives)}` },
        { metric: 'fold script (chosen): added ms a batch p50 / p99 at 8,333/s; at 25,000/s', value: `${p50(lua.one)} / ${p99(lua.one)}; ${p50(lua.three)} / ${p99(lua.three)}` },
        { metric: 'one ZADD GT / MULTI ZMSCORE + ZADD GT: Node + redis-server CPU ms per 1,000 at 8,333/s', value: `${per1000(zadd.one.nodeCpuMs, zadd.one.keepalives)} + ${per1000(zadd.one.redisCpuMs, zadd.one.keepalives)} / ${per1000(which.one.nodeCpuMs, which.one.keepalives)} + ${per1000(which.one.redisCpuMs, which.one.keepalives)}` },
        { metric: '1,000 pipelined HSETs a batch: Node CPU ms per 1,000 at 8,333/s', value: per1000(piped.one.nodeCpuMs, piped.one.keepalives) },
        { metric: 'ceiling, keepalives/s: in memory / HSET / ZADD GT / MULTI / fold script / 1,000 HSETs', value: [mem, hset, zadd, which, lua, piped].map((w) => fmtInt(w.top.keepalives / w.top.seconds)).join(' / ') },
        { metric: 'sweep of 500,000 deadlines, ms a tick p50 (redis-server CPU ms): steady 100 due / outage 13,889 due / in memory, outage', value: `${fmtMs(percentile(sorted(steady.wallMs), 50))} (${(steady.redisCpuMs / steady.ticks).toFixed(2)}) / ${fmtMs(percentile(sorted(outage.wallMs), 50))} (${(outage.redisCpuMs / outage.ticks).toFixed(2)}) / ${fmtMs(percentile(memWall, 50))}` },
        { metric: 'Redis memory for 500,000 cameras: deadlines ZSET / lastseen hash', value: `${(zsetBytes / 2 ** 20).toFixed(1)} MiB / ${(hashBytes / 2 ** 20).toFixed(1)} MiB` },
        { metric: 'filling the deadlines ZSET for 500,000 cameras (50 ZADDs of 10,000)', value: `${fmtMs(fillMs)} (again for the sweep: ${fmtMs(outageFillMs)})` },
        { metric: 'lease: SET NX PX 10000 / renewal script, ms p50 / max', value: `${fmtMs(percentile(sorted(leaseTimes), 50))} / ${fmtMs(Math.max(...leaseTimes))}; ${fmtMs(percentile(sorted(renewTimes), 50))} / ${fmtMs(Math.max(...renewTimes))}` },
      ],
      tables: [foldTable, sweepTable],
      notes: [
        'The Redis rows are what sharing adds: a node would still fold in memory for its own pushes (the memory row) and, in the chosen design, write the batch to Redis once (one command or one MULTI per batch).',
        '"ms a batch" is from the command written to its reply over loopback, what an ingest answer would wait if the 202 waited for Redis; the memory row is the fold itself.',
        `redis-server CPU comes from /proc in ticks of 10 ms; over ${seconds} s at 8,333/s that is ±${(10 / (seconds * PROVINCE_RATE / 1000)).toFixed(3)} ms per 1,000.`,
        'In brackets, Redis\'s own time executing the fold\'s top-level command (INFO commandstats: HSET, ZADD, EXEC of the MULTI, EVALSHA); the rest of its CPU is reading requests and writing replies.',
        'The machine is shared with other work; the same-run comparisons (memory vs Redis, one command vs 1,000) are the robust ones.',
      ],
    };
    if (options.write ?? !options.quick) {
      const minutes = (performance.now() - started) / 60_000;
      writeScenarioSection('devstate', report, { machine, command: `npm run bench -- --only devstate${options.quick ? ' --quick' : ''}`, minutes });
      log('  wrote docs/benchmarks.md (devstate section)');
    }
    return report;
  } finally {
    await client.unlink(Object.values(keys)).catch(() => undefined);
    await client.close();
  }
}
