import { buildClusterLevels, CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX, type ClusterLevel, type ClusterRequest } from './school-cluster-build.js';

/**
 * The school-cluster worker's head start. As the page starts, it fetches the schools' points
 * (`GET /wall/school-points`: float64 `[lng, lat]` pairs in the order the page will put the
 * registry's parts together; 0.8 MB at province scale, no parse) before the registry itself, and
 * hands them to the worker, which builds their clusters at once, on its own thread, while the page
 * is still downloading and reading the registry (at province scale the build took ≈ 0.6 s after
 * the page asked for it, and the first paint waited for it). When the page then asks for the same
 * points, the levels are ready; for any other points (another screen's, a registry that changed
 * in between) they are built as before. Like the worker's build, no zod here: the messages are
 * checked by hand.
 */

/** The page's message with the schools' points, clustered as a map layer asks (CLUSTER_RADIUS_PX, CLUSTER_MAX_ZOOM). */
export interface ClusterPoints {
  points: ArrayBuffer;
}

/** The points of a points message, or null for any other message. */
export function readClusterPoints(data: unknown): ArrayBuffer | null {
  if (typeof data !== 'object' || data === null) return null;
  const { points } = data as Partial<Record<keyof ClusterPoints, unknown>>;
  return points instanceof ArrayBuffer ? points : null;
}

/** The same points, in the same order, clustered the same way. */
function sameRequest(a: ClusterRequest, b: ClusterRequest): boolean {
  if (a.radius !== b.radius || a.maxZoom !== b.maxZoom || a.coords.length !== b.coords.length) return false;
  for (let i = 0; i < a.coords.length; i++) if (a.coords[i] !== b.coords[i]) return false;
  return true;
}

export class ClusterHeadStart {
  private ahead: { request: ClusterRequest; levels: ClusterLevel[] } | null = null;
  /** A request with points has come: points offered later are too late to help. */
  private asked = false;

  constructor(private readonly build: (request: ClusterRequest) => ClusterLevel[] = buildClusterLevels) {}

  /** Builds the levels of points offered ahead of the request; returns whether it did. */
  offer(points: ArrayBuffer): boolean {
    if (this.asked || points.byteLength % 16 !== 0) return false;
    const request = { coords: new Float64Array(points), radius: CLUSTER_RADIUS_PX, maxZoom: CLUSTER_MAX_ZOOM };
    this.ahead = { request, levels: this.build(request) };
    return true;
  }

  /**
   * The levels for a request: those built ahead when its points are the same (once: their arrays
   * are handed over), else built now. A request with no points (a map mounted before the
   * registry came) leaves the head start alone. `ahead` tells which it was.
   */
  levelsFor(request: ClusterRequest): { levels: ClusterLevel[]; ahead: boolean } {
    if (request.coords.length === 0) return { levels: this.build(request), ahead: false };
    this.asked = true;
    const ahead = this.ahead;
    this.ahead = null;
    return ahead && sameRequest(ahead.request, request) ? { levels: ahead.levels, ahead: true } : { levels: this.build(request), ahead: false };
  }
}
