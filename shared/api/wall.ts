import { z } from 'zod';
import { cameraStateSchema, deviceSchema, guardPostSchema, policePostSchema, schoolSchema, schoolStatusSchema } from '../domain/entity-schemas.js';
import type { PriorityTargets } from '../rules/response.js';
import type { CameraSummary, ClientConfig, DeviceHealth, WallSnapshot } from '../wall.js';
import { bilingual } from '../zod-text.js';
import { MAX_REGISTRY_SLICES, registryColumnsSchema } from '../wall-registry.js';
import { route } from './route.js';

/** City-wide (or scoped) camera counts. */
export const cameraSummarySchema = z.object({ total: z.number(), online: z.number(), offline: z.number(), fault: z.number() }) satisfies z.ZodType<CameraSummary>;

/** `GET /wall?registry=omit`: the live part only (a wall that has the registry already, from `GET /wall/registry`). */
export const wallSnapshotQuerySchema = z.object({
  registry: z.enum(['omit'], { error: bilingual('must be omit', '只能是 omit') }).optional(),
  cameras: z.enum(['down'], { error: bilingual('cameras must be down', 'cameras 只能是 down') }).optional(),
});

/** How many parts a registry is asked in (1 … MAX_REGISTRY_SLICES). */
const slicesCount = z.coerce.number({ error: bilingual('slices must be a whole number', 'slices 须为整数') }).int().min(1).max(MAX_REGISTRY_SLICES, { error: bilingual(`at most ${MAX_REGISTRY_SLICES} slices`, `最多分 ${MAX_REGISTRY_SLICES} 份`) });

/**
 * `GET /wall/registry?slice=i&slices=n`: one of n parts of the registry (each school and post in
 * exactly one, by its id), so a province's registry is parsed in a few short tasks, not one long one.
 */
export const registryQuerySchema = z
  .object({
    slices: slicesCount.optional(),
    slice: z.coerce.number({ error: bilingual('slice must be a whole number', 'slice 须为整数') }).int().min(0).optional(),
  })
  .refine((q) => (q.slice === undefined) === (q.slices === undefined), { message: bilingual('give both slice and slices, or neither', 'slice 与 slices 须同时给出或都不给') })
  .refine((q) => q.slice === undefined || q.slices === undefined || q.slice < q.slices, { message: bilingual('slice must be below slices', 'slice 须小于 slices') });

/** `GET /wall/school-points?slices=n`: the schools' coordinates in the order of n registry parts put together. */
export const schoolPointsQuerySchema = z.object({
  slices: slicesCount.default(1),
});

/** `GET /wall`: everything a map wall draws (see `WallSnapshot`). */
export const wallSnapshotSchema = z.object({
  generatedAt: z.string(),
  schools: z.array(schoolSchema),
  policePosts: z.array(policePostSchema),
  guardPosts: z.array(guardPostSchema),
  statuses: z.array(z.object({ schoolId: z.string(), status: schoolStatusSchema })),
  cameras: cameraSummarySchema,
  schoolCameras: z.array(z.tuple([z.string(), z.number(), z.number()])),
  camerasKey: z.number().int().nonnegative().optional(),
}) satisfies z.ZodType<WallSnapshot>;

const priorityTargetsSchema = z.object({
  acknowledgeSeconds: z.number().nullable(),
  onSceneBySetting: z.object({ city: z.number().nullable(), town: z.number().nullable(), rural: z.number().nullable() }),
  onSceneUrbanSeconds: z.number().nullable(),
  onSceneOtherSeconds: z.number().nullable(),
}) satisfies z.ZodType<PriorityTargets>;

/** `GET /client-config` (see `ClientConfig`). */
export const clientConfigSchema = z.object({
  tileUrl: z.string().nullable(),
  tileAttribution: z.string().nullable(),
  buildId: z.string(),
  responseTargets: z.object({ 1: priorityTargetsSchema, 2: priorityTargetsSchema, 3: priorityTargetsSchema, 4: priorityTargetsSchema }),
  videoUrlTemplate: z.string().nullable(),
}) satisfies z.ZodType<ClientConfig>;

/** `GET /schools/:id/devices`: a device with its live state (see `DeviceHealth`). */
export const deviceHealthSchema = deviceSchema.extend({ state: cameraStateSchema.nullable(), retentionDays: z.number().nullable(), lastSeenAt: z.string().nullable() }) satisfies z.ZodType<DeviceHealth>;

/** Event-loop delay over a stretch of time, milliseconds. */
const eventLoopDelaySchema = z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() });
/** Why writes fail (disk full, read-only storage…), in both languages, and since when. */
const storageCauseSchema = z.object({ code: z.string(), zh: z.string(), en: z.string(), since: z.string() });

/** `GET /health?span=read|restart`: also the event-loop figures since the span began (a city-wide session only). */
export const healthQuerySchema = z.object({ span: z.enum(['read', 'restart'], { error: bilingual('must be read or restart', '只能是 read 或 restart') }).optional() });

/**
 * `GET /health`: `ok`, or `degraded` with its cause (answered 503) while writes fail — all that
 * anyone is told. A signed-in person with a city-wide scope also gets the figures (uptime, the
 * alarm seq, ingest counters, city-wide cameras, event loop, memory, the storage episode) and
 * those of parts started after the app (`mqtt`: hence a loose object).
 */
export const healthAnswerSchema = z.looseObject({
  status: z.enum(['ok', 'degraded']),
  cause: storageCauseSchema.optional(),
  uptimeSeconds: z.number().optional(),
  seq: z.number().optional(),
  ingest: z.object({ accepted: z.number(), rejected: z.number(), duplicates: z.number() }).optional(),
  cameras: cameraSummarySchema.optional(),
  /** Since the previous /health call. */
  eventLoop: eventLoopDelaySchema.optional(),
  /** Since the span was last restarted (`?span=restart` reads, then restarts it). */
  eventLoopSpan: eventLoopDelaySchema.optional(),
  memory: z.object({ rssBytes: z.number() }).optional(),
  storage: storageCauseSchema.extend({ failures: z.number() }).optional(),
});
/** What `GET /health` answers. */
export type HealthAnswer = z.infer<typeof healthAnswerSchema>;

/** The map wall and the operations endpoints. */
export const WALL_ROUTES = {
  'wall.snapshot': route({
    method: 'GET', path: '/wall', allow: 'read', query: wallSnapshotQuerySchema, answer: wallSnapshotSchema,
    summary: 'all a map wall draws, within the person’s scope (`registry=omit`: the live part only, the registry’s lists empty)',
  }),
  'wall.registry': route({
    method: 'GET', path: '/wall/registry', allow: 'read', query: registryQuerySchema, answer: registryColumnsSchema,
    summary: 'the schools, police posts and 护学岗 of the person’s scope, schools in columns (province scale: a third of the JSON); `slice=i&slices=n`: the i-th of n parts, by id',
  }),
  'wall.schoolPoints': route({
    method: 'GET', path: '/wall/school-points', allow: 'read', query: schoolPointsQuerySchema, answer: 'file',
    summary: 'the schools of the person’s scope as little-endian float64 `[lng, lat]` pairs, in the order of `slices` registry parts put together (the cluster worker’s head start)',
  }),
  'wall.schoolDevices': route({
    method: 'GET', path: '/schools/:id/devices', allow: 'read', answer: z.object({ schoolId: z.string(), devices: z.array(deviceHealthSchema) }), summary: 'a school’s devices with their live state',
  }),
  'wall.clientConfig': route({ method: 'GET', path: '/client-config', allow: 'public', answer: clientConfigSchema, summary: 'the browser’s settings from the server’s configuration (before sign-in)' }),
  'wall.health': route({
    method: 'GET', path: '/health', allow: 'public', query: healthQuerySchema, answer: healthAnswerSchema,
    summary: 'up or degraded for anyone (monitors); the figures for a city-wide session',
  }),
} as const;
