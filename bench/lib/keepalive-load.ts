import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, KeepaliveConfig, KeepaliveStats, ToWorker } from './keepalive-protocol.js';
import { track } from './children.js';
import { readProc, type ProcReading } from './proc.js';

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keepalive-worker.ts');

/** The keepalive generator process, seen from the bench: start, latest figures, stop. */
export class KeepaliveLoad {
  latest: KeepaliveStats | null = null;
  private final: Promise<KeepaliveStats>;
  private firstProc: ProcReading | null = null;

  private constructor(private readonly child: ChildProcess) {
    // A message to a generator that has just exited fails with EPIPE: its exit is what counts
    // (handled below), not an unhandled 'error' that would end the whole bench.
    child.on('error', (error) => console.warn(`  keepalive generator: ${error.message}`));
    this.final = new Promise((resolve, reject) => {
      child.on('message', (message: FromWorker) => {
        if (message.kind === 'stats') this.latest = message.stats;
        if (message.kind === 'done') {
          this.latest = message.stats;
          resolve(message.stats);
        }
      });
      child.once('exit', (code) => {
        if (this.latest) resolve(this.latest);
        else reject(new Error(`the keepalive generator exited with code ${code}`));
      });
    });
    this.final.catch(() => undefined);
  }

  /** Forks the generator and resolves once it has read its camera ids and started sending. */
  static async start(config: KeepaliveConfig): Promise<KeepaliveLoad> {
    const child = fork(workerFile, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(child);
    const load = new KeepaliveLoad(child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.kind === 'ready') {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`the keepalive generator exited with code ${code} before it started`)));
      child.send({ kind: 'start', config } satisfies ToWorker);
    });
    load.firstProc = child.pid === undefined ? null : readProc(child.pid);
    return load;
  }

  /** The generator's own CPU use since it started sending, as a fraction of one core: near 1 means it is the bottleneck. */
  cpu(): number {
    const now = this.child.pid === undefined ? null : readProc(this.child.pid);
    if (!now || !this.firstProc) return Number.NaN;
    return (now.cpuSeconds - this.firstProc.cpuSeconds) / ((now.at - this.firstProc.at) / 1000);
  }

  /** Resolves with its final figures when it stops by itself (its duration is up). */
  done(): Promise<KeepaliveStats> {
    return this.final;
  }

  /** Asks it to stop; resolves with its final figures once its requests in flight are answered. */
  async stop(): Promise<KeepaliveStats> {
    if (this.child.connected) this.child.send({ kind: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    try {
      return await this.final;
    } finally {
      clearTimeout(timer);
    }
  }
}
