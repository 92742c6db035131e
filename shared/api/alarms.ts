import { z } from 'zod';
import { ALARM_TYPES } from '../domain/alarm.js';
import { alarmSchema } from '../domain/alarm-schema.js';
import { ALARM_OUTCOMES } from '../rules/alarm-analytics.js';
import { districtCodeSchema } from '../domain/entity-schemas.js';
import type { AlarmLoadReport, DurationFigures, LoadSlice } from '../rules/alarm-load.js';
import type { AttainmentSlice, ResponseAttainment, StepAttainment } from '../rules/response-attainment.js';
import { bilingual } from '../zod-text.js';
import { route } from './route.js';

/** `GET /alarms`: the filters of a listing (the person's scope narrows them further). */
export const alarmsQuerySchema = z.object({
  state: z.enum(['open', 'closed', 'all']).default('all'),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** One type or several, comma-separated. */
  type: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ALARM_TYPES)))
    .optional(),
  districtCode: districtCodeSchema.optional(),
  schoolId: z.string().min(1).max(64).optional(),
  /** One device (the analytics' nuisance list drills down to it). */
  deviceId: z.string().min(1).max(64).optional(),
  /** One outcome of a closed alarm (handled, false alarm, cancelled). */
  outcome: z.enum(ALARM_OUTCOMES).optional(),
  /** Only alarms received on this Shanghai weekday (1 Monday … 7 Sunday) and/or hour of day (0–23): a heat-map cell; needs since and until. */
  weekday: z.coerce.number().int().min(1).max(7).optional(),
  hour: z.coerce.number().int().min(0).max(23).optional(),
  /** Free text matched against school names and ids. */
  q: z.string().trim().min(1).max(50).optional(),
  drill: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
}).refine((q) => (q.weekday === undefined && q.hour === undefined) || (q.since && q.until), { message: bilingual('weekday and hour need since and until', '按星期或时段筛选须同时给出起止时间') });
/** A parsed `GET /alarms` query. */
export type AlarmsQuery = z.output<typeof alarmsQuerySchema>;

/** `GET /alarms/stats`: the window (the last 24 h by default), a district, how many operators share the load. */
export const alarmStatsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    districtCode: districtCodeSchema.optional(),
    operators: z.coerce.number().int().min(1).max(100).default(1),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: bilingual('from must be before to', '起始时间须早于截止时间') });
/** A parsed `GET /alarms/stats` query. */
export type AlarmStatsQuery = z.output<typeof alarmStatsQuerySchema>;

const durationFiguresSchema = z.object({ count: z.number(), meanSeconds: z.number().nullable(), p90Seconds: z.number().nullable() }) satisfies z.ZodType<DurationFigures>;
const loadSliceSchema = z.object({ key: z.string(), alarms: z.number(), toAcknowledge: durationFiguresSchema, toOnScene: durationFiguresSchema, onSceneByUnit: z.number() }) satisfies z.ZodType<LoadSlice>;

const stepAttainmentSchema = z.object({ due: z.number(), met: z.number(), share: z.number().nullable() }) satisfies z.ZodType<StepAttainment>;
const attainmentSliceSchema = z.object({ key: z.string(), alarms: z.number(), acknowledge: stepAttainmentSchema, onScene: stepAttainmentSchema }) satisfies z.ZodType<AttainmentSlice>;
/** 1-3-5 达标率 (see `ResponseAttainment`). */
export const responseAttainmentSchema = z.object({
  all: attainmentSliceSchema,
  byDistrict: z.array(attainmentSliceSchema),
  bySetting: z.array(attainmentSliceSchema),
  byDistrictSetting: z.array(attainmentSliceSchema),
}) satisfies z.ZodType<ResponseAttainment>;

/** `GET /alarms/stats` (see `AlarmLoadReport`). */
export const alarmLoadReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  operators: z.number(),
  alarms: z.number(),
  perOperatorPer10Min: z.object({ average: z.number(), peak: z.number() }),
  floods: z.array(z.object({ start: z.string(), alarms: z.number() })),
  stale: z.number(),
  chattering: z.array(z.object({ deviceId: z.string(), schoolId: z.string(), activations: z.number() })),
  priorityMix: z.object({ 1: z.number(), 2: z.number(), 3: z.number(), 4: z.number() }),
  toAcknowledge: durationFiguresSchema,
  toOnScene: durationFiguresSchema,
  onSceneByUnit: z.number(),
  byDay: z.array(loadSliceSchema),
  byDistrict: z.array(loadSliceSchema),
  attainment: responseAttainmentSchema,
}) satisfies z.ZodType<AlarmLoadReport>;

/** Alarms (报警), read within the person's scope; commands go over the socket. `stats` is before `:id`. */
export const ALARM_ROUTES = {
  'alarms.list': route({ method: 'GET', path: '/alarms', allow: 'read', query: alarmsQuerySchema, answer: z.object({ alarms: z.array(alarmSchema) }), summary: 'alarms in the person’s scope by state, time, type, school' }),
  'alarms.stats': route({ method: 'GET', path: '/alarms/stats', allow: 'read', query: alarmStatsQuerySchema, answer: alarmLoadReportSchema, summary: 'the alarm-load report of a window (ISA-18.2 figures)' }),
  'alarms.get': route({ method: 'GET', path: '/alarms/:id', allow: 'read', answer: alarmSchema, summary: 'one alarm with its transitions' }),
} as const;
