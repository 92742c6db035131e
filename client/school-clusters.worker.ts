import { buildClusterLevels, readClusterWorkerRequest } from './school-cluster-build.js';

/** Builds the school clusters off the page's thread (see school-cluster-build.ts) and hands the levels back, their arrays moved, not copied. */
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  // Marks for the map bench's reading of a load (bench/map-tasks.ts prints a worker's marks).
  performance.mark('xiaoan:worker-asked');
  const request = readClusterWorkerRequest(event.data);
  const levels = buildClusterLevels(request);
  performance.mark('xiaoan:worker-built');
  self.postMessage({ request: request.request, levels }, { transfer: levels.map((level) => level.memberOf.buffer) });
  performance.mark('xiaoan:worker-answered');
});
