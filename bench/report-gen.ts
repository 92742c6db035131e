/**
 * Scenario `report` (opt-in) — the periodic report (issue 15 item 3) at city scale: how long a
 * weekly and a monthly report of the city take to make (read, computed and rendered in the worker
 * pool, stored on the main thread), and SOS ingest → operator screen latency meanwhile, beside a
 * quiet baseline in the same run. Target: no added delay beyond the baseline's noise (max ≤ 250 ms,
 * the hostile-reader target). The city dataset, in a data directory of its own; a week of history
 * (intrusion alarms) first so the report has alarms to read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log, type BenchContext } from './lib/context.js';
import { IngestClient } from './lib/http.js';
import type { Figure, ScenarioReport } from './lib/report.js';
import { connectScreen, type Screen } from './lib/screens.js';
import { BENCH_TOKEN, ServerUnderTest } from './lib/server.js';
import { distribution, fmtInt, fmtMs, sleep, type Distribution } from './lib/stats.js';

const TARGET_MAX_MS = 250;
const ARRIVAL_TIMEOUT_MS = 60_000;

/** One SOS at a time from buttons not used before, timed from just before the POST to the `alarm` on the operator's screen. */
async function sosOnce(screen: Screen, ingest: IngestClient, deviceId: string, id: string): Promise<number> {
  let arrived!: (at: number) => void;
  const arrival = new Promise<number>((resolve) => (arrived = resolve));
  screen.onAlarm = (change, at) => {
    if (change.alarm.deviceId === deviceId) arrived(at);
  };
  const t0 = performance.now();
  const answer = await ingest.post(JSON.stringify({ id, type: 'alarm.sos', deviceId, at: new Date().toISOString() }), ARRIVAL_TIMEOUT_MS);
  if (answer.status !== 202) throw new Error(`SOS answered ${answer.status}`);
  let timer: NodeJS.Timeout | undefined;
  const at = await Promise.race([arrival, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), ARRIVAL_TIMEOUT_MS)))]);
  clearTimeout(timer);
  screen.onAlarm = null;
  return at - t0;
}

const triple = (d: Distribution) => `${fmtMs(d.p50)} / ${fmtMs(d.p99)} / ${fmtMs(d.max)}`;

export async function runReportGen(ctx: BenchContext): Promise<ScenarioReport> {
  const dataDir = path.join(ctx.options.dataDir, 'report-city');
  fs.mkdirSync(dataDir, { recursive: true });
  const server = await ServerUnderTest.start({ dataDir, scale: 'city', logFile: ctx.options.logFile, nodeArgs: ctx.options.serverNodeArgs });
  log(`  server pid ${server.pid} on ${server.url} (city dataset), ready in ${(server.startMs / 1000).toFixed(1)} s`);
  const ingest = new IngestClient(server.url, BENCH_TOKEN, 2);
  let screen: Screen | null = null;
  try {
    const buttons = (await server.getJson<{ devices: { id: string }[] }>('/api/v1/devices?kind=sos')).devices.map((d) => d.id);
    const sensors = (await server.getJson<{ devices: { id: string }[] }>('/api/v1/devices?kind=intrusion')).devices.map((d) => d.id);
    const history = Math.min(sensors.length, ctx.quick ? 500 : 2000);
    log(`  history: ${fmtInt(history)} intrusion alarms`);
    for (let sent = 0; sent < history; sent += 100) {
      const batch = sensors.slice(sent, Math.min(history, sent + 100)).map((deviceId, i) => ({ id: `report-${ctx.options.runId}-h${sent + i}`, type: 'alarm.intrusion', deviceId, at: new Date().toISOString() }));
      const answer = await ingest.post(JSON.stringify(batch), 120_000);
      if (answer.status !== 202) throw new Error(`history batch answered ${answer.status}`);
    }
    screen = await connectScreen(server, (await server.health()).seq);
    let next = 0;
    const sos = () => sosOnce(screen!, ingest, buttons[next % buttons.length]!, `report-${ctx.options.runId}-sos-${next++}`);
    for (let i = 0; i < 5; i++) await sos(); // warm-up, not measured

    const rounds = ctx.quick ? 10 : 20;
    await server.health('restart');
    const baseline: number[] = [];
    for (let i = 0; i < rounds; i++) {
      baseline.push(await sos());
      await sleep(100 + Math.random() * 100);
    }
    const quietLoop = await server.health('read').catch(() => null);
    const csrf = /xiaoan_csrf=([^;]+)/.exec(server.cookie)?.[1] ?? '';
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const make = async (kind: 'weekly' | 'monthly') => {
      const t0 = performance.now();
      const response = await fetch(`${server.url}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: server.cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ kind, date: today }),
        signal: AbortSignal.timeout(600_000),
      });
      const body = (await response.json()) as { figures?: { alarms: { total: number } } };
      if (response.status !== 201) throw new Error(`POST /reports answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return { ms: performance.now() - t0, alarms: body.figures?.alarms.total ?? 0 };
    };
    // The first report starts a worker (its loader, echarts, the font): measured apart.
    const first = await make('weekly');
    log(`  first weekly report (worker start included) ${fmtMs(first.ms)}, ${fmtInt(first.alarms)} alarms`);

    await server.health('restart');
    const made: { kind: string; ms: number; alarms: number }[] = [];
    let done = false;
    const work = (async () => {
      for (const kind of ['weekly', 'monthly', 'weekly', 'monthly'] as const) made.push({ kind, ...(await make(kind)) });
    })().finally(() => (done = true));
    const during: number[] = [];
    await sleep(100);
    while (!done || during.length < rounds) {
      during.push(await sos());
      await sleep(50 + Math.random() * 50);
    }
    await work;
    const loop = await server.health('read').catch(() => null);
    const quiet = distribution(baseline.filter(Number.isFinite));
    const busy = distribution(during.filter(Number.isFinite));
    const lost = [...baseline, ...during].filter((t) => !Number.isFinite(t)).length;
    const spanMax = (h: typeof loop) => (h?.eventLoopSpan ? Math.max(0, h.eventLoopSpan.maxMs - (server.eventLoopOffsetMs ?? 0)) : null);
    const loopMax = spanMax(loop);
    const quietLoopMax = spanMax(quietLoop);
    const of = (kind: string) => distribution(made.filter((m) => m.kind === kind).map((m) => m.ms));
    const figures: Figure[] = [
      { metric: 'weekly city report, made and kept (POST /reports → 201), median of 2', value: fmtMs(of('weekly').p50) },
      { metric: 'monthly city report, made and kept, median of 2', value: fmtMs(of('monthly').p50) },
      { metric: 'first report (a worker starts)', value: fmtMs(first.ms) },
      { metric: `SOS → screen p50 / p99 / max while reports are made (quiet baseline ${triple(quiet)})`, value: triple(busy), target: `max ≤ ${TARGET_MAX_MS} ms, none lost`, pass: busy.count > 0 && busy.max <= TARGET_MAX_MS && lost === 0 },
      { metric: `server event-loop max while reports are made (quiet baseline ${quietLoopMax === null ? 'n/a' : fmtMs(quietLoopMax)})`, value: loopMax === null ? 'n/a' : fmtMs(loopMax) },
    ];
    return {
      id: 'report',
      title: 'Periodic report generation at city scale, with SOS latency meanwhile',
      requirement: 'Benchmark: report generation times at city scale, with SOS latency measured meanwhile (no added delay beyond the quiet baseline’s noise)',
      setup: `city dataset, simulator off; ${fmtInt(history)} intrusion alarms of history; one operator screen; ${rounds} SOS one at a time as the quiet baseline, then 2 weekly and 2 monthly city reports one after another (POST /reports, admin) with SOS after SOS meanwhile.`,
      figures,
      notes: [
        'A report is read from the database, computed and rendered (ECharts SSR SVG, sharp, pdf-lib, exceljs) in the worker pool; the main thread only stores the bytes and writes the audit entry.',
        `Reports made: ${made.map((m) => `${m.kind} ${fmtMs(m.ms)} (${fmtInt(m.alarms)} alarms)`).join('; ')}.`,
      ],
    };
  } finally {
    screen?.socket.disconnect();
    await server.stop();
  }
}
