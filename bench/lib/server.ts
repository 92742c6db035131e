import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../bin/cluster-procs.js';
import { track } from './children.js';
import { readMachine, readProc, type ProcReading } from './proc.js';
import { sleep } from './stats.js';

/** The token the server under test accepts. */
export const BENCH_TOKEN = 'bench-token';
/**
 * The administrator's password the bench's servers create `admin` with (XIAOAN_ADMIN_PASSWORD):
 * screens sign in as a person would, since Socket.IO refuses a handshake without a session.
 */
export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What `GET /api/v1/health` answers to the signed-in administrator; `eventLoop` and `memory` only on servers that report them. */
export interface Health {
  status: string;
  seq: number;
  ingest: { accepted: number; rejected: number; duplicates: number };
  cameras: { total: number; online: number; offline: number; fault: number };
  /** Event-loop delay since the previous /health call. */
  eventLoop?: { p50Ms: number; p99Ms: number; maxMs: number };
  /** With `?span=`: the event-loop delay since the span was last restarted. */
  eventLoopSpan?: { p50Ms: number; p99Ms: number; maxMs: number };
  memory?: { rssBytes: number };
  /** The GB/T 28181 endpoint's counts (issue 16); null when it is off. */
  sip?: { messages: number; registrations: number; keepalives: number; alarms: number; catalogs: number; authFailures: number; flooded: number } | null;
}

/** A free TCP port on 127.0.0.1 (the cluster launcher's). */
export { freePort };

export interface ServerOptions {
  dataDir: string;
  scale: 'city' | 'province';
  /** Where the server's stdout/stderr go. */
  logFile: string;
  /** Give up waiting for /health after this long (a first province start imports ≈ 870k devices). */
  startTimeoutMs?: number;
  /** Extra Node options for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it. */
  nodeArgs?: string[];
  /** Extra environment of the server process (e.g. the GB/T 28181 endpoint's XIAOAN_GB28181_*). */
  env?: Record<string, string>;
}

/**
 * The server under test, in its own process so that the load generator never shares its event
 * loop. Started as `node --import tsx bin/xiaoan.ts` — the same as `tsx bin/xiaoan.ts`, but one
 * process, so that the pid we read /proc of is the server itself and not a tsx wrapper.
 */
export class ServerUnderTest {
  private constructor(
    readonly url: string,
    readonly pid: number,
    private readonly child: ChildProcess,
    /**
     * What /health's event-loop figures carry beyond the real delay: Node's histogram records
     * the whole timer interval (resolution included), so an idle server reports p50 ≈ 10 ms.
     */
    readonly eventLoopOffsetMs: number | null,
    readonly startMs: number,
    /** `Cookie` header value of the administrator's session (empty on a server without sign-in). */
    readonly cookie: string,
  ) {}

  static async start(options: ServerOptions): Promise<ServerUnderTest> {
    const port = await freePort();
    const log = fs.openSync(options.logFile, 'a');
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'bin/xiaoan.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        XIAOAN_DATA_DIR: options.dataDir,
        XIAOAN_SIMULATOR: 'off',
        XIAOAN_INGEST_TOKEN: BENCH_TOKEN,
        XIAOAN_DATASET_SCALE: options.scale,
        XIAOAN_LOG_LEVEL: 'warn',
        XIAOAN_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
        // One token stands for every gateway of the province here: 50,000 keepalives/s in batches
        // of 100 is 30,000 requests a minute, far above the per-token default of 600.
        XIAOAN_INGEST_RATE_PER_MINUTE: '1000000',
        // Scheduled reports would be made at start (their work is measured by the `report` scenario, not under the others).
        XIAOAN_REPORT_SCHEDULE: 'off',
        ...options.env,
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error('could not spawn the server');
    track(child);
    const url = `http://127.0.0.1:${port}`;
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `exit code ${code} signal ${signal}`));

    const deadline = started + (options.startTimeoutMs ?? 15 * 60_000);
    for (;;) {
      if (exited) throw new Error(`the server stopped before it answered /health (${exited}); see ${options.logFile}`);
      if (performance.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the server did not answer /health in time; see ${options.logFile}`);
      }
      try {
        const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    const startMs = performance.now() - started;
    // Let start-up garbage settle, then read the idle event loop twice: what it shows is the offset.
    await sleep(1500);
    // The figures on /health need a session with a city-wide scope (anonymous callers see only ok/degraded).
    const cookie = await signIn(url);
    const probe = new ServerUnderTest(url, child.pid, child, null, startMs, cookie);
    await probe.health();
    await sleep(1000);
    const idle = (await probe.health()).eventLoop;
    const offset = idle ? (idle.p50Ms >= 5 ? Math.round(idle.p50Ms) : 0) : null;
    return new ServerUnderTest(url, child.pid, child, offset, startMs, cookie);
  }

  /** GET /health; `span` also reads (and with 'restart' restarts) the whole-phase event-loop figures. */
  async health(span?: 'read' | 'restart'): Promise<Health> {
    const response = await fetch(`${this.url}/api/v1/health${span ? `?span=${span}` : ''}`, {
      headers: this.cookie ? { cookie: this.cookie } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`/health answered ${response.status}`);
    return (await response.json()) as Health;
  }

  /** GETs a JSON route; tries three times, as a busy shared machine sometimes drops a connection. */
  async getJson<T>(route: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // The registry answers the ingest token (as an integrator reads it) or a signed-in reader.
        const response = await fetch(`${this.url}${route}`, {
          headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(this.cookie ? { cookie: this.cookie } : {}) },
          signal: AbortSignal.timeout(180_000),
        });
        if (!response.ok) throw new Error(`GET ${route} answered ${response.status}`);
        return (await response.json()) as T;
      } catch (error) {
        if (attempt >= 3) throw error;
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        console.warn(`  GET ${route} failed (${error instanceof Error ? error.message : String(error)}${cause}); trying again`);
        await sleep(2000);
      }
    }
  }

  proc(): ProcReading | null {
    return readProc(this.pid);
  }

  /** SIGTERM (the launcher drains its writes and closes the database), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * Signs in as `admin` (POST /api/v1/auth/login) and returns the session and CSRF cookies as one
 * `Cookie` header; '' from a server that has no sign-in route yet.
 */
async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 404) return '';
  if (!response.ok) throw new Error(`signing in as admin answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!.trim())
    .join('; ');
}

/** One periodic sample of the server during a scenario. */
export interface ServerSample {
  /** Seconds since sampling started. */
  t: number;
  /** Fraction of one core over the interval. */
  cpu: number;
  /** CPU busy on the whole machine over the interval, in cores (every process, the server's included). */
  machineCores: number;
  rssBytes: number;
  /** Event-loop delay p99 / max over the interval, offset removed; null when the server does not report it. */
  loopP99Ms: number | null;
  loopMaxMs: number | null;
  /** As /health reported it. */
  rawLoopP99Ms: number | null;
  accepted: number;
}

/**
 * Samples CPU and memory from /proc and the event loop from /health every `intervalMs` until
 * stopped. /health's event-loop figures are "since the previous call", so this is their only reader.
 */
export class ServerSampler {
  readonly samples: ServerSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last: ProcReading | null;
  private lastMachine = readMachine();
  private started = performance.now();
  private busy = false;

  constructor(
    private readonly server: ServerUnderTest,
    private readonly intervalMs: number,
    private readonly onSample?: (sample: ServerSample) => void,
  ) {
    this.last = server.proc();
  }

  async start(): Promise<void> {
    await this.server.health().catch(() => undefined); // resets the event-loop window
    this.last = this.server.proc();
    this.lastMachine = readMachine();
    this.started = this.last?.at ?? performance.now();
    this.timer = setInterval(() => void this.take(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await sleep(20);
    await this.take();
  }

  private async take(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const health = await this.server.health().catch(() => null);
      const now = this.server.proc();
      const machine = readMachine();
      if (!now || !this.last) return;
      const machineCores =
        machine && this.lastMachine ? (machine.busySeconds - this.lastMachine.busySeconds) / ((machine.at - this.lastMachine.at) / 1000) : Number.NaN;
      this.lastMachine = machine;
      const offset = this.server.eventLoopOffsetMs ?? 0;
      const loop = health?.eventLoop;
      const sample: ServerSample = {
        t: (now.at - this.started) / 1000,
        cpu: (now.cpuSeconds - this.last.cpuSeconds) / ((now.at - this.last.at) / 1000),
        machineCores,
        rssBytes: now.rssBytes,
        loopP99Ms: loop ? Math.max(0, loop.p99Ms - offset) : null,
        loopMaxMs: loop ? Math.max(0, loop.maxMs - offset) : null,
        rawLoopP99Ms: loop ? loop.p99Ms : null,
        accepted: health?.ingest.accepted ?? Number.NaN,
      };
      this.last = now;
      this.samples.push(sample);
      this.onSample?.(sample);
    } finally {
      this.busy = false;
    }
  }
}

/** Whole-machine CPU busy over the samples, in cores. */
export function machineCpu(samples: readonly ServerSample[]): number {
  return weightedCpu(samples.map((s) => ({ t: s.t, cpu: s.machineCores })));
}

/** CPU over the samples, weighted by their intervals (fraction of one core). */
export function weightedCpu(samples: readonly { t: number; cpu: number }[]): number {
  let busy = 0;
  let wall = 0;
  let previous = 0;
  for (const sample of samples) {
    const dt = sample.t - previous;
    previous = sample.t;
    if (!Number.isFinite(sample.cpu) || dt <= 0) continue;
    busy += sample.cpu * dt;
    wall += dt;
  }
  return wall > 0 ? busy / wall : Number.NaN;
}
