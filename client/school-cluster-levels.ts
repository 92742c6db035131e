import Supercluster from 'supercluster';
import { z } from 'zod';

/**
 * The geometry of school clusters at every zoom level, built in one go (supercluster), so that it
 * can run in a Web Worker (school-clusters.worker.ts) and reach the page as plain data: at
 * province scale (50,000 schools) the build is the part of the map's load that would otherwise
 * freeze the page. Points are given and answered by their index, not by id: the message stays
 * two typed arrays and a few thousand small objects.
 */

/** Cluster radius in screen pixels, and the last zoom that still clusters (streets are drawn school by school). */
export const CLUSTER_RADIUS_PX = 56;
export const CLUSTER_MAX_ZOOM = 12;

/** One cluster of a level: supercluster's id (unique across levels), centre, size, and the zoom at which it splits. */
export const clusterGeometrySchema = z.object({ id: z.number(), lat: z.number(), lng: z.number(), count: z.number(), expansionZoom: z.number() });
export type ClusterGeometry = z.infer<typeof clusterGeometrySchema>;

/**
 * A cluster from the worker, checked field by field without copying it (the levels hold tens of
 * thousands at province scale: a full object parse of each cost ≈ 0.1 s of the page's thread).
 */
const clusterFromWorker = z.custom<ClusterGeometry>((value) => {
  const cluster = value as Partial<Record<keyof ClusterGeometry, unknown>> | null;
  return typeof cluster === 'object' && cluster !== null && (['id', 'lat', 'lng', 'count', 'expansionZoom'] as const).every((key) => typeof cluster[key] === 'number');
});

/** One whole zoom level: its clusters, and for each point the index of its cluster there (-1: on its own). */
export const clusterLevelSchema = z.object({ zoom: z.number(), clusters: z.array(clusterFromWorker), memberOf: z.instanceof(Int32Array) });
export type ClusterLevel = z.infer<typeof clusterLevelSchema>;

/** What the page asks the worker: points as `[lng0, lat0, lng1, lat1, …]`. */
export const clusterRequestSchema = z.object({ coords: z.instanceof(Float64Array), radius: z.number(), maxZoom: z.number() });
export type ClusterRequest = z.infer<typeof clusterRequestSchema>;
/** A numbered request to the worker, and its answer under the same number. */
export const clusterWorkerRequestSchema = clusterRequestSchema.extend({ request: z.number() });
export const clusterReplySchema = z.object({ request: z.number(), levels: z.array(clusterLevelSchema) });

const WORLD: [number, number, number, number] = [-180, -85, 180, 85];

/** Levels 0 … maxZoom for the points `coords` (`[lng, lat, …]`). */
export function buildClusterLevels({ coords, radius, maxZoom }: ClusterRequest): ClusterLevel[] {
  const count = coords.length / 2;
  const index = new Supercluster<{ i: number }, { members: number[] }>({
    radius,
    maxZoom,
    // 256-px tiles, as Leaflet's zoom levels are.
    extent: 256,
    // Membership rides along with the build: no getLeaves walk (seconds at 50,000 schools) later.
    map: (point) => ({ members: [point.i] }),
    // A fresh array: the accumulator is a shallow copy of a child's properties, which must stay as they are.
    reduce: (accumulated, child) => {
      accumulated.members = accumulated.members.concat(child.members);
    },
  });
  const features = Array.from({ length: count }, (_, i) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [coords[2 * i] ?? 0, coords[2 * i + 1] ?? 0] }, properties: { i } }));
  index.load(features);
  const levels: ClusterLevel[] = [];
  for (let zoom = 0; zoom <= maxZoom; zoom++) {
    const clusters: ClusterGeometry[] = [];
    const memberOf = new Int32Array(count).fill(-1);
    for (const feature of index.getClusters(WORLD, zoom)) {
      const properties = feature.properties;
      if (!('cluster' in properties)) continue;
      const [lng = 0, lat = 0] = feature.geometry.coordinates;
      for (const member of properties.members) memberOf[member] = clusters.length;
      clusters.push({ id: properties.cluster_id, lat, lng, count: properties.point_count, expansionZoom: index.getClusterExpansionZoom(properties.cluster_id) });
    }
    levels.push({ zoom, clusters, memberOf });
  }
  return levels;
}
