import { buildClusterLevels, clusterRequestSchema } from './school-cluster-levels.js';

/** Builds the school clusters off the page's thread (see school-cluster-levels.ts) and hands the levels back, their arrays moved, not copied. */
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const levels = buildClusterLevels(clusterRequestSchema.parse(event.data));
  self.postMessage({ levels }, { transfer: levels.map((level) => level.memberOf.buffer) });
});
