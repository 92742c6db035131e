/**
 * Run under `faketime -f '@…'` by tests/integration/cluster-clock.test.ts: waits, starts a node the
 * way `npm run cluster` and the failover test do (spawnNode, its output on ours), and prints the
 * clocks, one line each: `before <ms>` (the launcher's, as it starts the node), `node <ms>` from
 * the node, `after <ms>` (the launcher's, once the node has ended).
 * With XIAOAN_CLOCK_CHILD set it is that node: it prints its clock and ends.
 */
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../../bin/cluster-procs.js';

if (process.env.XIAOAN_CLOCK_CHILD) {
  process.stdout.write(`node ${Date.now()}\n`);
} else {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.XIAOAN_CLOCK_WAIT_MS ?? 2000)));
  process.stdout.write(`before ${Date.now()}\n`);
  await spawnNode({ name: 'clock', port: 0, entry: fileURLToPath(import.meta.url), env: { XIAOAN_CLOCK_CHILD: '1' }, logFile: null }).gone;
  process.stdout.write(`after ${Date.now()}\n`);
}
