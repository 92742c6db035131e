/**
 * Scenario 4 — bytes to a screen: what one connected wall screen really receives while the
 * province's keepalives flow and some cameras fault and come back, side by side with what a
 * naive one-message-per-keepalive push would send in the same run.
 */
import os from 'node:os';
import { BenchContext, log } from './lib/context.js';
import { heartbeatBatch, IngestClient } from './lib/http.js';
import type { KeepaliveLoad } from './lib/keepalive-load.js';
import { PROVINCE_KEEPALIVES_PER_SECOND, provinceKeepalives } from './lib/province.js';
import { measureNaiveFrame } from './lib/naive-frame.js';
import { machineFigure, otherCores, type ScenarioReport } from './lib/report.js';
import { closeScreens, connectScreen, type Screen } from './lib/screens.js';
import { BENCH_TOKEN, machineCpu, ServerSampler, weightedCpu } from './lib/server.js';
import { watchOwnCpu } from './lib/self-loop.js';
import { fmtBytes, fmtInt, fmtPct, sleep } from './lib/stats.js';

const KEEPALIVES_PER_SECOND = PROVINCE_KEEPALIVES_PER_SECOND;
const TARGET_BYTES_PER_SECOND = 20_000;
const TARGET_RATIO = 100;
/** Camera faults per second, each camera back online by a keepalive RECOVER_MS later. */
const FAULTS_PER_SECOND = 2;
const RECOVER_MS = 5000;

export async function runBytes(ctx: BenchContext): Promise<ScenarioReport> {
  const durationMs = ctx.quick ? 15_000 : 60_000;
  const server = await ctx.startServer();
  let screen: Screen | null = null;
  let load: KeepaliveLoad | null = null;
  const ingest = new IngestClient(server.url, BENCH_TOKEN, 2);
  const timers = new Set<NodeJS.Timeout>();
  try {
    const ids = await ctx.devices(server);
    const idsFile = await ctx.cameraIdsFile(server);
    const naive = await measureNaiveFrame(ids.cameras[0] ?? 'CAM-S00001-01');
    const { seq } = await server.health();
    screen = await connectScreen(server, seq);
    load = await provinceKeepalives(server, idsFile, { durationMs: durationMs + 60_000, startIndex: 100_000, naiveOverheadBytes: naive.overheadBytes });
    await sleep(ctx.quick ? 3000 : 5000);

    // Wait for a fresh figure from the generator, then open the window on both sides at once.
    const fresh = load.latest?.elapsedMs ?? 0;
    while ((load.latest?.elapsedMs ?? 0) === fresh) await sleep(5);
    const loadStart = load.latest;
    const sampler = new ServerSampler(server, 5000);
    await sampler.start();
    const ownCpu = watchOwnCpu();
    screen.resetBytes();
    const start = performance.now();
    log(`  one screen for ${durationMs / 1000} s at ${fmtInt(KEEPALIVES_PER_SECOND)} keepalives/s, ${FAULTS_PER_SECOND} camera faults/s`);

    // Churn: a camera faults, and its next keepalive (RECOVER_MS later) brings it back online.
    let faults = 0;
    const churnErrors: { count: number; first: string | null } = { count: 0, first: null };
    const churnFailed = (what: string) => {
      churnErrors.count++;
      churnErrors.first ??= what;
    };
    const offset = Math.floor(Math.random() * ids.cameras.length);
    const churn = setInterval(() => {
      const deviceId = ids.cameras[(offset + faults * 7919) % ids.cameras.length];
      if (!deviceId) return;
      faults++;
      const fault = { id: `bench-${ctx.options.runId}-fault-${faults}`, type: 'camera.fault', deviceId, fault: 'video_loss', at: new Date().toISOString() };
      ingest.post(JSON.stringify(fault)).then(
        (r) => void (r.status !== 202 && churnFailed(`HTTP ${r.status} ${JSON.stringify(r.body)}`)),
        (error: unknown) => churnFailed(String(error)),
      );
      const recover = setTimeout(() => {
        timers.delete(recover);
        ingest.post(heartbeatBatch([deviceId], new Date().toISOString())).then(
          (r) => void (r.status !== 202 && churnFailed(`HTTP ${r.status} ${JSON.stringify(r.body)}`)),
          (error: unknown) => churnFailed(String(error)),
        );
      }, RECOVER_MS);
      timers.add(recover);
    }, 1000 / FAULTS_PER_SECOND);

    await sleep(durationMs);
    const fresh2 = load.latest?.elapsedMs ?? 0;
    while ((load.latest?.elapsedMs ?? 0) === fresh2) await sleep(5);
    const loadEnd = load.latest;
    const seconds = (performance.now() - start) / 1000;
    const bytes = { total: screen.bytes.total, frames: screen.bytes.frames, tcpBytes: screen.bytes.tcpBytes, byEvent: new Map(screen.bytes.byEvent) };
    clearInterval(churn);
    await sampler.stop();
    const harnessCpu = ownCpu.read() + load.cpu();
    await load.stop();
    load = null;

    if (!loadStart || !loadEnd) throw new Error('no figures from the keepalive generator');
    const loadSeconds = (loadEnd.elapsedMs - loadStart.elapsedMs) / 1000;
    const keepalives = loadEnd.accepted - loadStart.accepted;
    const keepaliveRate = keepalives / loadSeconds;
    const naiveRate = (loadEnd.naiveBytes - loadStart.naiveBytes) / loadSeconds;
    const realRate = bytes.total / seconds;
    const byEvent = [...bytes.byEvent].sort((a, b) => b[1] - a[1]);
    const alarmBytes = bytes.byEvent.get('alarm') ?? 0;
    const engineBytes = byEvent.filter(([name]) => name.startsWith('engine.io')).reduce((sum, [, n]) => sum + n, 0);
    const wallRate = (bytes.total - alarmBytes - engineBytes) / seconds;
    const ratio = naiveRate / realRate;
    return {
      id: 'bytes',
      title: '4. Bytes to a screen',
      requirement:
        'bytes per second pushed to one connected screen at 8,000 keepalives/s, side by side with a naive one-message-per-keepalive push measured in the same run … ' +
        'at most 20 KB/s to a screen at 8,333 keepalives/s (500,000 cameras), at least 100 times fewer bytes than the naive push',
      setup: `${durationMs / 1000} s; one wall screen (websocket); keepalives paced at ${fmtInt(KEEPALIVES_PER_SECOND)}/s from a separate process; ${FAULTS_PER_SECOND} \`camera.fault\`/s on scattered cameras, each back online by a keepalive ${RECOVER_MS / 1000} s later.`,
      otherCores: otherCores(machineCpu(sampler.samples), weightedCpu(sampler.samples), harnessCpu),
      figures: [
        { metric: 'keepalives accepted', value: `${fmtInt(keepaliveRate)}/s` },
        { metric: 'bytes to the screen, all events', value: `${fmtBytes(realRate)}/s`, target: `≤ ${fmtBytes(TARGET_BYTES_PER_SECOND)}/s`, pass: realRate <= TARGET_BYTES_PER_SECOND },
        { metric: '  of which coalesced wall state (every event but alarm)', value: `${fmtBytes(wallRate)}/s` },
        ...byEvent.map(([name, n]) => ({ metric: `    ${name}`, value: `${fmtBytes(n / seconds)}/s` })),
        { metric: 'same, read from the TCP socket', value: bytes.tcpBytes === null ? 'n/a' : `${fmtBytes(bytes.tcpBytes / seconds)}/s` },
        { metric: 'naive push, one message per keepalive', value: `${fmtBytes(naiveRate)}/s` },
        { metric: 'naive ÷ real', value: `${ratio.toFixed(0)}×`, target: `≥ ${TARGET_RATIO}×`, pass: ratio >= TARGET_RATIO },
        { metric: 'frames to the screen', value: `${(bytes.frames / seconds).toFixed(1)}/s` },
        { metric: 'camera faults sent / churn requests failed', value: `${fmtInt(faults)} / ${fmtInt(churnErrors.count)}${churnErrors.first ? ` (first: ${churnErrors.first.slice(0, 120)})` : ''}` },
        { metric: 'server CPU (of one core)', value: fmtPct(weightedCpu(sampler.samples)) },
        machineFigure(machineCpu(sampler.samples), weightedCpu(sampler.samples), harnessCpu, os.cpus().length),
      ],
      notes: [
        'Real bytes: every engine.io packet the screen decodes, counted as WebSocket payload + frame header (no compression: Socket.IO’s default), by event, checked against the TCP socket’s bytesRead.',
        '`alarm` here carries the camera-fault alarms the churn opens (never coalesced, by design); the rest is the coalesced wall state.',
        `Naive: each accepted keepalive costs ${naive.wireBytes} B on the wire as \`${naive.event}\` ${JSON.stringify(naive.sample)} — measured once by emitting it from a throwaway Socket.IO server of the same version (${naive.overheadBytes} B of framing + the JSON), summed over the keepalives of the same window.`,
        'Cameras also go offline after 3 missed keepalives (180 s), longer than this window: the state changes here come from faults and recoveries.',
      ],
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    if (load) await load.stop().catch(() => undefined);
    if (screen) closeScreens([screen]);
    ingest.close();
    await server.stop();
  }
}
