import { statusRank, worseStatus, type LatLng, type SchoolStatus } from '../shared/domain/index.js';
import { buildClusterLevels, CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX, clusterReplySchema, type ClusterLevel } from './school-cluster-levels.js';
import { takeClusterWorker } from './cluster-worker-start.js';

/**
 * Grouping of schools into map clusters when zoomed out (supercluster), with each cluster taking
 * the status of its worst member. The geometry of every zoom level is built once, in a Web Worker
 * (`clusterIndexOffThread`); a status change only re-reads the schools that are not normal, so
 * one red school never waits for a re-cluster.
 */

export { CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX };

/** A school to cluster. */
export interface ClusterPoint extends LatLng {
  id: string;
}

/** Several schools drawn as one bubble at their centre. */
export interface SchoolCluster extends LatLng {
  /** supercluster's id: unique across zoom levels. */
  id: number;
  count: number;
  /** The worst member's status: the cluster's colour. */
  worst: SchoolStatus;
  counts: Record<SchoolStatus, number>;
  /** Members that are not normal, worst first: what the cluster must never hide. */
  flagged: { schoolId: string; status: SchoolStatus }[];
}

/** `[west, south, east, north]` in degrees. */
export type Bounds = [number, number, number, number];

const WORLD: Bounds = [-180, -85, 180, 85];
const NO_LEVEL: ClusterLevel = { zoom: Number.POSITIVE_INFINITY, clusters: [], memberOf: new Int32Array(0) };

function emptyCounts(): Record<SchoolStatus, number> {
  return { alarm: 0, drill: 0, warning: 0, fault: 0, normal: 0 };
}

function inside(point: LatLng, [west, south, east, north]: Bounds): boolean {
  return point.lng >= west && point.lng <= east && point.lat >= south && point.lat <= north;
}

function coordsOf(points: readonly ClusterPoint[]): Float64Array<ArrayBuffer> {
  const coords = new Float64Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    coords[2 * i] = points[i]?.lng ?? 0;
    coords[2 * i + 1] = points[i]?.lat ?? 0;
  }
  return coords;
}

/** Clusters of a fixed set of schools; build a new one when the registry changes. */
export class SchoolClusterIndex {
  private readonly levels: readonly ClusterLevel[];
  private readonly indexOf: Map<string, number>;

  /** Builds the levels here (on this thread) unless `levels` were built elsewhere for the same points. */
  constructor(points: readonly ClusterPoint[], options: { radius?: number; maxZoom?: number; levels?: readonly ClusterLevel[] } = {}) {
    this.levels = options.levels ?? buildClusterLevels({ coords: coordsOf(points), radius: options.radius ?? CLUSTER_RADIUS_PX, maxZoom: options.maxZoom ?? CLUSTER_MAX_ZOOM });
    this.indexOf = new Map();
    for (let i = 0; i < points.length; i++) this.indexOf.set(points[i]?.id ?? '', i);
  }

  /** The whole zoom level a (possibly fractional) zoom draws; past the last clustered zoom, none. */
  private levelAt(zoom: number): ClusterLevel {
    return this.levels[Math.max(0, Math.floor(zoom))] ?? NO_LEVEL;
  }

  /** The zoom at which a cluster splits up (where a click on it zooms to). */
  expansionZoom(clusterId: number): number {
    for (const level of this.levels) {
      const cluster = level.clusters.find((candidate) => candidate.id === clusterId);
      if (cluster) return cluster.expansionZoom;
    }
    return CLUSTER_MAX_ZOOM + 1;
  }

  /** Whether a school is inside a cluster at this zoom (and so not drawn on its own), as a test. */
  isClustered(zoom: number): (schoolId: string) => boolean {
    const { memberOf } = this.levelAt(zoom);
    return (schoolId) => {
      const i = this.indexOf.get(schoolId);
      return i !== undefined && (memberOf[i] ?? -1) >= 0;
    };
  }

  /** Of `points` (the ones the index was built from, same order), those on their own at this zoom: the dots to draw. */
  singles<T>(zoom: number, points: readonly T[]): T[] {
    const { memberOf } = this.levelAt(zoom);
    return points.filter((_, i) => (memberOf[i] ?? -1) < 0);
  }

  /** The schools inside a cluster at this zoom. */
  clusteredIds(zoom: number): ReadonlySet<string> {
    const { memberOf } = this.levelAt(zoom);
    return new Set([...this.indexOf].filter(([, i]) => (memberOf[i] ?? -1) >= 0).map(([id]) => id));
  }

  /**
   * The clusters at `zoom` (within `bounds`, if given), each coloured by its worst member.
   * `flaggedStatuses` are the schools that are not normal (every other school is normal), so
   * the cost of a status change follows them and the clusters in view, not the whole city.
   */
  clusters(zoom: number, flaggedStatuses: Iterable<[schoolId: string, status: SchoolStatus]>, bounds: Bounds = WORLD): SchoolCluster[] {
    const level = this.levelAt(zoom);
    const flaggedBy = new Map<number, { schoolId: string; status: SchoolStatus }[]>();
    for (const [schoolId, status] of flaggedStatuses) {
      const i = this.indexOf.get(schoolId);
      const clusterIndex = i === undefined ? -1 : (level.memberOf[i] ?? -1);
      if (clusterIndex < 0 || status === 'normal') continue;
      const list = flaggedBy.get(clusterIndex) ?? [];
      list.push({ schoolId, status });
      flaggedBy.set(clusterIndex, list);
    }
    const shown: SchoolCluster[] = [];
    level.clusters.forEach(({ id, lat, lng, count }, clusterIndex) => {
      if (!inside({ lat, lng }, bounds)) return;
      const flagged = (flaggedBy.get(clusterIndex) ?? []).sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.schoolId.localeCompare(b.schoolId));
      const counts = emptyCounts();
      for (const { status } of flagged) counts[status] += 1;
      counts.normal = count - flagged.length;
      const worst = flagged.reduce<SchoolStatus>((acc, { status }) => worseStatus(acc, status), 'normal');
      shown.push({ id, lat, lng, count, worst, counts, flagged });
    });
    return shown;
  }
}

/**
 * Builds cluster indexes with their levels computed in a Web Worker: the page's thread only sends
 * the coordinates and indexes the answer. Start it before the schools arrive (the worker's script
 * then loads while the snapshot downloads). Where no worker can run (tests, an old browser) or it
 * fails, the levels are built on the page instead.
 */
export class ClusterWorker {
  private worker: Worker | null = null;
  private asked = 0;
  private readonly waiting = new Map<number, (levels: readonly ClusterLevel[] | null) => void>();

  /** `worker`: one started ahead (cluster-worker-start.ts); null: build on the page. */
  constructor(worker: Worker | null = takeClusterWorker()) {
    if (!worker) return;
    this.worker = worker;
    this.worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      performance.mark('xiaoan:clusters-answered');
      const reply = clusterReplySchema.safeParse(event.data);
      if (!reply.success) return void console.warn('school clusters: an answer of the worker does not fit', reply.error.issues);
      this.waiting.get(reply.data.request)?.(reply.data.levels);
      this.waiting.delete(reply.data.request);
    });
    this.worker.addEventListener('error', (error) => {
      console.warn('school clusters: the worker failed, building them on the page', error.message);
      this.stop();
    });
  }

  build(points: readonly ClusterPoint[]): Promise<SchoolClusterIndex> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(new SchoolClusterIndex(points));
    const request = ++this.asked;
    const coords = coordsOf(points);
    return new Promise((resolve) => {
      this.waiting.set(request, (levels) => resolve(new SchoolClusterIndex(points, levels ? { levels } : {})));
      worker.postMessage({ request, coords, radius: CLUSTER_RADIUS_PX, maxZoom: CLUSTER_MAX_ZOOM }, [coords.buffer]);
      // Marks for the map bench's reading of a load (bench/map-tasks.ts): when the page asked, and was answered.
      performance.mark('xiaoan:clusters-asked');
    });
  }

  /** Ends the worker; builds still waiting are done on the page. */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const answer of this.waiting.values()) answer(null);
    this.waiting.clear();
  }
}

/** Draw order: normal clusters first, the worst last (on top). */
export function compareClustersForDrawing(a: SchoolCluster, b: SchoolCluster): number {
  return statusRank(b.worst) - statusRank(a.worst) || a.count - b.count;
}
