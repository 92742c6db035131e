/**
 * Reproduces the reconnect-herd cost (issue 12, item 1): snapshot bytes and how long snapshots
 * and 1,000-change catch-ups hold the event loop, against a city-scale server in its own process
 * with `openAlarms` open camera-fault alarms (3,600 gives the issue's 1.9 MB snapshot on the old
 * wire). Besides /health's event-loop delay (wall clock: on a busy shared machine it also counts
 * the time the process was not scheduled) it reads bench/lib/cpu-probe.mjs, preloaded into the
 * server: the most CPU the process spent between two turns of a 2 ms timer.
 * Run: XIAOAN_SOCKETS_PER_SESSION=100 node --import tsx bench/herd-repro.ts [openAlarms]
 * (HERD_DATA=<dir> keeps the data directory between runs). Not part of `npm run bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IngestClient } from './lib/http.js';
import { deviceIds } from './lib/registry.js';
import { connectScreen, closeScreens, type Screen } from './lib/screens.js';
import { BENCH_TOKEN, ServerUnderTest } from './lib/server.js';

const OPEN = Number(process.argv[2] ?? 2500);
const dataDir = process.env.HERD_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'herd-'));
const probe = fileURLToPath(new URL('./lib/cpu-probe.mjs', import.meta.url));
const server = await ServerUnderTest.start({ dataDir, scale: 'city', logFile: path.join(dataDir, 'server.log'), nodeArgs: ['--import', probe, ...(process.env.HERD_NODE_ARGS ?? '').split(' ').filter(Boolean)] });
const probeRead = async (): Promise<string> => {
  const file = path.join(os.tmpdir(), `xiaoan-probe-${server.pid}.json`);
  fs.rmSync(file, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  return fs.existsSync(file) ? ` probe ${fs.readFileSync(file, 'utf8')}` : ' probe ?';
};
try {
  const ids = await deviceIds(server, dataDir);
  const ingest = new IngestClient(server.url, BENCH_TOKEN);
  let seq = (await server.health()).seq;
  if (seq < OPEN) {
    const at = new Date().toISOString();
    for (let i = 0; i < OPEN; i += 500) {
      const batch = ids.cameras.slice(i, Math.min(OPEN, i + 500)).map((deviceId) => ({ type: 'camera.fault', deviceId, fault: 'video_loss', at }));
      const r = await ingest.post(JSON.stringify(batch));
      if (r.status !== 202) throw new Error(JSON.stringify(r.body));
    }
    seq = (await server.health()).seq;
  }
  console.log(`seq ${seq}`);
  const target = { url: server.url, cookie: server.cookie };
  const measure = async (what: string, run: () => Promise<Screen[]>) => {
    await server.health('restart');
    await probeRead();
    const started = performance.now();
    const screens = await run();
    const ms = performance.now() - started;
    const held = await probeRead();
    const span = (await server.health('read')).eventLoopSpan;
    const bytes = screens[0]!.bytes;
    console.log(`${what}: ${ms.toFixed(0)} ms to live; loop max ${span?.maxMs} ms p99 ${span?.p99Ms};${held} first screen ${bytes.total} B (${[...bytes.byEvent].map(([k, v]) => `${k}=${v}`).join(' ')})`);
    closeScreens(screens);
    await new Promise((r) => setTimeout(r, 1500));
  };
  const many = (n: number, lastSeq: number | null) => () => Promise.all(Array.from({ length: n }, () => connectScreen(target, lastSeq, 300_000)));
  // The issue's scenario: a live operator screen; 100 screens reconnect at once, half new (a
  // snapshot) and half 1,000 changes behind; an SOS is posted 300 ms later. How late is it on the
  // operator's screen, and when is the last reconnecting screen live?
  const sosDevices = ids.sos.slice(0, 3);
  for (const [round, deviceId] of sosDevices.entries()) {
    const operator = await connectScreen(target, (await server.health()).seq, 60_000);
    await server.health('restart');
    await probeRead();
    const started = performance.now();
    const herd = Promise.all([...Array.from({ length: 50 }, () => connectScreen(target, null, 300_000)), ...Array.from({ length: 50 }, () => connectScreen(target, seq - 1000, 300_000))]);
    await new Promise((r) => setTimeout(r, 300));
    const sent = performance.now();
    const heard = new Promise<number>((resolve) => (operator.onAlarm = (change, at) => change.alarm.deviceId === deviceId && resolve(at)));
    const posted = await ingest.post(JSON.stringify({ type: 'alarm.sos', deviceId, at: new Date().toISOString() }));
    const at = await heard;
    const screens = await herd;
    const allLive = performance.now() - started;
    const held = await probeRead();
    const span = (await server.health('read')).eventLoopSpan;
    console.log(`herd of 100 + SOS (${round + 1}): SOS on the operator's screen ${(at - sent).toFixed(0)} ms after it was sent (ingest answered ${posted.status} in ${posted.ms.toFixed(0)} ms); all 100 live after ${allLive.toFixed(0)} ms; loop max ${span?.maxMs} ms;${held}`);
    closeScreens([operator, ...screens]);
    seq = (await server.health()).seq;
    await new Promise((r) => setTimeout(r, 2000));
  }
  for (const round of process.env.HERD_ONLY === 'sos' ? [] : [1, 2]) {
    console.log(`round ${round}`);
    await measure('1 snapshot', many(1, null));
    await measure('1 catch-up of 1,000', many(1, seq - 1000));
    await measure('50 snapshots at once', many(50, null));
    await measure('50 catch-ups of 1,000 at once', many(50, seq - 1000));
  }
  ingest.close();
} finally {
  await server.stop();
}
