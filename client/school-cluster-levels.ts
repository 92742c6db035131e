import { z } from 'zod';
import type { ClusterGeometry, ClusterLevel, ClusterRequest, ClusterWorkerRequest } from './school-cluster-build.js';

/**
 * The checks of what crosses the worker's boundary, on the page's side (the worker's own script,
 * school-cluster-build.ts, stays free of zod so that it starts fast).
 */
export { buildClusterLevels, CLUSTER_MAX_ZOOM, CLUSTER_RADIUS_PX, type ClusterGeometry, type ClusterLevel, type ClusterRequest } from './school-cluster-build.js';

/** One cluster of a level (see `ClusterGeometry`). */
export const clusterGeometrySchema = z.object({ id: z.number(), lat: z.number(), lng: z.number(), count: z.number(), expansionZoom: z.number() }) satisfies z.ZodType<ClusterGeometry>;

/**
 * A cluster from the worker, checked field by field without copying it (the levels hold tens of
 * thousands at province scale: a full object parse of each cost ≈ 0.1 s of the page's thread).
 */
const clusterFromWorker = z.custom<ClusterGeometry>((value) => {
  const cluster = value as Partial<Record<keyof ClusterGeometry, unknown>> | null;
  return typeof cluster === 'object' && cluster !== null && (['id', 'lat', 'lng', 'count', 'expansionZoom'] as const).every((key) => typeof cluster[key] === 'number');
});

/** One whole zoom level (see `ClusterLevel`). */
export const clusterLevelSchema = z.object({ zoom: z.number(), clusters: z.array(clusterFromWorker), memberOf: z.instanceof(Int32Array) }) satisfies z.ZodType<ClusterLevel>;

/** What the page asks the worker (see `ClusterRequest`). */
export const clusterRequestSchema = z.object({ coords: z.instanceof(Float64Array), radius: z.number(), maxZoom: z.number() }) satisfies z.ZodType<ClusterRequest>;
/** A numbered request to the worker, and its answer under the same number. */
export const clusterWorkerRequestSchema = clusterRequestSchema.extend({ request: z.number() }) satisfies z.ZodType<ClusterWorkerRequest>;
export const clusterReplySchema = z.object({ request: z.number(), levels: z.array(clusterLevelSchema) });
