/**
 * Scenario 2 — alarm storm: 5,000 intrusion alarms in 10 s, in batches every 100 ms, with a few
 * screens connected and the province's keepalives flowing. Every screen must get every alarm
 * exactly once and in `seq` order, and be drained within 2 s of the storm's end.
 */
import os from 'node:os';
import { BenchContext, log } from './lib/context.js';
import type { PostResult } from './lib/http.js';
import type { KeepaliveLoad } from './lib/keepalive-load.js';
import { alarmRig, PROVINCE_KEEPALIVES_PER_SECOND, provinceKeepalives } from './lib/province.js';
import { machineFigure, otherCores, type ScenarioReport } from './lib/report.js';
import type { Screen } from './lib/screens.js';
import { machineCpu, ServerSampler, weightedCpu } from './lib/server.js';
import { watchOwnCpu } from './lib/self-loop.js';
import { distribution, fmtInt, fmtMs, fmtPct, max, sleep } from './lib/stats.js';

const SCREENS = 5;
const BATCH_EVERY_MS = 100;
const KEEPALIVES_PER_SECOND = PROVINCE_KEEPALIVES_PER_SECOND;
const DRAIN_TARGET_MS = 2000;
/** Give up waiting for stragglers after this long: what has not arrived by then is lost. */
const WAIT_LIMIT_MS = 60_000;

/** What one screen got of the storm. */
interface ScreenCheck {
  received: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  /** Arrival order equals sending order. */
  sameAsSent: boolean;
  lastArrival: number;
}

export async function runStorm(ctx: BenchContext): Promise<ScenarioReport> {
  const alarmCount = ctx.quick ? 1000 : 5000;
  const stormMs = ctx.quick ? 2000 : 10_000;
  const batches = stormMs / BATCH_EVERY_MS;
  const perBatch = alarmCount / batches;
  const { server, ingest, screens, idsFile, pool, close } = await alarmRig(ctx, SCREENS, 8);
  let load: KeepaliveLoad | null = null;
  try {
    load = await provinceKeepalives(server, idsFile, { durationMs: stormMs + WAIT_LIMIT_MS + 30_000, startIndex: 250_000 });
    await sleep(ctx.quick ? 2000 : 5000);

    // The storm's alarms, in sending order.
    const sent: string[] = [];
    const batchBodies: string[] = [];
    for (let b = 0; b < batches; b++) {
      const events = [];
      for (let i = 0; i < perBatch; i++) {
        const { type, deviceId } = pool.take('intrusion');
        sent.push(deviceId);
        events.push({ id: `bench-${ctx.options.runId}-storm-${b}-${i}`, type, deviceId, zone: 'bench', at: '' });
      }
      batchBodies.push(JSON.stringify(events));
    }
    const stormSet = new Set(sent);
    for (const screen of screens) screen.arrivals.length = 0;

    const sampler = new ServerSampler(server, 1000);
    await sampler.start();
    const ownCpu = watchOwnCpu();
    log(`  storm: ${fmtInt(alarmCount)} intrusion alarms in ${stormMs / 1000} s, ${perBatch} every ${BATCH_EVERY_MS} ms, ${SCREENS} screens`);
    const start = performance.now();
    const answers: Promise<PostResult & { answeredAt: number }>[] = [];
    for (let b = 0; b < batches; b++) {
      const due = start + b * BATCH_EVERY_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const at = new Date().toISOString();
      const body = (batchBodies[b] ?? '').replaceAll('"at":""', `"at":"${at}"`);
      answers.push(ingest.post(body, 60_000).then((result) => ({ ...result, answeredAt: performance.now() })));
    }
    // The storm ends when its last alarm is sent.
    const stormEnd = performance.now();
    const results = await Promise.all(answers);
    const lastAnswered = max(results.map((r) => r.answeredAt));
    const refused = results.filter((r) => r.status !== 202 || (r.body.accepted ?? 0) !== perBatch).length;

    const everyone = () => screens.every((s) => countStorm(s, stormSet) >= alarmCount);
    const waitUntil = performance.now() + WAIT_LIMIT_MS;
    while (!everyone() && performance.now() < waitUntil) await sleep(10);
    await sleep(200); // anything arriving twice would arrive now
    await sampler.stop();
    const harnessCpu = ownCpu.read() + load.cpu();
    await load.stop();
    load = null;

    const checks = screens.map((s) => checkScreen(s, sent, stormSet));
    const lastArrival = max(checks.map((c) => c.lastArrival));
    const missing = checks.reduce((n, c) => n + c.missing, 0);
    const duplicates = checks.reduce((n, c) => n + c.duplicates, 0);
    const outOfOrder = checks.reduce((n, c) => n + c.outOfOrder, 0);
    const fromAnswer = lastArrival - lastAnswered;
    const fromEnd = lastArrival - stormEnd;
    const post = distribution(results.map((r) => r.ms));
    const loopP99s = sampler.samples.map((s) => s.loopP99Ms).filter((v): v is number => v !== null);
    return {
      id: 'storm',
      title: '2. Alarm storm',
      requirement: '5,000 intrusion alarms in 10 s — all shown, in order, none lost … storm drained within 2 s of its end with zero loss',
      setup: `${fmtInt(alarmCount)} \`alarm.intrusion\` events from distinct devices over ${stormMs / 1000} s (${batches} POSTs of ${perBatch}, one every ${BATCH_EVERY_MS} ms, not waiting for answers); ${SCREENS} screens; keepalives at ${fmtInt(KEEPALIVES_PER_SECOND)}/s in the background.`,
      otherCores: otherCores(machineCpu(sampler.samples), weightedCpu(sampler.samples), harnessCpu),
      figures: [
        { metric: 'alarms lost (all screens)', value: fmtInt(missing), target: '0', pass: missing === 0 },
        { metric: 'alarms received twice', value: fmtInt(duplicates), target: '0', pass: duplicates === 0 },
        { metric: 'seq out of order', value: fmtInt(outOfOrder), target: '0', pass: outOfOrder === 0 },
        { metric: 'arrival order = sending order', value: checks.every((c) => c.sameAsSent) ? 'yes, on every screen' : 'no' },
        { metric: 'last alarm received − last POST answered', value: fmtMs(fromAnswer), target: `≤ ${DRAIN_TARGET_MS} ms`, pass: fromAnswer <= DRAIN_TARGET_MS && missing === 0 },
        { metric: 'last alarm received − storm end', value: fmtMs(fromEnd), target: `≤ ${DRAIN_TARGET_MS} ms`, pass: fromEnd <= DRAIN_TARGET_MS && missing === 0 },
        { metric: 'last POST answered − storm end', value: fmtMs(lastAnswered - stormEnd) },
        { metric: 'POST answered, p50 / p99 / max', value: `${fmtMs(post.p50)} / ${fmtMs(post.p99)} / ${fmtMs(post.max)}` },
        { metric: 'POSTs not fully accepted', value: fmtInt(refused), target: '0', pass: refused === 0 },
        { metric: 'server CPU during the storm (of one core)', value: fmtPct(weightedCpu(sampler.samples)) },
        machineFigure(machineCpu(sampler.samples), weightedCpu(sampler.samples), harnessCpu, os.cpus().length),
        { metric: 'server event-loop delay p99 (worst 1 s window)', value: loopP99s.length ? fmtMs(max(loopP99s)) : 'n/a' },
      ],
      notes: [
        'Each screen is checked on its own: every storm device exactly once, `seq` strictly increasing over everything it received.',
        '"Storm end" is when the last batch was sent (≈ start + 9.9 s); "last POST answered" is when the server acknowledged the last batch as stored.',
      ],
    };
  } finally {
    if (load) await load.stop().catch(() => undefined);
    await close();
  }
}

function countStorm(screen: Screen, storm: Set<string>): number {
  let n = 0;
  for (const { change } of screen.arrivals) if (storm.has(change.alarm.deviceId)) n++;
  return n;
}

function checkScreen(screen: Screen, sent: readonly string[], storm: Set<string>): ScreenCheck {
  const seen = new Map<string, number>();
  const order: string[] = [];
  let outOfOrder = 0;
  let lastSeq = -Infinity;
  let lastArrival = Number.NaN;
  for (const { change, at } of screen.arrivals) {
    if (change.seq <= lastSeq) outOfOrder++;
    lastSeq = Math.max(lastSeq, change.seq);
    const deviceId = change.alarm.deviceId;
    if (!storm.has(deviceId)) continue;
    seen.set(deviceId, (seen.get(deviceId) ?? 0) + 1);
    order.push(deviceId);
    lastArrival = Number.isNaN(lastArrival) ? at : Math.max(lastArrival, at);
  }
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;
  return {
    received: order.length,
    missing: storm.size - seen.size,
    duplicates,
    outOfOrder,
    sameAsSent: order.length === sent.length && order.every((id, i) => id === sent[i]),
    lastArrival,
  };
}
