import { readClusterWorkerRequest } from './school-cluster-build.js';
import { ClusterHeadStart, readClusterPoints } from './school-cluster-head-start.js';

const headStart = new ClusterHeadStart();

/**
 * Builds the school clusters off the page's thread (see school-cluster-build.ts) and hands the
 * levels back, their arrays moved, not copied. The page may first send the schools' points: their
 * levels are then built ahead (school-cluster-head-start.ts).
 */
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  // Marks for the map bench's reading of a load (bench/map-tasks.ts prints a worker's marks).
  const points = readClusterPoints(event.data);
  if (points) {
    performance.mark('xiaoan:worker-points');
    if (headStart.offer(points)) performance.mark('xiaoan:worker-built-ahead');
    return;
  }
  performance.mark('xiaoan:worker-asked');
  const request = readClusterWorkerRequest(event.data);
  const { levels, ahead } = headStart.levelsFor(request);
  performance.mark(ahead ? 'xiaoan:worker-built-was-ahead' : 'xiaoan:worker-built');
  self.postMessage({ request: request.request, levels }, { transfer: levels.map((level) => level.memberOf.buffer) });
  performance.mark('xiaoan:worker-answered');
});
