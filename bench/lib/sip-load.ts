/**
 * The SIP keepalive generator (bench/lib/sip-load-worker.ts), seen from the bench: a process of
 * its own holding thousands of simulated NVRs, so that their traffic never shares the event loop
 * that times alarms on the operator's socket.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from './children.js';
import { readProc, type ProcReading } from './proc.js';
import type { SipDeviceCounters, SipNvr, SipPlatform } from './sip-device.js';

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sip-load-worker.ts');

/** An NVR of the generator, with the cameras its keepalive speaks for. */
export type LoadNvr = SipNvr & { cameras: number };

/** One phase of keepalives: as fast as answered with `window` in flight, or paced at `rate`/s. */
export interface SipPhase {
  mode: 'max' | 'paced';
  rate: number;
  window: number;
  durationMs: number;
  /** A keepalive not answered in this long counts as lost. */
  timeoutMs: number;
}

export interface SipPhaseStats {
  elapsedMs: number;
  sent: number;
  /** Answered 200 OK. */
  ok: number;
  /** Answered otherwise, by status. */
  refused: Record<string, number>;
  lost: number;
  /** Camera keepalives the 200-answered messages carried (each NVR's covers all its cameras). */
  cameraKeepalives: number;
  rttP50Ms: number;
  rttP99Ms: number;
  /** Paced: the most keepalives due but not sent because the window was full. */
  backlog: number;
}

export interface SipRegisterStats {
  ms: number;
  registered: number;
  /** Final statuses other than 200, by status (0: no answer). */
  failed: Record<string, number>;
}

export type ToSipWorker =
  | { kind: 'setup'; platform: SipPlatform; nvrs: LoadNvr[] }
  | { kind: 'register'; concurrency: number }
  | { kind: 'run'; phase: SipPhase }
  | { kind: 'counters' }
  | { kind: 'stop' };

export type FromSipWorker =
  | { kind: 'ready'; devices: number }
  | { kind: 'registered'; stats: SipRegisterStats }
  | { kind: 'progress'; stats: SipPhaseStats }
  | { kind: 'done'; stats: SipPhaseStats }
  | { kind: 'counters'; counters: SipDeviceCounters }
  | { kind: 'failed'; error: string };

type Answer<K extends FromSipWorker['kind']> = Extract<FromSipWorker, { kind: K }>;

export class SipLoad {
  latest: SipPhaseStats | null = null;
  private readonly waiting = new Map<string, { resolve(message: FromSipWorker): void; reject(error: Error): void }>();
  private firstProc: ProcReading | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('error', (error) => console.warn(`  SIP generator: ${error.message}`));
    child.on('message', (message: FromSipWorker) => {
      if (message.kind === 'progress') {
        this.latest = message.stats;
        return;
      }
      if (message.kind === 'done') this.latest = message.stats;
      const key = message.kind === 'failed' ? [...this.waiting.keys()][0] : message.kind;
      const waiter = key === undefined ? undefined : this.waiting.get(key);
      if (!waiter || key === undefined) return;
      this.waiting.delete(key);
      if (message.kind === 'failed') waiter.reject(new Error(`SIP generator: ${message.error}`));
      else waiter.resolve(message);
    });
    child.once('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the SIP generator exited with code ${code}`));
      this.waiting.clear();
    });
  }

  /** Forks the generator and opens its devices' sockets. */
  static async start(platform: SipPlatform, nvrs: LoadNvr[]): Promise<SipLoad> {
    const child = fork(workerFile, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(child);
    const load = new SipLoad(child);
    await load.ask({ kind: 'setup', platform, nvrs }, 'ready');
    return load;
  }

  /** Registers every device, `concurrency` at a time. */
  async register(concurrency: number): Promise<SipRegisterStats> {
    return (await this.ask({ kind: 'register', concurrency }, 'registered')).stats;
  }

  /** Runs one phase of keepalives to its end. */
  async run(phase: SipPhase): Promise<SipPhaseStats> {
    this.firstProc = this.child.pid === undefined ? null : readProc(this.child.pid);
    return (await this.ask({ kind: 'run', phase }, 'done')).stats;
  }

  async counters(): Promise<SipDeviceCounters> {
    return (await this.ask({ kind: 'counters' }, 'counters')).counters;
  }

  /** The generator's CPU since the phase began, as a fraction of one core. */
  cpu(): number {
    const now = this.child.pid === undefined ? null : readProc(this.child.pid);
    if (!now || !this.firstProc) return Number.NaN;
    return (now.cpuSeconds - this.firstProc.cpuSeconds) / ((now.at - this.firstProc.at) / 1000);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ kind: 'stop' } satisfies ToSipWorker);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  private ask<K extends FromSipWorker['kind']>(message: ToSipWorker, answer: K): Promise<Answer<K>> {
    return new Promise((resolve, reject) => {
      this.waiting.set(answer, { resolve: (m) => resolve(m as Answer<K>), reject });
      this.child.send(message);
    });
  }
}
