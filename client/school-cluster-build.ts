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

/** A cluster's members while the index is built (the fallback's way). */
interface Members {
  members: number[];
}

/** The points as the GeoJSON features supercluster loads. */
function featuresOf(coords: Float64Array): { type: 'Feature'; geometry: { type: 'Point'; coordinates: number[] }; properties: { i: number } }[] {
  return Array.from({ length: coords.length / 2 }, (_, i) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [coords[2 * i] ?? 0, coords[2 * i + 1] ?? 0] }, properties: { i } }));
}

/** A cluster splits one zoom past the last level that holds its id (supercluster carries an unmerged one up as it is). */
function setExpansionZooms(levels: ClusterLevel[]): ClusterLevel[] {
  const lastZoomOf = new Map<number, number>();
  for (const level of levels) for (const cluster of level.clusters) lastZoomOf.set(cluster.id, level.zoom);
  for (const level of levels) for (const cluster of level.clusters) cluster.expansionZoom = (lastZoomOf.get(cluster.id) ?? level.zoom) + 1;
  return levels;
}

/**
 * supercluster 9's trees as it keeps them: per zoom a KD-tree whose `data` holds, per item,
 * `[x, y, zoom, id, parent, count]` (x and y fixed-point mercator); a point's id is its index, a
 * cluster's its cluster id; `parent` is the cluster that took the item in at the next zoom out.
 */
interface SuperclusterTrees {
  trees: ({ data: Int32Array; numItems: number } | undefined)[];
  stride: number;
}
const ITEM = { x: 0, y: 1, id: 3, parent: 4, count: 5 } as const;
/** supercluster's fixed-point coordinates: `(c − 0.5) · 2^30`. */
const FIXED_POINT = 0x40000000;

/**
 * Every level read from supercluster's own trees, each point followed up the zooms through its
 * items' parents: no GeoJSON feature per cluster and point per zoom (≈ 13 × 50,000 objects at
 * province scale) and no member lists. Null when the trees are not as expected (another version
 * of supercluster): the caller then builds from the features.
 */
export function levelsFromTrees(index: unknown, count: number, maxZoom: number): ClusterLevel[] | null {
  const { trees, stride } = index as Partial<SuperclusterTrees>;
  if (!Array.isArray(trees) || trees.length !== maxZoom + 2 || stride !== 6) return null;
  if (!trees.every((tree) => tree?.data instanceof Int32Array && Number.isInteger(tree.numItems))) return null;
  /** The item holding each point at the current zoom: a cluster id (≥ 0), or −(point + 1) while on its own. */
  const itemOf = new Int32Array(count);
  for (let p = 0; p < count; p++) itemOf[p] = -(p + 1);
  const pointParent = new Int32Array(count);
  const levels: ClusterLevel[] = new Array<ClusterLevel>(maxZoom + 1);
  for (let zoom = maxZoom; zoom >= 0; zoom--) {
    const finer = trees[zoom + 1]!;
    const tree = trees[zoom]!;
    // A zoom where nothing merged shares the finer zoom's tree; its items' parents are then those
    // of the next zoom out that merged, read at that zoom.
    if (tree !== finer) {
      pointParent.fill(-1);
      const clusterParent = new Map<number, number>();
      for (let k = 0; k < finer.numItems * stride; k += stride) {
        const parent = finer.data[k + ITEM.parent]!;
        if (parent === -1) continue;
        if (finer.data[k + ITEM.count]! > 1) clusterParent.set(finer.data[k + ITEM.id]!, parent);
        else pointParent[finer.data[k + ITEM.id]!] = parent;
      }
      for (let p = 0; p < count; p++) {
        const item = itemOf[p]!;
        const parent = item < 0 ? pointParent[-item - 1]! : (clusterParent.get(item) ?? -1);
        if (parent !== -1) itemOf[p] = parent;
      }
    }
    const clusters: ClusterGeometry[] = [];
    const indexOf = new Map<number, number>();
    for (let k = 0; k < tree.numItems * stride; k += stride) {
      const size = tree.data[k + ITEM.count]!;
      if (size <= 1) continue;
      const x = tree.data[k + ITEM.x]! / FIXED_POINT + 0.5;
      const y = tree.data[k + ITEM.y]! / FIXED_POINT + 0.5;
      const id = tree.data[k + ITEM.id]!;
      indexOf.set(id, clusters.length);
      clusters.push({ id, lng: (x - 0.5) * 360, lat: (360 * Math.atan(Math.exp(((180 - y * 360) * Math.PI) / 180))) / Math.PI - 90, count: size, expansionZoom: 0 });
    }
    const memberOf = new Int32Array(count).fill(-1);
    for (let p = 0; p < count; p++) {
      const item = itemOf[p]!;
      if (item >= 0) memberOf[p] = indexOf.get(item) ?? -1;
    }
    levels[zoom] = { zoom, clusters, memberOf };
  }
  return levels;
}

/** The levels through supercluster's public API: a feature per item per zoom, members gathered as the index is built. */
function levelsFromFeatures(coords: Float64Array, radius: number, maxZoom: number): ClusterLevel[] {
  const count = coords.length / 2;
  // Accumulators whose array is their own (a flag on the object would be copied to its parent's).
  const owning = new WeakSet<Members>();
  const index = new Supercluster<{ i: number }, Members>({
    radius,
    maxZoom,
    extent: 256,
    map: (point) => ({ members: [point.i] }),
    // The accumulator starts as a shallow copy of one child's properties, whose array must stay as
    // it is (that child is read at its own zoom): copied once, then appended to.
    reduce: (accumulated, child) => {
      if (!owning.has(accumulated)) {
        accumulated.members = accumulated.members.slice();
        owning.add(accumulated);
      }
      const into = accumulated.members;
      for (const member of child.members) into.push(member);
    },
  });
  index.load(featuresOf(coords));
  const levels: ClusterLevel[] = [];
  for (let zoom = 0; zoom <= maxZoom; zoom++) {
    const clusters: ClusterGeometry[] = [];
    const memberOf = new Int32Array(count).fill(-1);
    for (const feature of index.getClusters(WORLD, zoom)) {
      const properties = feature.properties;
      if (!('cluster' in properties)) continue;
      const [lng = 0, lat = 0] = feature.geometry.coordinates;
      for (const member of properties.members) memberOf[member] = clusters.length;
      clusters.push({ id: properties.cluster_id, lat, lng, count: properties.point_count, expansionZoom: 0 });
    }
    levels.push({ zoom, clusters, memberOf });
  }
  return levels;
}

/**
 * Levels 0 … maxZoom for the points `coords` (`[lng, lat, …]`), each cluster with the zoom at which
 * it splits (supercluster's getClusterExpansionZoom, read from the levels instead of a tree walk
 * per cluster). `via: 'features'` builds through the public API only (tests compare the two).
 */
export function buildClusterLevels({ coords, radius, maxZoom }: ClusterRequest, via: 'trees' | 'features' = 'trees'): ClusterLevel[] {
  if (via === 'trees') {
    // 256-px tiles, as Leaflet's zoom levels are.
    const index = new Supercluster({ radius, maxZoom, extent: 256 });
    index.load(featuresOf(coords));
    const levels = levelsFromTrees(index, coords.length / 2, maxZoom);
    if (levels) return setExpansionZooms(levels);
  }
  return setExpansionZooms(levelsFromFeatures(coords, radius, maxZoom));
}
