import type { ChildProcess } from 'node:child_process';

/** Child processes the bench started (servers, load generators): ended with it, whatever way it ends. */
const live = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bench and its child processes`);
    killAll();
    process.exit(130);
  });
}
