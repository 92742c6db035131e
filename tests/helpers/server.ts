import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { Dataset } from '../../shared/dataset.js';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { decodeSnapshot } from '../../client/snapshot.js';
import type { DecodedSnapshot } from '../../shared/snapshot.js';
import { loadConfig, type Config } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/index.js';
import type { Clock } from '../../server/clock.js';
import type { Logger } from '../../server/logger.js';
import { freshPostgresDatabase, type Engine } from './engines.js';

/** The token every test server accepts. */
export const TEST_TOKEN = 'test-ingest-token';

/** A real server on an ephemeral port over a real database file in a fresh temp directory. */
export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** Posts to the ingest API with the test token. */
  post(body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * The dataset with every 护学岗 post staffed on no day: nothing about it depends on the time of
 * day, the weekday or the term (an explicit duty-free condition, not a wait for a quiet hour).
 */
export function offDuty(dataset: Dataset): Dataset {
  return { ...dataset, guardPosts: dataset.guardPosts.map((post) => ({ ...post, days: [] })) };
}

/**
 * How to start a test server; `engine: 'postgres'` makes a fresh PostgreSQL database unless
 * `databaseUrl` names one. Without `clock` (the wall clock) and `dataset`, the small dataset's
 * posts are `offDuty`: pin the clock to test them.
 */
export interface TestServerOptions {
  dataDir?: string;
  engine?: Engine;
  databaseUrl?: string;
  dataset?: Dataset;
  clock?: Clock;
  env?: Record<string, string>;
  /** The server's logger (a test reads its lines through a destination); silent by default. */
  log?: Logger;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (options.engine === 'postgres' ? await freshPostgresDatabase() : undefined);
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    XIAOAN_DATA_DIR: dataDir,
    XIAOAN_SIMULATOR: 'off',
    XIAOAN_INGEST_TOKEN: TEST_TOKEN,
    XIAOAN_LOG_LEVEL: 'silent',
    // Tests sign in through signInAs (tests/helpers/auth.ts), many times a minute, without demo accounts.
    XIAOAN_DEMO: 'off',
    XIAOAN_LOGIN_RATE_PER_MINUTE: '10000',
    // …and a suite's wrong passwords (fuzz, refusals) all come from 127.0.0.1: the address-wide throttle is the tests' own to set.
    XIAOAN_LOGIN_ADDRESS_FREE_FAILURES: '100000',
    // Suites read the desk's statistics far more than a person would; the limit's own test sets it low.
    XIAOAN_HEAVY_READS_PER_MINUTE: '10000',
    // Every REST answer is checked against its route's schema (shared/api): a wrong shape is a 500 a test sees.
    XIAOAN_CHECK_ANSWERS: 'on',
    // The weekly/monthly reports are made on schedule only where a suite asks (tests/integration/report.test.ts).
    XIAOAN_REPORT_SCHEDULE: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  // On the wall clock a 护学岗 post's state (and the alarms it raises) would depend on the hour the
  // suite runs at: without a pinned clock the posts are off duty every day. A test about posts pins the clock.
  const dataset = options.dataset ?? (options.clock ? makeSmallDataset() : offDuty(makeSmallDataset()));
  const running = await startServer(config, { seed: () => dataset, ...(options.clock ? { clock: options.clock } : {}), ...(options.log ? { log: options.log } : {}) });
  return {
    ...running,
    dataDir,
    config,
    async post(body, token = TEST_TOKEN) {
      const response = await fetch(`${running.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

/** A typed socket.io-client. */
export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client that records every `alarm` change it receives. */
export interface RecordingClient {
  socket: TestSocket;
  changes: AlarmChange[];
  /** Highest seq seen, from changes or a snapshot. */
  lastSeq: () => number | null;
  snapshots: number;
  /** The snapshots received, decoded (shared/snapshot.ts), in order; complete by the time `live` resolves. */
  decodedSnapshots: DecodedSnapshot[];
  /** Resolves once the server says the catch-up is over (and every snapshot before it is decoded). */
  live: Promise<void>;
}

/**
 * A real socket.io-client; `cookie` is a signed-in session's cookie header (signInAs from
 * tests/helpers/auth.ts), without which the server refuses the handshake.
 */
export function connectClient(url: string, options: { cookie?: string; lastSeq?: number | null; origin?: string } = {}): RecordingClient {
  const lastSeq = options.lastSeq ?? null;
  let seen = lastSeq;
  const socket: TestSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    auth: { lastSeq },
    extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
  });
  const client: RecordingClient = {
    socket,
    changes: [],
    lastSeq: () => seen,
    snapshots: 0,
    decodedSnapshots: [],
    live: new Promise((resolve, reject) => {
      socket.once('alarm:live', () => void decoding.then(() => resolve(), reject));
      socket.once('connect_error', reject);
    }),
  };
  let decoding: Promise<void> = Promise.resolve();
  socket.on('alarm', (change) => {
    client.changes.push(change);
    seen = Math.max(seen ?? 0, change.seq);
  });
  socket.on('alarm:snapshot', (snapshot) => {
    client.snapshots++;
    seen = snapshot.seq;
    decoding = decoding.then(async () => void client.decodedSnapshots.push(await decodeSnapshot(snapshot)));
  });
  return client;
}

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An `alarm.sos` event for a test school. */
export function sosEvent(schoolId = 'S0001', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'alarm.sos', deviceId: `SOS-${schoolId}-1`, at: new Date().toISOString(), ...extra };
}
