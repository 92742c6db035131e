import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeClockOffsetMs, freePort, sharedClockEnv } from '../../bin/cluster-procs.js';
import type { Device } from '../../shared/domain/index.js';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The ingest token every system started here accepts. */
export const SYSTEM_TOKEN = 'system-test-token';

/** The whole system as `npm start` runs it (bin/xiaoan.ts), in a child process of its own. */
export interface RunningSystem {
  url: string;
  dataDir: string;
  /** The current server process (a new one after `restart()`). */
  readonly process: ChildProcess;
  /** Everything it printed, across restarts. */
  log(): string;
  /** SIGKILL: no shutdown hooks, as a crash or a power cut. */
  kill(): Promise<void>;
  /** Starts it again on the same port, data directory and environment (after `kill()`), and waits until it answers. */
  restart(): Promise<void>;
  /** The system's clock (ms): the wall clock, or the pinned one running on from `startAt`. */
  now(): number;
  /** `kill()`, then deletes the data directory: the end of a suite. */
  discard(): Promise<void>;
}

/** libfaketime's library, from Debian's `faketime` package (`.ci/run` installs it). */
export const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Whether a system can be started at a pinned instant (libfaketime installed); required in CI. */
export function faketimeAvailable(): boolean {
  if (existsSync(FAKETIME_LIBRARY)) return true;
  if (process.env.CI) throw new Error(`libfaketime is required in CI but ${FAKETIME_LIBRARY} is missing (apt-get install faketime)`);
  console.warn(`[xiaoan tests] libfaketime not found at ${FAKETIME_LIBRARY}: suites at a pinned local time skipped (they run in CI).`);
  return false;
}

/**
 * An instant in Asia/Shanghai local time (`'2026-12-07T07:35:00'`) as ms since the epoch: the
 * product's day is Shanghai's (UTC+8 all year), whatever the test machine's zone.
 */
export function shanghaiInstant(local: string): number {
  return Date.parse(`${local}+08:00`);
}

/** How to start a system. */
export interface StartOptions {
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /**
   * Start the server's clock at this instant (ms) under libfaketime (check `faketimeAvailable()`
   * first); it runs on from there. Pin the browser to the same clock (`page.clock.install`).
   */
  startAt?: number;
}

/** Builds the client into dist/client (vite build) unless a build is already there: the system serves it. */
export function ensureClientBuild(): void {
  if (existsSync(path.join(ROOT, 'dist/client/index.html'))) return;
  const build = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}${build.stderr}`);
}

/** libfaketime's FAKETIME for an offset from the real clock, in seconds. */
function faketimeOffset(seconds: number): string {
  return `${seconds >= 0 ? '+' : '-'}${Math.abs(seconds).toFixed(3)}`;
}

/**
 * Starts bin/xiaoan.ts with node --import tsx (not npx, so a SIGKILL reaches the server itself),
 * without the simulator unless `env` turns it on, and waits until `GET /api/v1/health` answers.
 */
export async function startSystem(options: StartOptions = {}): Promise<RunningSystem> {
  // libfaketime with an offset rather than an absolute start, so the clock keeps running from
  // the pinned instant and a restart() does not send it backwards.
  const offsetSeconds = options.startAt === undefined ? null : Math.round((options.startAt - Date.now()) / 1000);
  const clockEnv: Record<string, string> =
    offsetSeconds === null ? sharedClockEnv() : { LD_PRELOAD: FAKETIME_LIBRARY, FAKETIME: faketimeOffset(offsetSeconds + fakeClockOffsetMs() / 1000) };
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'xiaoan-system-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/xiaoan.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        XIAOAN_DATA_DIR: dataDir,
        XIAOAN_SIMULATOR: 'off',
        XIAOAN_INGEST_TOKEN: SYSTEM_TOKEN,
        XIAOAN_LOG_LEVEL: 'warn',
        // The scheduled reports (a city's and each district's, at start when due) only where a suite asks.
        XIAOAN_REPORT_SCHEDULE: 'off',
        ...clockEnv,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the system exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the system did not answer in 120 s:\n${output}`);
      try {
        if ((await fetch(`${url}/api/v1/health`)).ok) return child;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  let child = await launch();
  const kill = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return {
    url,
    dataDir,
    now: () => Date.now() + (offsetSeconds ?? 0) * 1000,
    get process() {
      return child;
    },
    log: () => output,
    kill,
    restart: async () => {
      child = await launch();
    },
    discard: async () => {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts to the ingest API of a system started here. */
export async function postEvents(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SYSTEM_TOKEN}` },
    body: JSON.stringify(body),
  });
}

/** Posts one event or a batch and requires the ingest API to accept it (202). */
export async function postEvent(url: string, body: unknown): Promise<void> {
  const response = await postEvents(url, body);
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}, not 202: ${await response.text()}`);
}

/** Reads the registry as an integrator would, with the ingest token (`pathname` like '/api/v1/schools'); requires 200. */
export async function registry<T>(url: string, pathname: string): Promise<T> {
  const response = await fetch(`${url}${pathname}`, { headers: { authorization: `Bearer ${SYSTEM_TOKEN}` } });
  if (response.status !== 200) throw new Error(`GET ${pathname} answered ${response.status}, not 200: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The registry's devices matching `query` (e.g. 'kind=sos&schoolId=S0001'). */
export async function registryDevices(url: string, query: string): Promise<Device[]> {
  return (await registry<{ devices: Device[] }>(url, `/api/v1/devices?${query}`)).devices;
}

/**
 * Monday 2026-12-07, 10:00 in Asia/Shanghai: a school day in term with no 护学岗 window open (the
 * morning gate ends by 08:30, noon starts at 11:30). For a suite that is not about the gate peak
 * but whose screens would change with it: `startSystem({ startAt: SCHOOL_DAY_QUIET })`.
 */
export const SCHOOL_DAY_QUIET = shanghaiInstant('2026-12-07T10:00:00');
