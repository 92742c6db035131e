import Supercluster from 'supercluster';
import { statusRank, worseStatus, type LatLng, type SchoolStatus } from '../shared/domain/index.js';

/**
 * Grouping of schools into map clusters when zoomed out (supercluster), with each cluster taking
 * the status of its worst member. The geometry is computed once per zoom level; a status change
 * only re-reads the schools that are not normal, so one red school never waits for a re-cluster.
 */

/** Cluster radius in screen pixels, and the last zoom that still clusters (streets are drawn school by school). */
export const CLUSTER_RADIUS_PX = 56;
export const CLUSTER_MAX_ZOOM = 12;

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

/** What one zoom level looks like: the clusters, and which school belongs to which. */
interface ZoomLevel {
  zoom: number;
  clusters: Omit<SchoolCluster, 'worst' | 'counts' | 'flagged'>[];
  clusterOf: Map<string, number>;
}

/** `[west, south, east, north]` in degrees. */
export type Bounds = [number, number, number, number];

/** Each cluster carries its members' ids, merged as supercluster builds the levels. */
interface Members {
  members: string[];
}

const WORLD: Bounds = [-180, -85, 180, 85];

function emptyCounts(): Record<SchoolStatus, number> {
  return { alarm: 0, drill: 0, warning: 0, fault: 0, normal: 0 };
}

function inside(point: LatLng, [west, south, east, north]: Bounds): boolean {
  return point.lng >= west && point.lng <= east && point.lat >= south && point.lat <= north;
}

/** Clusters of a fixed set of schools; build a new one when the registry changes. */
export class SchoolClusterIndex {
  private readonly index: Supercluster<{ schoolId: string }, Members>;
  private level: ZoomLevel | null = null;

  constructor(points: readonly ClusterPoint[], options: { radius?: number; maxZoom?: number } = {}) {
    this.index = new Supercluster<{ schoolId: string }, Members>({
      radius: options.radius ?? CLUSTER_RADIUS_PX,
      maxZoom: options.maxZoom ?? CLUSTER_MAX_ZOOM,
      // 256-px tiles, as Leaflet's zoom levels are.
      extent: 256,
      // Membership rides along with the build: no getLeaves walk (seconds at 50,000 schools) later.
      map: (point) => ({ members: [point.schoolId] }),
      // A fresh array: the accumulator is a shallow copy of a child's properties, which must stay as they are.
      reduce: (accumulated, child) => {
        accumulated.members = accumulated.members.concat(child.members);
      },
    });
    this.index.load(points.map((point) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [point.lng, point.lat] }, properties: { schoolId: point.id } })));
  }

  /** Cluster membership at a (possibly fractional) zoom; computed once per whole zoom level. */
  private levelAt(zoom: number): ZoomLevel {
    const whole = Math.floor(zoom);
    if (this.level?.zoom === whole) return this.level;
    const clusters: ZoomLevel['clusters'] = [];
    const clusterOf = new Map<string, number>();
    for (const feature of this.index.getClusters(WORLD, whole)) {
      const properties = feature.properties;
      if (!('cluster' in properties)) continue;
      const [lng = 0, lat = 0] = feature.geometry.coordinates;
      const id = properties.cluster_id;
      clusters.push({ id, lat, lng, count: properties.point_count });
      for (const schoolId of properties.members) clusterOf.set(schoolId, id);
    }
    this.level = { zoom: whole, clusters, clusterOf };
    return this.level;
  }

  /** The zoom at which a cluster splits up (where a click on it zooms to). */
  expansionZoom(clusterId: number): number {
    return this.index.getClusterExpansionZoom(clusterId);
  }

  /** Whether a school is inside a cluster at this zoom (and so not drawn on its own). */
  clusteredIds(zoom: number): ReadonlySet<string> {
    return new Set(this.levelAt(zoom).clusterOf.keys());
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
      const clusterId = level.clusterOf.get(schoolId);
      if (clusterId === undefined || status === 'normal') continue;
      const list = flaggedBy.get(clusterId) ?? [];
      list.push({ schoolId, status });
      flaggedBy.set(clusterId, list);
    }
    return level.clusters
      .filter((cluster) => inside(cluster, bounds))
      .map((cluster) => {
        const flagged = (flaggedBy.get(cluster.id) ?? []).sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.schoolId.localeCompare(b.schoolId));
        const counts = emptyCounts();
        for (const { status } of flagged) counts[status] += 1;
        counts.normal = cluster.count - flagged.length;
        const worst = flagged.reduce<SchoolStatus>((acc, { status }) => worseStatus(acc, status), 'normal');
        return { ...cluster, worst, counts, flagged };
      });
  }
}

/** Draw order: normal clusters first, the worst last (on top). */
export function compareClustersForDrawing(a: SchoolCluster, b: SchoolCluster): number {
  return statusRank(b.worst) - statusRank(a.worst) || a.count - b.count;
}
