import { buildClusterLevels, clusterWorkerRequestSchema } from './school-cluster-levels.js';

/** Builds the school clusters off the page's thread (see school-cluster-levels.ts) and hands the levels back, their arrays moved, not copied. */
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = clusterWorkerRequestSchema.parse(event.data);
  const levels = buildClusterLevels(request);
  self.postMessage({ request: request.request, levels }, { transfer: levels.map((level) => level.memberOf.buffer) });
});
