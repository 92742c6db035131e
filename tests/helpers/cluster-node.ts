/**
 * One node of the cluster suites and the cluster benchmark, run as its own process
 * (`node --import tsx tests/helpers/cluster-node.ts`, tests/helpers/cluster.ts): the real server
 * configured from its environment like bin/xiaoan.ts, seeded on a first start with
 * `clusterDataset` (XIAOAN_CLUSTER_SCHOOLS × XIAOAN_CLUSTER_CAMERAS), without the simulator.
 */
import { z } from 'zod';
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/index.js';
import { clusterDataset } from './cluster-dataset.js';

const size = z
  .object({ XIAOAN_CLUSTER_SCHOOLS: z.coerce.number().int().min(1).max(5000).default(20), XIAOAN_CLUSTER_CAMERAS: z.coerce.number().int().min(1).max(50).default(5) })
  .parse(process.env);

const config = loadConfig();
const server = await startServer(config, { seed: () => clusterDataset(size.XIAOAN_CLUSTER_SCHOOLS, size.XIAOAN_CLUSTER_CAMERAS) });
console.log(`cluster node listening on ${server.url}`);
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
