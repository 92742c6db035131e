import { REGISTRY_SLICES } from '../shared/wall-registry.js';
import { routeLink } from './api.js';
import type { ClusterPoints } from './school-cluster-head-start.js';

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

/**
 * Starts the worker ahead of the map that will use it, and fetches the schools' points for it
 * before the wall asks for its data: the worker builds their clusters while the page reads the
 * registry (school-cluster-head-start.ts). Signed out, or any failure: the map asks as before.
 */
export function prestartClusterWorker(): void {
  if (early) return;
  const worker = startClusterWorker();
  early = worker;
  if (worker) sendPoints(worker);
}

/** The workers that have their points (a signed-out page's fetch is refused: asked again at sign-in). */
const pointsGiven = new WeakSet<Worker>();

function sendPoints(worker: Worker): void {
  fetch(routeLink('wall.schoolPoints', { query: { slices: REGISTRY_SLICES } }), { credentials: 'same-origin' })
    .then((answer) => (answer.ok ? answer.arrayBuffer() : null))
    .then((points) => {
      if (!points || pointsGiven.has(worker)) return;
      pointsGiven.add(worker);
      const message: ClusterPoints = { points };
      worker.postMessage(message, [points]);
    })
    .catch(() => undefined);
}

/**
 * A page that signs in after its boot (the kiosk, by its link) had its points refused at the boot:
 * asked again once signed in, as the screen asks for its data, the worker still builds the
 * clusters while the page reads the registry (province scale: ≈ 340 ms of the kiosk's first paint).
 */
export function headStartAfterSignIn(): void {
  if (early && !pointsGiven.has(early)) sendPoints(early);
}

/** The worker started ahead, or a new one; each worker goes to one map layer. */
export function takeClusterWorker(): Worker | null {
  const worker = early ?? startClusterWorker();
  early = null;
  return worker;
}
