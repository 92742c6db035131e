/**
 * Scenario 3 — sustained keepalive ingest over HTTP, batches of 100 `camera.heartbeat`:
 *   a. as fast as the server answers, on a few keep-alive connections, for 5 minutes: the
 *      sustained rate, and memory over the whole time;
 *   b. then, on the same server, paced at the target rate (50,000/s): the CPU and event-loop
 *      delay it costs to carry exactly that load.
 * Everything about the server is measured from outside (/proc) and from GET /health.
 */
import os from 'node:os';
import { BenchContext, log } from './lib/context.js';
import { KeepaliveLoad } from './lib/keepalive-load.js';
import type { KeepaliveConfig, KeepaliveStats } from './lib/keepalive-protocol.js';
import { machineFigure, otherCores, type Figure, type ScenarioReport } from './lib/report.js';
import { watchOwnCpu } from './lib/self-loop.js';
import { BENCH_TOKEN, machineCpu, ServerSampler, weightedCpu, type ServerSample, type ServerUnderTest } from './lib/server.js';
import { fmtInt, fmtMiB, fmtMs, fmtPct, max, percentile, slope } from './lib/stats.js';

const BATCH = 100;
const TARGET_RATE = 50_000;
const TARGET_LOOP_P99_MS = 20;
/** Memory counts as flat when its floor late in the run is less than this above its floor early on. */
const FLAT_GROWTH = 0.1;

/** One phase's load and what the server did meanwhile. */
interface Phase {
  final: KeepaliveStats;
  samples: ServerSample[];
  serverCpu: number;
  harnessCpu: number;
  generatorCpu: number;
  worstLoopP99: number;
  medianLoopP99: number;
  loopMax: number;
  /** One histogram over the whole phase (GET /health?span=…), offset removed; NaN when not reported. */
  phaseLoop: { p50Ms: number; p99Ms: number; maxMs: number } | null;
}

async function runPhase(server: ServerUnderTest, config: Omit<KeepaliveConfig, 'url' | 'token'>, sampleMs: number): Promise<Phase> {
  let load: KeepaliveLoad | null = null;
  const sampler = new ServerSampler(server, sampleMs, (s) => {
    const stats = load?.latest;
    const rate = stats ? stats.accepted / (stats.elapsedMs / 1000) : Number.NaN;
    log(
      `  t=${s.t.toFixed(0).padStart(3)} s  cpu ${fmtPct(s.cpu).padStart(5)}  rss ${fmtMiB(s.rssBytes)}  ` +
        `loop p99 ${s.loopP99Ms === null ? 'n/a' : fmtMs(s.loopP99Ms)}  machine ${s.machineCores.toFixed(2)} cores  avg ${fmtInt(rate)}/s so far`,
    );
  });
  await server.health('restart');
  load = await KeepaliveLoad.start({ url: server.url, token: BENCH_TOKEN, ...config });
  await sampler.start();
  const ownCpu = watchOwnCpu();
  let generatorCpu = Number.NaN;
  // The generator stops by itself once its duration is up; read its CPU just before.
  const generatorRead = setTimeout(() => (generatorCpu = load?.cpu() ?? Number.NaN), Math.max(0, config.durationMs - 1500));
  try {
    const final = await load.done();
    const span = (await server.health('read')).eventLoopSpan;
    await sampler.stop();
    const offset = server.eventLoopOffsetMs ?? 0;
    const phaseLoop = span ? { p50Ms: Math.max(0, span.p50Ms - offset), p99Ms: Math.max(0, span.p99Ms - offset), maxMs: Math.max(0, span.maxMs - offset) } : null;
    const samples = sampler.samples;
    const loops = samples.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
    return {
      final,
      samples,
      serverCpu: weightedCpu(samples),
      harnessCpu: ownCpu.read() + generatorCpu,
      generatorCpu,
      worstLoopP99: loops.length ? max(loops) : Number.NaN,
      medianLoopP99: loops.length ? percentile(loops, 50) : Number.NaN,
      loopMax: max(samples.map((s) => s.loopMaxMs).filter((v): v is number => v !== null)),
      phaseLoop,
    };
  } finally {
    clearTimeout(generatorRead);
    await load.stop().catch(() => undefined);
  }
}

export async function runIngestRate(ctx: BenchContext, connections: number): Promise<ScenarioReport> {
  const maxMs = ctx.quick ? 20_000 : 300_000;
  const pacedMs = ctx.quick ? 10_000 : 60_000;
  const sampleMs = ctx.quick ? 2000 : 5000;
  const server = await ctx.startServer();
  try {
    const idsFile = await ctx.cameraIdsFile(server);
    const acceptedBefore = (await server.health()).ingest.accepted;

    log(`  a. ${maxMs / 1000} s of batches of ${BATCH} on ${connections} connections, as fast as answered`);
    const top = await runPhase(server, { idsFile, mode: 'max', rate: 0, batchSize: BATCH, connections, durationMs: maxMs, startIndex: 0 }, sampleMs);
    const acceptedAfter = (await server.health()).ingest.accepted;
    log(`  b. ${pacedMs / 1000} s paced at ${fmtInt(TARGET_RATE)}/s`);
    const paced = await runPhase(
      server,
      { idsFile, mode: 'paced', rate: TARGET_RATE, batchSize: BATCH, connections: 16, durationMs: pacedMs, startIndex: 0 },
      Math.min(sampleMs, 2000),
    );

    const seconds = top.final.elapsedMs / 1000;
    const rate = top.final.accepted / seconds;
    const pacedRate = paced.final.accepted / (paced.final.elapsedMs / 1000);
    const samples = top.samples;
    // RSS saws up and down with major GCs (hundreds of MiB on this heap): a leak shows as a rising
    // floor, so compare the lowest RSS of the two halves after the warm-up fifth, not two points.
    const between = (from: number, to: number) => samples.filter((s) => s.t >= from * seconds && s.t < to * seconds).map((s) => s.rssBytes);
    const warm = samples.filter((s) => s.t >= seconds / 5);
    const rssStart = samples[0]?.rssBytes ?? Number.NaN;
    const floorEarly = Math.min(...between(0.2, 0.6));
    const floorLate = Math.min(...between(0.6, 1.01));
    const rssPeak = max(samples.map((s) => s.rssBytes));
    const growth = (floorLate - floorEarly) / floorEarly;
    const mibPerMin = slope(warm.map((s) => ({ x: s.t / 60, y: s.rssBytes / 1048576 })));
    // The target is the phase's p99: one histogram over the whole paced minute. The worst short
    // window (a single major GC can fill a 2 s window's top percent) is shown beside it.
    const loopTarget = (phase: Phase): Figure => ({
      metric: '',
      value: phase.phaseLoop ? fmtMs(phase.phaseLoop.p99Ms) : 'n/a',
      target: `< ${TARGET_LOOP_P99_MS} ms`,
      pass: phase.phaseLoop ? phase.phaseLoop.p99Ms < TARGET_LOOP_P99_MS : undefined,
    });
    const pacedReached = pacedRate >= TARGET_RATE * 0.97;
    return {
      id: 'ingest',
      title: '3. Sustained keepalive ingest over HTTP',
      requirement:
        'sustained keepalive ingest rate over HTTP with batching (events/s, CPU, memory over 5 minutes) … at least 50,000 keepalives/s in batches ' +
        'of 100 per request, the server using at most one core, its event-loop delay p99 under 20 ms, memory flat',
      setup:
        `a. ${maxMs / 1000} s of batches of ${BATCH} \`camera.heartbeat\` (cycling over the ${ctx.options.scale} cameras) on ${connections} keep-alive connections from a separate process, ` +
        `each sending its next batch as soon as the last is answered; b. then ${pacedMs / 1000} s paced at ${fmtInt(TARGET_RATE)}/s on the same server. Server sampled every ${sampleMs / 1000} s (b: 2 s).`,
      otherCores: Math.max(
        otherCores(machineCpu(samples), top.serverCpu, top.harnessCpu),
        otherCores(machineCpu(paced.samples), paced.serverCpu, paced.harnessCpu),
      ),
      figures: [
        { metric: 'a. keepalives accepted per second (sustained)', value: `${fmtInt(rate)}/s`, target: `≥ ${fmtInt(TARGET_RATE)}/s`, pass: rate >= TARGET_RATE },
        { metric: 'a. requests answered, p50 / p99', value: `${fmtMs(top.final.requestP50Ms)} / ${fmtMs(top.final.requestP99Ms)}` },
        {
          metric: 'a. failed requests / rejected items',
          value: `${fmtInt(top.final.failedRequests)} / ${fmtInt(top.final.rejected)}`,
          target: '0 / 0',
          pass: top.final.failedRequests === 0 && top.final.rejected === 0,
        },
        { metric: 'a. server CPU, saturated (of one core)', value: fmtPct(top.serverCpu) },
        { metric: 'a. event-loop delay p99, worst / median 5 s window', value: `${fmtMs(top.worstLoopP99)} / ${fmtMs(top.medianLoopP99)}` },
        { metric: 'a. RSS first sample / peak', value: `${fmtMiB(rssStart)} / ${fmtMiB(rssPeak)}` },
        {
          metric: 'a. RSS floor, 20–60 % → 60–100 % of the run',
          value: `${fmtMiB(floorEarly)} → ${fmtMiB(floorLate)}, ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} % (slope ${Number.isFinite(mibPerMin) ? mibPerMin.toFixed(1) : 'n/a'} MiB/min)`,
          target: `flat: < +${FLAT_GROWTH * 100} %`,
          pass: growth < FLAT_GROWTH,
        },
        { metric: 'a. load generator CPU (of one core)', value: fmtPct(top.generatorCpu) },
        machineFigure(machineCpu(samples), top.serverCpu, top.harnessCpu, os.cpus().length),
        { metric: `b. keepalives accepted, paced at ${fmtInt(TARGET_RATE)}/s`, value: `${fmtInt(pacedRate)}/s`, target: `${fmtInt(TARGET_RATE)}/s`, pass: pacedReached },
        { metric: 'b. server CPU at that rate (of one core)', value: fmtPct(paced.serverCpu), target: '≤ 100 %', pass: pacedReached && paced.serverCpu <= 1 },
        { ...loopTarget(paced), metric: 'b. event-loop delay p99 at that rate, whole phase' },
        { metric: 'b. event-loop delay p99 worst / median 2 s window, max', value: `${fmtMs(paced.worstLoopP99)} / ${fmtMs(paced.medianLoopP99)}, ${fmtMs(paced.loopMax)}` },
        machineFigure(machineCpu(paced.samples), paced.serverCpu, paced.harnessCpu, os.cpus().length),
      ],
      notes: [
        `Rate = keepalives the server answered 202 for ÷ sending time (its own counter moved by ${fmtInt(acceptedAfter - acceptedBefore)} in a).`,
        'At full speed (a) the server is saturated by construction, so its CPU there is its ceiling; whether 50,000/s fits in one core and 20 ms is judged at exactly 50,000/s (b).',
        'CPU = utime + stime from /proc/<pid>/stat over each sample interval: 100 % is one full core (GC and libuv threads can add to the main thread).',
        'Event-loop delay from GET /health (perf_hooks.monitorEventLoopDelay): "whole phase" is one histogram over the phase (`?span=restart` at its start, `?span=read` at its end), so its p99 is the p99 of the phase; "worst window" is the highest p99 of any sample interval (reset at each read), shown beside it.',
        `RSS moves in a saw-tooth between major GCs; memory counts as flat when its floor (lowest sample) over the last 40 % of the run is less than ${FLAT_GROWTH * 100} % above its floor over 20–60 % (the first fifth is warm-up).`,
      ],
    };
  } finally {
    await server.stop();
  }
}
