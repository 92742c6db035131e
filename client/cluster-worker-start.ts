/**
 * The school-cluster worker's start. A map screen's page starts it as it boots (`prestartClusterWorker`,
 * from `prefetchScreen`), so its script is loaded and compiled before the schools arrive: started
 * with the map layer, at province scale on a busy 2-core machine it was still loading when the
 * page asked it for the clusters, and the first paint waited for it.
 */

let early: Worker | null = null;

/** A new worker, or null where none can run (tests, an old browser): the page then builds the clusters itself. */
export function startClusterWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./school-clusters.worker.ts', import.meta.url), { type: 'module' });
  } catch (error) {
    console.warn('school clusters: no worker, building them on the page', error);
    return null;
  }
}

/** Starts the worker ahead of the map that will use it. */
export function prestartClusterWorker(): void {
  early ??= startClusterWorker();
}

/** The worker started ahead, or a new one; each worker goes to one map layer. */
export function takeClusterWorker(): Worker | null {
  const worker = early ?? startClusterWorker();
  early = null;
  return worker;
}
