import Supercluster from 'supercluster';

/**
 * The geometry of school clusters at every zoom level, built in one go (supercluster), so that it
 * can run in a Web Worker (school-clusters.worker.ts) and reach the page as plain data: at
 * province scale (50,000 schools) the build is the part of the map's load that would otherwise
 * freeze the page. Points are given and answered by their index, not by id: the message stays
 * two typed arrays and a few thousand small objects. No zod here: this module is the worker's
 * whole script, and it must start fast (the page checks the answers: school-cluster-levels.ts).
 */

/** Cluster radius in screen pixels, and the last zoom that still clusters (streets are drawn school by school). */
export const CLUSTER_RADIUS_PX = 56;
export const CLUSTER_MAX_ZOOM = 12;

/** One cluster of a level: supercluster's id (unique across levels), centre, size, and the zoom at which it splits. */
export interface ClusterGeometry {
  id: number;
  lat: number;
  lng: number;
  count: number;
  expansionZoom: number;
}

/** One whole zoom level: its clusters, and for each point the index of its cluster there (-1: on its own). */
export interface ClusterLevel {
  zoom: number;
  clusters: ClusterGeometry[];
  memberOf: Int32Array;
}

/** What the page asks the worker: points as `[lng0, lat0, lng1, lat1, …]`. */
export interface ClusterRequest {
  coords: Float64Array;
  radius: number;
  maxZoom: number;
}

/** A numbered request to the worker; its answer carries the same number. */
export interface ClusterWorkerRequest extends ClusterRequest {
  request: number;
}

/** A message to the worker as a request, or an error saying what is wrong with it. */
export function readClusterWorkerRequest(data: unknown): ClusterWorkerRequest {
  const message = (typeof data === 'object' && data !== null ? data : {}) as Partial<Record<keyof ClusterWorkerRequest, unknown>>;
  const { request, coords, radius, maxZoom } = message;
  if (typeof request !== 'number' || !(coords instanceof Float64Array) || typeof radius !== 'number' || typeof maxZoom !== 'number' || coords.length % 2 !== 0) {
    throw new TypeError('school clusters: a request needs a number, coordinates as a Float64Array of [lng, lat] pairs, a radius and a last zoom');
  }
  return { request, coords, radius, maxZoom };
}

const WORLD: [number, number, number, number] = [-180, -85, 180, 85];

/** A cluster's members while the index is built. */
interface Members {
  members: number[];
}

/** Levels 0 … maxZoom for the points `coords` (`[lng, lat, …]`). */
export function buildClusterLevels({ coords, radius, maxZoom }: ClusterRequest): ClusterLevel[] {
  const count = coords.length / 2;
  // Accumulators whose array is their own (a flag on the object would be copied to its parent's).
  const owning = new WeakSet<Members>();
  const index = new Supercluster<{ i: number }, Members>({
    radius,
    maxZoom,
    // 256-px tiles, as Leaflet's zoom levels are.
    extent: 256,
    // Membership rides along with the build: no getLeaves walk (seconds at 50,000 schools) later.
    map: (point) => ({ members: [point.i] }),
    // The accumulator starts as a shallow copy of one child's properties, whose array must stay as
    // it is (that child is read at its own zoom): copied once, then appended to. A concat per child
    // copied a growing array once per child.
    reduce: (accumulated, child) => {
      if (!owning.has(accumulated)) {
        accumulated.members = accumulated.members.slice();
        owning.add(accumulated);
      }
      const into = accumulated.members;
      for (const member of child.members) into.push(member);
    },
  });
  const features = Array.from({ length: count }, (_, i) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [coords[2 * i] ?? 0, coords[2 * i + 1] ?? 0] }, properties: { i } }));
  index.load(features);
  const levels: ClusterLevel[] = [];
  /** The deepest zoom at which each cluster id is still drawn whole. */
  const lastZoomOf = new Map<number, number>();
  for (let zoom = 0; zoom <= maxZoom; zoom++) {
    const clusters: ClusterGeometry[] = [];
    const memberOf = new Int32Array(count).fill(-1);
    for (const feature of index.getClusters(WORLD, zoom)) {
      const properties = feature.properties;
      if (!('cluster' in properties)) continue;
      const [lng = 0, lat = 0] = feature.geometry.coordinates;
      for (const member of properties.members) memberOf[member] = clusters.length;
      clusters.push({ id: properties.cluster_id, lat, lng, count: properties.point_count, expansionZoom: 0 });
      lastZoomOf.set(properties.cluster_id, zoom);
    }
    levels.push({ zoom, clusters, memberOf });
  }
  // A cluster keeps its id at every zoom until it splits (supercluster carries an unmerged one up
  // as it is), so it splits one zoom past the last level that holds it: supercluster's
  // getClusterExpansionZoom without its tree walk per cluster (most of the build at province scale).
  for (const level of levels) for (const cluster of level.clusters) cluster.expansionZoom = (lastZoomOf.get(cluster.id) ?? level.zoom) + 1;
  return levels;
}
