/**
 * Scenario 1 — alarm latency under load: from just before the ingest POST to the `alarm` event
 * arriving at each of 200 connected screens, while the province's keepalives flow. A short
 * round without keepalives afterwards gives, in the same run, what the load itself adds.
 */
import os from 'node:os';
import { BenchContext, log } from './lib/context.js';
import type { IngestClient } from './lib/http.js';
import type { KeepaliveLoad } from './lib/keepalive-load.js';
import { alarmRig, PROVINCE_KEEPALIVES_PER_SECOND, provinceKeepalives } from './lib/province.js';
import type { AlarmDevicePool } from './lib/registry.js';
import { machineFigure, otherCores, type ScenarioReport } from './lib/report.js';
import type { Screen } from './lib/screens.js';
import { watchOwnCpu, watchOwnLoop } from './lib/self-loop.js';
import { machineCpu, ServerSampler, weightedCpu } from './lib/server.js';
import { distribution, fmtInt, fmtMs, fmtPct, max, percentile, sleep, type Distribution } from './lib/stats.js';

const SCREENS = 200;
const KEEPALIVES_PER_SECOND = PROVINCE_KEEPALIVES_PER_SECOND;
const TARGET_P99_MS = 50;
/** How long one alarm may take to reach every screen before it counts as lost there. */
const ARRIVAL_TIMEOUT_MS = 5000;

/** One round of alarms, each sent alone and waited for on every screen. */
interface Round {
  /** Every arrival on every screen, ms after the POST started. */
  all: Distribution;
  /** Per alarm, the first screen's arrival. */
  first: Distribution;
  post: Distribution;
  lost: number;
}

async function alarmRound(screens: Screen[], ingest: IngestClient, pool: AlarmDevicePool, count: number, tag: string): Promise<Round> {
  const arrivals: number[] = [];
  const firsts: number[] = [];
  const posts: number[] = [];
  let lost = 0;
  let pending: { deviceId: string; t0: number; seen: number; first: number; done: () => void } | null = null;
  for (const screen of screens) {
    screen.onAlarm = (change, at) => {
      if (!pending || change.alarm.deviceId !== pending.deviceId) return;
      const ms = at - pending.t0;
      arrivals.push(ms);
      if (pending.seen++ === 0) pending.first = ms;
      if (pending.seen === screens.length) pending.done();
    };
  }
  for (let i = 0; i < count; i++) {
    const { type, deviceId } = pool.take(i % 2 === 0 ? 'sos' : 'intrusion');
    const body = JSON.stringify({ id: `${tag}-${i}`, type, deviceId, at: new Date().toISOString() });
    let done!: () => void;
    const allArrived = new Promise<void>((resolve) => (done = resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ARRIVAL_TIMEOUT_MS)));
    const t0 = performance.now();
    pending = { deviceId, t0, seen: 0, first: Number.NaN, done };
    const answer = await ingest.post(body);
    if (answer.status !== 202) throw new Error(`alarm POST answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    posts.push(answer.ms);
    await Promise.race([allArrived, timeout]);
    clearTimeout(timer);
    lost += screens.length - pending.seen;
    if (pending.seen > 0) firsts.push(pending.first);
    pending = null;
    await sleep(20 + Math.random() * 60);
  }
  for (const screen of screens) screen.onAlarm = null;
  return { all: distribution(arrivals), first: distribution(firsts), post: distribution(posts), lost };
}

export async function runLatency(ctx: BenchContext): Promise<ScenarioReport> {
  const alarmCount = ctx.quick ? 40 : 200;
  const baselineCount = ctx.quick ? 20 : 50;
  const warmupMs = ctx.quick ? 3000 : 10_000;
  const { server, ingest, screens, idsFile, pool, close } = await alarmRig(ctx, SCREENS, 1);
  let load: KeepaliveLoad | null = null;
  try {
    await sleep(2000);

    // A few alarms first, not measured: the first ones after a start run cold code and a cold database cache.
    await alarmRound(screens, ingest, pool, 5, `bench-${ctx.options.runId}-latency-warmup`);

    load = await provinceKeepalives(server, idsFile, { durationMs: warmupMs + alarmCount * 1000 + 60_000, startIndex: 0 });
    log(`  keepalives at ${fmtInt(KEEPALIVES_PER_SECOND)}/s; warming up ${warmupMs / 1000} s`);
    await sleep(warmupMs);

    const own = watchOwnLoop();
    const ownCpu = watchOwnCpu();
    const sampler = new ServerSampler(server, 2000);
    await sampler.start();
    const loadAtStart = load.latest;
    log(`  under load: ${alarmCount} alarms one at a time`);
    const loaded = await alarmRound(screens, ingest, pool, alarmCount, `bench-${ctx.options.runId}-latency`);
    await sampler.stop();
    const ownLoop = own.read();
    const benchCpu = ownCpu.read();
    own.stop();
    const generatorCpu = load.cpu();
    const loadNow = load.latest;
    const keepaliveRate =
      loadNow && loadAtStart ? ((loadNow.accepted - loadAtStart.accepted) / (loadNow.elapsedMs - loadAtStart.elapsedMs)) * 1000 : Number.NaN;
    const final = await load.stop();
    load = null;

    // The same on the same warm server and screens once the keepalives have stopped: what the load itself adds.
    await sleep(3000);
    log(`  baseline: ${baselineCount} alarms without keepalives`);
    const baseline = await alarmRound(screens, ingest, pool, baselineCount, `bench-${ctx.options.runId}-latency-baseline`);

    const { all, first, post, lost } = loaded;
    const cpu = weightedCpu(sampler.samples);
    const loopP99s = sampler.samples.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
    return {
      id: 'latency',
      title: '1. Alarm latency under load',
      requirement:
        'alarm latency from the ingest request to the `alarm` event arriving at 200 connected socket.io clients, p50/p99/max, ' +
        'while 8,333 camera keepalives per second (the province’s 500,000 cameras) arrive in the background — ingest → socket p99 < 50 ms',
      setup:
        `${SCREENS} socket.io-client screens (websocket) in the bench process; ${alarmCount} alarms (SOS / intrusion alternating, distinct devices) sent one at a time, ` +
        `each waited for on every screen; keepalives paced at ${fmtInt(KEEPALIVES_PER_SECOND)}/s in batches of 1,000 from a separate process. ` +
        `After 5 unmeasured warm-up alarms; once the keepalives stop, a baseline round of ${baselineCount} alarms on the same server and screens.`,
      otherCores: otherCores(machineCpu(sampler.samples), cpu, benchCpu + generatorCpu),
      figures: [
        { metric: 'ingest → alarm at screen, p50', value: fmtMs(all.p50) },
        { metric: 'ingest → alarm at screen, p99', value: fmtMs(all.p99), target: `< ${TARGET_P99_MS} ms`, pass: all.p99 < TARGET_P99_MS && lost === 0 },
        { metric: 'ingest → alarm at screen, max', value: fmtMs(all.max) },
        { metric: 'arrivals measured / lost', value: `${fmtInt(all.count)} / ${fmtInt(lost)}`, target: '0 lost', pass: lost === 0 },
        { metric: 'first screen to hear it, p50 / p99', value: `${fmtMs(first.p50)} / ${fmtMs(first.p99)}` },
        { metric: 'POST answered (202), p50 / p99', value: `${fmtMs(post.p50)} / ${fmtMs(post.p99)}` },
        { metric: 'baseline without keepalives: all screens p50 / p99', value: `${fmtMs(baseline.all.p50)} / ${fmtMs(baseline.all.p99)}` },
        { metric: 'baseline without keepalives: first screen p50 / p99', value: `${fmtMs(baseline.first.p50)} / ${fmtMs(baseline.first.p99)}` },
        { metric: 'keepalives accepted meanwhile', value: `${fmtInt(keepaliveRate)}/s`, target: `${fmtInt(KEEPALIVES_PER_SECOND)}/s`, pass: keepaliveRate >= KEEPALIVES_PER_SECOND * 0.97 },
        { metric: 'server CPU (of one core)', value: fmtPct(cpu) },
        {
          metric: 'server event-loop delay p99, worst / median 2 s window',
          value: loopP99s.length ? `${fmtMs(max(loopP99s))} / ${fmtMs(percentile(loopP99s, 50))}` : 'n/a',
        },
        { metric: 'bench process event-loop delay p99 / max', value: `${fmtMs(ownLoop.p99Ms)} / ${fmtMs(ownLoop.maxMs)}` },
        machineFigure(machineCpu(sampler.samples), cpu, benchCpu + generatorCpu, os.cpus().length),
      ],
      notes: [
        'Latency = performance.now() when each screen’s `alarm` handler runs minus performance.now() just before the POST: one clock, one process.',
        'The 200 screens share the bench process, so the last of them decodes the packet after the other 199: the spread between "first screen" and all screens is partly the harness. Its own event-loop delay is shown above.',
        `Keepalive generator: ${fmtInt(final.sent)} sent, ${fmtInt(final.failedRequests)} failed requests${final.firstError ? ` (${final.firstError})` : ''}, its CPU ${fmtPct(generatorCpu)} of a core.`,
      ],
    };
  } finally {
    if (load) await load.stop().catch(() => undefined);
    await close();
  }
}
