/**
 * Scenario `bigreads` (opt-in) — the registry's largest answers at province scale, asked by
 * ordinary signed-in readers (issue 17): SOS ingest → the operator's screen, p50/p99/max, on a
 * quiet server and while ten read-only sessions at once ask for
 *   (a) every device (`GET /api/v1/devices`: 899,586 devices, ≈ 180 MB of JSON),
 *   (b) the full wall snapshot with the registry (`GET /api/v1/wall`),
 *   (c) the whole wall registry (`GET /api/v1/wall/registry`) five times each.
 * (a) and (b) are sent as `JsonPieces` (serialised a slice at a time), (c) is kept as bytes. The
 * figure beside them is what one whole `JSON.stringify` of the device list costs, timed in this
 * process on the same answer: the event loop a reader would have held before.
 * Target: max ≤ 250 ms in every case (the hostile scenario's). Its own data directory
 * (`bigreads-province/`), imported on a first run. Writes its own section of docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist, HOSTILE_TARGET_MAX_MS, SosProbe, triple, viewerSessions } from './hostile.js';
import { log, type BenchContext } from './lib/context.js';
import { describeMachine, writeScenarioSection } from './lib/docs.js';
import { IngestClient } from './lib/http.js';
import { machineFigure, otherCores, type Figure, type ScenarioReport } from './lib/report.js';
import { connectScreen, type Screen } from './lib/screens.js';
import { watchOwnCpu } from './lib/self-loop.js';
import { BENCH_TOKEN, machineCpu, ServerSampler, ServerUnderTest, weightedCpu } from './lib/server.js';
import { fmtMs, sleep, type Distribution } from './lib/stats.js';

const SESSIONS = 10;
const REGISTRY_ROUNDS = 5;

interface Case {
  label: string;
  baseline: Distribution;
  during: Distribution;
  lost: number;
  loopMaxMs: number | null;
  outcome: string;
}

/** Each session reads `path` `rounds` times, one after another; every body read to its end. */
async function readers(url: string, cookies: readonly string[], route: string, rounds: number): Promise<{ statuses: number[]; bytes: number; slowestMs: number }> {
  let bytes = 0;
  let slowestMs = 0;
  const statuses = (
    await Promise.all(
      cookies.map(async (cookie) => {
        const mine: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const t0 = performance.now();
          const response = await fetch(`${url}${route}`, { headers: { cookie }, signal: AbortSignal.timeout(600_000) });
          bytes = Math.max(bytes, (await response.arrayBuffer()).byteLength);
          slowestMs = Math.max(slowestMs, performance.now() - t0);
          mine.push(response.status);
        }
        return mine;
      }),
    )
  ).flat();
  return { statuses, bytes, slowestMs };
}

export async function runBigReads(ctx: BenchContext, options: { write?: boolean }): Promise<ScenarioReport> {
  const started = performance.now();
  const machine = describeMachine();
  const dataDir = path.join(ctx.options.dataDir, 'bigreads-province');
  fs.mkdirSync(dataDir, { recursive: true });
  const server = await ServerUnderTest.start({ dataDir, scale: 'province', logFile: ctx.options.logFile, nodeArgs: ctx.options.serverNodeArgs });
  log(`  server pid ${server.pid} on ${server.url} (province dataset), ready in ${(server.startMs / 1000).toFixed(1)} s`);
  const ingest = new IngestClient(server.url, BENCH_TOKEN, 2);
  const screens: Screen[] = [];
  try {
    const sos = (await server.getJson<{ devices: { id: string }[] }>('/api/v1/devices?kind=sos')).devices.map((d) => d.id);
    const viewers = await viewerSessions(server, SESSIONS, ctx.options.runId);
    const operator = await connectScreen(server, (await server.health()).seq);
    screens.push(operator);
    const probe = new SosProbe(operator, ingest, sos, `bigreads-${ctx.options.runId}-sos`);
    await probe.round(5); // warm-up, not measured

    // What one whole serialisation of the device list holds a thread for (this process, same answer).
    const all = await server.getJson<{ devices: unknown[] }>('/api/v1/devices');
    const t0 = performance.now();
    const wholeBytes = Buffer.byteLength(JSON.stringify(all));
    const wholeMs = performance.now() - t0;
    const deviceCount = all.devices.length;
    log(`  ${deviceCount} devices; one JSON.stringify of them: ${fmtMs(wholeMs)} (${(wholeBytes / 1e6).toFixed(0)} MB)`);

    const sampler = new ServerSampler(server, 2000);
    await sampler.start();
    const ownCpu = watchOwnCpu();
    const cases: Case[] = [];
    const measure = async (label: string, route: string, rounds: number): Promise<void> => {
      log(`  ${label}: baseline of 20 SOS, then the attack`);
      await sleep(1000);
      const baseline = await probe.round(20);
      await server.health('restart');
      const run = await probe.during(() => readers(server.url, viewers, route, rounds), 10);
      const loop = await server.health('read').catch(() => null);
      const c: Case = {
        label,
        baseline: dist(baseline),
        during: dist(run.times),
        lost: [...baseline, ...run.times].filter((t) => t === Number.POSITIVE_INFINITY).length,
        loopMaxMs: loop?.eventLoopSpan ? Math.max(0, loop.eventLoopSpan.maxMs - (server.eventLoopOffsetMs ?? 0)) : null,
        outcome: `${run.result.statuses.filter((s) => s === 200).length} of ${run.result.statuses.length} answered 200, ${(run.result.bytes / 1e6).toFixed(1)} MB each decoded, slowest ${fmtMs(run.result.slowestMs)}`,
      };
      cases.push(c);
      log(`    baseline ${triple(c.baseline)}; during ${triple(c.during)}, server loop max ${c.loopMaxMs === null ? 'n/a' : fmtMs(c.loopMaxMs)}; ${c.outcome}`);
    };
    await measure(`(a) ${SESSIONS} sessions ask for every device at once`, '/api/v1/devices', 1);
    await measure(`(b) ${SESSIONS} sessions ask for the full wall snapshot at once`, '/api/v1/wall', 1);
    await measure(`(c) ${SESSIONS} sessions ask for the whole wall registry ${REGISTRY_ROUNDS} times each`, '/api/v1/wall/registry', REGISTRY_ROUNDS);
    await sampler.stop();

    const passes = (c: Case) => c.during.count > 0 && c.during.max <= HOSTILE_TARGET_MAX_MS && c.lost === 0;
    const figures: Figure[] = cases.map((c) => ({
      metric: `${c.label}: SOS → screen p50 / p99 / max (quiet baseline ${triple(c.baseline)})`,
      value: triple(c.during),
      target: `max ≤ ${HOSTILE_TARGET_MAX_MS} ms`,
      pass: passes(c),
    }));
    figures.push({ metric: `one JSON.stringify of the ${deviceCount} devices, as a whole answer was made before (bench process, same answer)`, value: `${fmtMs(wholeMs)} for ${(wholeBytes / 1e6).toFixed(0)} MB` });
    const cpu = weightedCpu(sampler.samples);
    const benchCpu = ownCpu.read();
    figures.push(machineFigure(machineCpu(sampler.samples), cpu, benchCpu, os.cpus().length));
    const report: ScenarioReport = {
      id: 'bigreads',
      title: 'The registry’s largest answers at province scale: SOS → operator screen while readers ask for them',
      requirement: 'No user may delay an alarm: every input an outsider controls is bounded. SOS → screen max ≤ 250 ms while ten read-only sessions ask for every device, the full wall snapshot, or the whole registry',
      setup: `province dataset (${deviceCount} devices; its own data directory), simulator off; one operator screen (administrator, websocket); ${SESSIONS} viewer accounts made through the admin API. Per case: 20 SOS one at a time (quiet baseline), then the reads with SOS after SOS (50–100 ms apart, at least 10) until every read is over.`,
      otherCores: otherCores(machineCpu(sampler.samples), cpu, benchCpu),
      figures,
      tables: [{
        caption: 'Each case beside its quiet baseline (SOS ingest → operator screen, ms)',
        header: ['case', 'quiet baseline p50 / p99 / max', 'during p50 / p99 / max', 'SOS lost', 'server event-loop max', 'what the readers got', ''],
        rows: cases.map((c) => [c.label, triple(c.baseline), triple(c.during), String(c.lost), c.loopMaxMs === null ? 'n/a' : fmtMs(c.loopMaxMs), c.outcome, passes(c) ? '**PASS**' : '**MISS**']),
      }],
      notes: [
        '`GET /devices` and `GET /wall` are sent as `JsonPieces` (server/http/gzip-json.ts `sendJsonPieces`): 1,000 items serialised and written per turn of the event loop, one slice a turn across every answer being made (`sliceTurn`); gzipped through a stream. `GET /wall/registry` is kept per scope and part as JSON text, its bytes, ETag and gzip made once.',
        'Server event-loop max is `GET /health?span=` over the reads, offset removed. The readers run in the bench process on the same 2 cores: the server’s thread is sometimes not scheduled, which the event-loop figure counts too.',
      ],
    };
    if (options.write ?? !ctx.quick) {
      const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
      const minutes = (performance.now() - started) / 60_000;
      log(`  wrote ${path.relative(process.cwd(), writeScenarioSection('bigreads', report, { machine, command, minutes }))} (bigreads section)`);
    }
    return report;
  } finally {
    for (const screen of screens) screen.socket.disconnect();
    ingest.close();
    await server.stop();
  }
}
