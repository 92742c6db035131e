import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The ingest token every system started here accepts. */
export const SYSTEM_TOKEN = 'system-test-token';

/** A port nobody uses right now (the launcher cannot report back an ephemeral one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The whole system as `npm start` runs it (bin/xiaoan.ts), in a child process of its own. */
export interface RunningSystem {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything it printed. */
  log(): string;
  /** SIGKILL: no shutdown hooks, as a crash or a power cut. */
  kill(): Promise<void>;
}

/**
 * Starts bin/xiaoan.ts with node --import tsx (not npx, so a SIGKILL reaches the server itself),
 * without the simulator unless `env` turns it on, and waits until `GET /api/v1/health` answers.
 */
export async function startSystem(options: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<RunningSystem> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'xiaoan-system-'));
  const port = options.port ?? (await freePort());
  let output = '';
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
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the system exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the system did not answer in 120 s:\n${output}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    dataDir,
    process: child,
    log: () => output,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
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
