import { z } from 'zod';
import { localizedTextSchema } from '../domain/text.js';
import { districtCodeSchema, dutyWindowSchema } from '../domain/entity-schemas.js';
import { SCHOOL_SETTINGS } from '../domain/entities.js';
import type { GuardPostRate, SetupCount } from '../rules/guard-post-setup.js';
import { DEFAULT_COVERAGE_RULE, type CoverageCounts, type CoverageReport, type SchoolCoverage } from '../rules/coverage.js';
import { POST_STATES } from '../rules/guard-post.js';
import type { SchoolPatrol } from '../rules/patrol.js';
import type { CameraFault, PostLive, PostWindowFigures } from '../wall.js';
import { postStatusColumnsSchema } from '../post-status-columns.js';
import { route } from './route.js';


/** `GET /faults`: camera fault tickets by state, narrowed to the person's scope. */
export const faultsQuerySchema = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  districtCode: districtCodeSchema.optional(),
  schoolId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(50_000).default(1000),
});
/** A parsed `GET /faults` query. */
export type FaultsQuery = z.output<typeof faultsQuerySchema>;

/** `GET /patrol`: a district's or a school's patrol rounds. */
export const patrolQuerySchema = z.object({ districtCode: districtCodeSchema.optional(), schoolId: z.string().min(1).max(64).optional() });
/** A parsed `GET /patrol` query. */
export type PatrolQuery = z.output<typeof patrolQuerySchema>;

/** `GET /coverage`: how near a 护学岗 and a police post must be (metres). */
export const coverageQuerySchema = z.object({
  guardPostM: z.coerce.number().int().min(10).max(20_000).default(DEFAULT_COVERAGE_RULE.guardPostM),
  policePostM: z.coerce.number().int().min(10).max(50_000).default(DEFAULT_COVERAGE_RULE.policePostM),
});

/** A camera fault ticket (see `CameraFault`). */
export const cameraFaultSchema = z.object({
  id: z.number(),
  deviceId: z.string(),
  schoolId: z.string(),
  districtCode: z.string(),
  reason: z.string(),
  openedAt: z.string(),
  deadlineAt: z.string(),
  closedAt: z.string().nullable(),
  outageSeconds: z.number().nullable(),
}) satisfies z.ZodType<CameraFault>;

/** A 护学岗 post's live state (see `PostLive`). */
export const postLiveSchema = z.object({
  postId: z.string(),
  state: z.enum(POST_STATES),
  window: dutyWindowSchema.nullable(),
  checkedInAt: z.string().nullable(),
  minutesLate: z.number().nullable(),
  reason: localizedTextSchema,
}) satisfies z.ZodType<PostLive>;

/** Today's 护学岗 figures of one duty window (see `PostWindowFigures`). */
export const postWindowFiguresSchema = z.object({
  window: dutyWindowSchema,
  due: z.number(),
  onTime: z.number(),
  late: z.number(),
  absent: z.number(),
  pending: z.number(),
  upcoming: z.number(),
}) satisfies z.ZodType<PostWindowFigures>;

/** One school's patrol rounds today (see `SchoolPatrol`). */
export const schoolPatrolSchema = z.object({
  schoolId: z.string(),
  districtCode: z.string(),
  points: z.number(),
  required: z.number(),
  done: z.number(),
  due: z.number(),
  missed: z.number(),
  nextDueAt: z.number().nullable(),
  reason: localizedTextSchema,
}) satisfies z.ZodType<SchoolPatrol>;

const reachedPostSchema = z.object({ id: z.string(), distanceM: z.number() });
const coverageCountsSchema = z.object({ schools: z.number(), withGuardPost: z.number(), withPolicePost: z.number(), covered: z.number() }) satisfies z.ZodType<CoverageCounts>;
const schoolCoverageSchema = z.object({
  schoolId: z.string(),
  districtCode: districtCodeSchema,
  setting: z.enum(SCHOOL_SETTINGS),
  guardPost: reachedPostSchema.nullable(),
  noPerson: z.boolean(),
  policePost: reachedPostSchema.nullable(),
}) satisfies z.ZodType<SchoolCoverage>;

const setupCountSchema = z.object({ schools: z.number(), withGuardPost: z.number(), withoutPerson: z.number(), rate: z.number().nullable() }) satisfies z.ZodType<SetupCount>;
/** THE 护学岗设置率 (shared/rules/guard-post-setup.ts). */
export const guardPostRateSchema = z.object({
  reachM: z.number(),
  city: setupCountSchema,
  town: setupCountSchema,
  rural: setupCountSchema,
  target: setupCountSchema,
}) satisfies z.ZodType<GuardPostRate>;

/** `GET /coverage` (see `CoverageReport`). */
export const coverageReportSchema = z.object({
  rule: z.object({ guardPostM: z.number(), policePostM: z.number() }),
  schools: z.array(schoolCoverageSchema),
  byDistrict: z.array(coverageCountsSchema.extend({ districtCode: districtCodeSchema })),
  bySetting: z.array(coverageCountsSchema.extend({ setting: z.enum(SCHOOL_SETTINGS) })),
  total: coverageCountsSchema,
  setupRate: guardPostRateSchema,
}) satisfies z.ZodType<CoverageReport>;

/** The machinery in the field: camera fault tickets, 护学岗 states and figures, patrol rounds, coverage. */
export const FIELD_ROUTES = {
  'field.faults': route({ method: 'GET', path: '/faults', allow: 'read', query: faultsQuerySchema, answer: z.object({ faults: z.array(cameraFaultSchema) }), summary: 'camera fault tickets (24 h restore) in the person’s scope' }),
  'field.postStatus': route({ method: 'GET', path: '/posts/status', allow: 'read', answer: z.object({ posts: z.array(postLiveSchema) }), summary: 'the live state of each 护学岗 post in scope' }),
  'field.postStatusColumns': route({ method: 'GET', path: '/posts/status/columns', allow: 'read', answer: postStatusColumnsSchema, summary: 'the same in columns, the reasons and duty windows once each (what screens load)' }),
  'field.postFigures': route({ method: 'GET', path: '/posts/figures', allow: 'read', answer: z.object({ windows: z.array(postWindowFiguresSchema) }), summary: 'today’s 护学岗 figures per duty window' }),
  'field.patrol': route({ method: 'GET', path: '/patrol', allow: 'read', query: patrolQuerySchema, answer: z.object({ schools: z.array(schoolPatrolSchema) }), summary: 'each school’s 电子巡查 rounds today' }),
  'field.coverage': route({ method: 'GET', path: '/coverage', allow: 'read', query: coverageQuerySchema, answer: coverageReportSchema, summary: '护学岗 and police-post coverage of the schools in scope' }),
} as const;
