/**
 * `npm run bench -- --only cluster` (issue 17): the same workload against SQLite on one node,
 * PostgreSQL on one node, and PostgreSQL with two nodes behind HAProxy (Redis between them), in
 * one run: keepalive ingest as fast as 4 connections take it, and SOS → screens meanwhile, with
 * screens on both nodes. Writes its own section of docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import type { AlarmChange } from '../shared/events.js';
import { freePort, spawnNode, waitHealthy, type Proc } from '../bin/cluster-procs.js';
import { DEMO_PASSWORD } from '../server/index.js';
import { CLUSTER_TOKEN, TestCluster } from '../tests/helpers/cluster.js';
import { clusterDataset } from '../tests/helpers/cluster-dataset.js';
import { postEvents } from '../tests/helpers/cluster-load.js';
import { freshPostgresDatabase } from '../tests/helpers/engines.js';
import { REDIS_TEST_URL } from '../tests/helpers/redis.js';
import type { TestSocket } from '../tests/helpers/server.js';
import { log } from './lib/context.js';
import { describeMachine, writeScenarioSection } from './lib/docs.js';
import type { ScenarioReport } from './lib/report.js';
import { fmtInt, fmtMs, percentile, sleep } from './lib/stats.js';

const SCHOOLS = 200;
const CAMERAS = 10;
const SCREENS = 4;

/** One configuration under test: where screens and devices go, and which node each screen is on. */
interface System {
  label: string;
  url: string;
  signIn(): Promise<{ cookie: string; node: string }>;
  stop(): Promise<void>;
}

interface Measured {
  label: string;
  ingestPerSecond: number;
  sos: number[];
  /** SOS latencies by the node the screen was on. */
  byNode: Map<string, number[]>;
  lost: number;
}

const nodeEnv = (dir: string): Record<string, string> => ({
  HOST: '127.0.0.1',
  XIAOAN_DATA_DIR: dir,
  XIAOAN_SIMULATOR: 'off',
  XIAOAN_INGEST_TOKEN: CLUSTER_TOKEN,
  XIAOAN_DEMO: 'on',
  XIAOAN_LOG_LEVEL: 'warn',
  XIAOAN_LOGIN_RATE_PER_MINUTE: '10000',
  XIAOAN_INGEST_RATE_PER_MINUTE: '1000000',
  XIAOAN_REPORT_SCHEDULE: 'off',
  XIAOAN_CLUSTER_SCHOOLS: String(SCHOOLS),
  XIAOAN_CLUSTER_CAMERAS: String(CAMERAS),
});

async function signInAt(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'police', password: DEMO_PASSWORD }) });
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
  await response.body?.cancel();
  return response.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
}

/** One node on its own (SQLite in its data directory, or PostgreSQL at `databaseUrl`), screens and devices straight to it. */
async function singleNode(label: string, databaseUrl: string | null): Promise<System> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-cluster-'));
  const port = await freePort();
  const proc: Proc = spawnNode({ name: 'n1', port, entry: 'tests/helpers/cluster-node.ts', env: { ...nodeEnv(dir), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, logFile: path.join(dir, 'n1.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc, 600_000);
  return { label, url, signIn: async () => ({ cookie: await signInAt(url), node: 'n1' }), stop: () => proc.stop() };
}

async function twoNodes(label: string): Promise<System> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-cluster-'));
  const cluster = await TestCluster.start({ dir, env: { ...nodeEnv(dir), XIAOAN_ADMIN_PASSWORD: 'bench-admin-password', REDIS_URL: REDIS_TEST_URL } });
  return {
    label,
    url: cluster.url,
    signIn: async () => {
      const session = await cluster.signIn();
      return { cookie: session.cookie, node: session.node ?? '?' };
    },
    stop: () => cluster.stop(),
  };
}

/** Screens, keepalives as fast as `connections` requests in flight take them, and one SOS every 250 ms meanwhile. */
async function measure(system: System, seconds: number, connections: number): Promise<Measured> {
  const dataset = clusterDataset(SCHOOLS, CAMERAS);
  const cameras = dataset.devices.filter((d) => d.kind === 'camera').map((d) => d.id);
  const sosDevices = dataset.devices.filter((d) => d.kind === 'sos').map((d) => d.id);
  const screens: { socket: TestSocket; node: string; waiting: Map<string, (at: number) => void> }[] = [];
  for (let i = 0; i < SCREENS; i++) {
    const { cookie, node } = await system.signIn();
    const socket: TestSocket = connect(system.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { lastSeq: null }, extraHeaders: { cookie } });
    const screen = { socket, node, waiting: new Map<string, (at: number) => void>() };
    socket.on('alarm', (change: AlarmChange) => screen.waiting.get(change.alarm.deviceId)?.(performance.now()));
    await new Promise<void>((resolve, reject) => (socket.once('alarm:live', () => resolve()), socket.once('connect_error', reject)));
    screens.push(screen);
  }
  let running = true;
  let accepted = 0;
  const ingest = Array.from({ length: connections }, async (_, k) => {
    for (let i = k; running; i += connections) {
      const at = new Date().toISOString();
      const batch = Array.from({ length: 100 }, (_, j) => ({ type: 'camera.heartbeat', deviceId: cameras[(i * 100 + j) % cameras.length]!, at }));
      if ((await postEvents(system.url, CLUSTER_TOKEN, batch, { attempts: 1 })).status === 202) accepted += batch.length;
    }
  });
  const started = performance.now();
  const sos: number[] = [];
  const byNode = new Map<string, number[]>();
  let lost = 0;
  for (let k = 0; performance.now() - started < seconds * 1000; k++) {
    const deviceId = sosDevices[k % sosDevices.length]!;
    const sent = performance.now();
    const arrivals = screens.map(
      (screen) =>
        new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => (screen.waiting.delete(deviceId), resolve(null)), 5000);
          screen.waiting.set(deviceId, (at) => (clearTimeout(timer), screen.waiting.delete(deviceId), resolve(at - sent)));
        }),
    );
    const answer = await postEvents(system.url, CLUSTER_TOKEN, [{ type: 'alarm.sos', deviceId, at: new Date().toISOString() }], { attempts: 1 });
    if (answer.status !== 202) lost += screens.length;
    const latencies = await Promise.all(arrivals);
    latencies.forEach((ms, i) => {
      if (ms === null) return void lost++;
      sos.push(ms);
      const node = screens[i]!.node;
      byNode.set(node, [...(byNode.get(node) ?? []), ms]);
    });
    await sleep(Math.max(0, 250 - (performance.now() - sent)));
  }
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  await Promise.all(ingest);
  screens.forEach((s) => s.socket.disconnect());
  return { label: system.label, ingestPerSecond: accepted / elapsed, sos, byNode, lost };
}

export async function runCluster(options: { quick: boolean; write?: boolean }): Promise<ScenarioReport> {
  const machine = describeMachine();
  const started = performance.now();
  const seconds = options.quick ? 15 : 45;
  const connections = 4;
  const results: Measured[] = [];
  const configurations: [string, () => Promise<System>][] = [
    ['SQLite, one node', () => singleNode('SQLite, one node', null)],
    ['PostgreSQL, one node', async () => singleNode('PostgreSQL, one node', await freshPostgresDatabase())],
    ['PostgreSQL, two nodes + HAProxy + Redis', () => twoNodes('PostgreSQL, two nodes + HAProxy + Redis')],
  ];
  for (const [label, start] of configurations) {
    log(`  ${label}: starting`);
    const system = await start();
    try {
      log(`  ${label}: ${seconds} s of keepalives (${connections} connections) with an SOS every 250 ms to ${SCREENS} screens`);
      const result = await measure(system, seconds, connections);
      results.push(result);
      log(`  ${label}: ${fmtInt(result.ingestPerSecond)} keepalives/s, SOS p50 ${fmtMs(percentile(result.sos, 50))} p99 ${fmtMs(percentile(result.sos, 99))}, lost ${result.lost}`);
    } finally {
      await system.stop();
    }
  }
  const perNode = (r: Measured) =>
    [...r.byNode]
      .sort()
      .map(([node, values]) => `${node}: ${fmtMs(percentile(values, 50))} / ${fmtMs(percentile(values, 99))} (${values.length})`)
      .join('; ');
  const minutes = (performance.now() - started) / 60_000;
  const report: ScenarioReport = {
    id: 'cluster',
    title: 'One node vs two behind HAProxy, SQLite vs PostgreSQL (issue 17)',
    requirement: '`npm run bench` compares SQLite vs PostgreSQL and one node vs two nodes behind HAProxy (ingest rate, SOS p50/p99 to screens on both nodes) in one table, same workload, same run.',
    setup: `${SCHOOLS} schools, ${fmtInt(SCHOOLS * CAMERAS)} cameras (tests/helpers/cluster-dataset.ts); per configuration ${seconds} s of camera keepalives in batches of 100 from ${connections} requests in flight (as fast as they are answered), and meanwhile one SOS every 250 ms (a new device each time) to ${SCREENS} city-wide operator screens — in the two-node configuration signed in through HAProxy, so on both nodes. Load generator, screens and servers share the machine.`,
    figures: results.flatMap((r) => [
      { metric: `${r.label}: keepalive ingest`, value: `${fmtInt(r.ingestPerSecond)} /s` },
      { metric: `${r.label}: SOS → screens p50 / p99`, value: `${fmtMs(percentile(r.sos, 50))} / ${fmtMs(percentile(r.sos, 99))}` },
    ]),
    tables: [
      {
        caption: 'Same workload, same run',
        header: ['configuration', 'keepalive ingest /s', 'SOS → screens p50', 'SOS → screens p99', 'p50 / p99 by node (deliveries)', 'SOS not delivered'],
        rows: results.map((r) => [r.label, fmtInt(r.ingestPerSecond), fmtMs(percentile(r.sos, 50)), fmtMs(percentile(r.sos, 99)), perNode(r), String(r.lost)]),
      },
    ],
    notes: [
      'Ingest is bounded by the one writer per node and by this shared 2-core machine (the load generator and screens run on it too); two nodes on two cores share those cores, so the figures compare the paths, not the capacity of two machines.',
      'Keepalives are not written to the database (they are state in memory, and in Redis with the shared device state of issue 17 item 1); SOS alarms are, in one transaction each, then pushed — on two nodes the other node\'s screens get them through Redis.',
    ],
  };
  if (options.write ?? !options.quick) {
    const file = writeScenarioSection('cluster', report, { machine, command: `npm run bench -- --only cluster${options.quick ? ' --quick' : ''}`, minutes });
    log(`  wrote ${file}`);
  }
  return report;
}
