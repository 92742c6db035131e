import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../bin/cluster-procs.js';
import { faketimeAvailable, shanghaiInstant } from '../helpers/system.js';

const runs = faketimeAvailable() && spawnSync('faketime', ['--help']).error === undefined;

/**
 * Under libfaketime's start-at form (CI's suites at a pinned hour, or `faketime -f '@…' npm run
 * cluster` to look at a gate peak) a new process starts the clock at that instant again. A node
 * started or restarted later then lives in the past beside the other node and the shared last-seen
 * times look stale to it: the failover suite saw every camera declared offline. Nodes go on from
 * the launcher's running clock instead.
 */
describe.runIf(runs)('a node started under faketime', () => {
  it('runs on the clock of the process that started it, not from the pinned instant again', () => {
    const pinned = shanghaiInstant('2026-12-07T07:35:00');
    const at = new Date(pinned).toISOString().replace('T', ' ').slice(0, 19);
    // The start-at instant is read in the machine's zone: UTC here, as TZ says.
    // The launcher is itself a later child, as a test worker is: started 1 s after the first
    // process, its clock began at the pinned instant again.
    const launcher = `sleep 1; exec ${JSON.stringify(process.execPath)} --import tsx tests/helpers/clock-launcher.ts`;
    const run = spawnSync('faketime', ['-f', `@${at}`, 'bash', '-c', launcher], {
      cwd: repoRoot,
      env: { ...process.env, TZ: 'UTC', XIAOAN_CLOCK_WAIT_MS: '2000' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const clocks = Object.fromEntries(run.stdout.trim().split('\n').map((line) => line.split(' ')).map(([name, ms]) => [name, Number(ms)]));
    // The launcher's clock ran on from the pinned instant while it waited…
    expect(clocks.before! - pinned).toBeGreaterThanOrEqual(1900);
    // …and the node's, started after the wait, is on it (between the launcher's readings before and
    // after): not back at the pinned instant, nor on the first process's clock (1 s ahead).
    expect(clocks.node).toBeGreaterThanOrEqual(clocks.before!);
    expect(clocks.node).toBeLessThanOrEqual(clocks.after!);
  });
});
