/**
 * Starting and stopping the processes of a cluster (issue 17): Xiaoan nodes as child processes
 * that can be killed with SIGKILL, and HAProxy in the foreground. Used by `npm run cluster`
 * (bin/cluster.ts), the failover test (tests/helpers/cluster.ts) and the cluster benchmark.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTH_PATH } from './cluster-haproxy.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A child process and how it ended (null while it runs). */
export interface Proc {
  readonly child: ChildProcess;
  readonly name: string;
  /** e.g. `exit code 0`, `signal SIGKILL`; null while running. */
  ended(): string | null;
  /** Resolves when the process is gone. */
  readonly gone: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (kill -9), resolves when it is gone. */
  kill9(): Promise<void>;
}

function wrap(child: ChildProcess, name: string): Proc {
  let ended: string | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }),
  );
  const running = () => ended === null;
  return {
    child,
    name,
    ended: () => ended,
    gone,
    async stop(graceMs = 15_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
    async kill9() {
      if (!running()) return;
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** How to start one node: the entry script (relative to the repository), its port and environment. */
export interface NodeSpec {
  name: string;
  port: number;
  /** The script run as `node --import tsx <entry>`: bin/xiaoan.ts, or a test's own entry. */
  entry: string;
  env: Record<string, string>;
  /** Where stdout and stderr go; inherited (the terminal) when null. */
  logFile: string | null;
}

/**
 * How far (ms) this process's clock is from the real one: libfaketime's offset when it is loaded
 * (LD_PRELOAD), read against `date` run without it; 0 without libfaketime.
 */
export function fakeClockOffsetMs(env: NodeJS.ProcessEnv = process.env): number {
  const preload = env.LD_PRELOAD ?? '';
  if (!preload.includes('faketime')) return 0;
  const before = Date.now();
  const real = spawnSync('date', ['+%s%N'], { env: { ...env, LD_PRELOAD: preload.split(/[:\s]+/).filter((lib) => !lib.includes('faketime')).join(':') }, encoding: 'utf8' });
  const after = Date.now();
  const realMs = Number(real.stdout?.trim()) / 1e6;
  if (real.status !== 0 || !Number.isFinite(realMs) || realMs <= 0) throw new Error(`libfaketime is loaded but the real time could not be read (date: ${real.stderr || real.error?.message || real.status})`);
  return (before + after) / 2 - realMs;
}

/**
 * What a child needs to run on this process's clock. Under libfaketime's start-at form
 * (`faketime -f '@2026-12-07 07:35:00' npm run cluster`, or CI's suites at a pinned hour) every new
 * process starts the clock at that instant again, so a node spawned or restarted minutes later
 * would live minutes in the past beside the other and judge the shared last-seen times stale; and
 * a launcher that is itself such a child (a test worker) is not on the first process's clock
 * either. The child is given this process's own offset from the real clock instead.
 */
export function sharedClockEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (!(env.LD_PRELOAD ?? '').includes('faketime')) return {};
  const offsetSeconds = fakeClockOffsetMs(env) / 1000;
  return { FAKETIME: `${offsetSeconds >= 0 ? '+' : '-'}${Math.abs(offsetSeconds).toFixed(3)}` };
}

/**
 * Starts a node as `node --import tsx <entry>`: one process (not a tsx wrapper), so its pid is the
 * server's own and SIGKILL kills the server, not a parent that would leave it running.
 */
export function spawnNode(spec: NodeSpec): Proc {
  const log = spec.logFile ? fs.openSync(spec.logFile, 'a') : null;
  const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
    cwd: repoRoot,
    env: { ...process.env, ...sharedClockEnv(), ...spec.env, PORT: String(spec.port) },
    stdio: log === null ? ['ignore', 'inherit', 'inherit'] : ['ignore', log, log],
  });
  if (log !== null) fs.closeSync(log);
  return wrap(child, spec.name);
}

/** Waits until GET <url>/api/v1/health answers 200; fails early when `proc` ends. */
export async function waitHealthy(url: string, proc: Proc, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = proc.ended();
    if (ended) throw new Error(`${proc.name} stopped before it answered ${HEALTH_PATH} (${ended})`);
    if (Date.now() > deadline) throw new Error(`${proc.name} did not answer ${HEALTH_PATH} within ${Math.round(timeoutMs / 1000)} s`);
    try {
      const response = await fetch(`${url}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The haproxy binary: HAPROXY_BIN, else `haproxy` on PATH or in /usr/sbin (Debian's package); null when absent. */
export function findHaproxy(): string | null {
  const candidates = [process.env.HAPROXY_BIN, ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'haproxy')), '/usr/sbin/haproxy', '/usr/local/sbin/haproxy'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Checks a configuration with `haproxy -c`; throws with HAProxy's own words when it is refused. */
export function checkHaproxyConfig(binary: string, configFile: string): void {
  const result = spawnSync(binary, ['-c', '-q', '-f', configFile], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`haproxy refused ${configFile}: ${(result.stderr || result.stdout).trim()}`);
}

/** Starts HAProxy in the foreground (`-db`) on `configFile`; it stops on SIGTERM/SIGKILL like the nodes. */
export function spawnHaproxy(binary: string, configFile: string, logFile: string | null): Proc {
  const log = logFile ? fs.openSync(logFile, 'a') : null;
  const child = spawn(binary, ['-db', '-f', configFile], { stdio: log === null ? ['ignore', 'inherit', 'inherit'] : ['ignore', log, log] });
  if (log !== null) fs.closeSync(log);
  return wrap(child, 'haproxy');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; fails early when `proc` ends. */
export async function waitListening(port: number, proc: Proc, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = proc.ended();
    if (ended) throw new Error(`${proc.name} stopped (${ended}) before it listened on ${port}`);
    if (Date.now() > deadline) throw new Error(`${proc.name} did not listen on ${port} within ${Math.round(timeoutMs / 1000)} s`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The kernel's range for ephemeral ports (`ip_local_port_range`); Linux's default when unreadable. */
export function ephemeralPortRange(): { low: number; high: number } {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return { low, high };
  } catch {
    // not Linux, or no /proc
  }
  return { low: 32768, high: 60999 };
}

/** The lowest port freePort() hands out: above the registered services this machine runs. */
const LOWEST_PICKED_PORT = 20_000;
/** Ports this process handed out already (never twice, even once released). */
const pickedPorts = new Set<number>();

/** A port the kernel picks (port 0), released at once. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A TCP port free on 127.0.0.1 for a process started later (a node, HAProxy, a restarted node).
 * It is picked below the kernel's ephemeral range, not asked of the kernel with port 0: between
 * this call and the child's bind (a node's start, a killed node's restart: seconds to minutes)
 * any outgoing connection of a busy test run takes a local port from that range, and one that
 * took this port would make the bind fail (CI saw HAProxy unable to start that way). Below the
 * range only a process that names the port binds it.
 */
export async function freePort(): Promise<number> {
  const { low } = ephemeralPortRange();
  const high = low - 1;
  const lowest = Math.min(LOWEST_PICKED_PORT, Math.max(1024, high - 1000));
  if (high - lowest < 100) return kernelPort(); // an unusual range that leaves no room below it
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = lowest + Math.floor(Math.random() * (high - lowest + 1));
    if (pickedPorts.has(port) || !(await canListen(port))) continue;
    pickedPorts.add(port);
    return port;
  }
  throw new Error(`no free port found between ${lowest} and ${high}`);
}

/** One backend row of HAProxy's CSV status page: the node's name and status (UP, DOWN, `UP 1/2`…). */
export async function haproxyStatus(statsPort: number): Promise<Map<string, string>> {
  const response = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(2000) });
  const text = await response.text();
  const rows = text.split('\n').filter((line) => line && !line.startsWith('#'));
  const status = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(',');
    const [proxy, server, state] = [cells[0], cells[1], cells[17]];
    if (proxy === 'xiaoan_nodes' && server && server !== 'BACKEND' && state) status.set(server, state);
  }
  return status;
}
