import { z } from 'zod';
import { ALARM_TYPES } from '../domain/alarm.js';
import { districtCodeSchema } from '../domain/entity-schemas.js';
import { ALARM_OUTCOMES, ANALYTICS_PRESETS, type AlarmAnalytics } from '../rules/alarm-analytics.js';
import { bilingual as b } from '../zod-text.js';
import { route } from './route.js';

const day = z.iso.date({ error: b('must be a date YYYY-MM-DD', '须为日期 YYYY-MM-DD') });

/**
 * `GET /analytics/alarms`: a preset range (7 天, 30 天, 本学期 as of the server's today) or whole
 * Asia/Shanghai days `from`–`to` (both inclusive, at most 366); 30 days when neither. A district,
 * one type or several (comma-separated); the person's scope narrows further.
 */
export const alarmAnalyticsQuerySchema = z
  .object({
    preset: z.enum(ANALYTICS_PRESETS, { error: b(`preset must be one of ${ANALYTICS_PRESETS.join(', ')}`, `preset 须为 ${ANALYTICS_PRESETS.join('、')} 之一`) }).optional(),
    from: day.optional(),
    to: day.optional(),
    districtCode: districtCodeSchema.optional(),
    type: z
      .string()
      .transform((v) => v.split(',').filter(Boolean))
      .pipe(z.array(z.enum(ALARM_TYPES, { error: b(`type must be one of ${ALARM_TYPES.join(', ')}`, `type 须为报警类型之一：${ALARM_TYPES.join('、')}`) })))
      .optional(),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: b('give both from and to, or neither', '起止日期须同时给出或都不给') })
  .refine((q) => !(q.preset && q.from), { message: b('give a preset or from/to, not both', '预设范围与起止日期只能给其一') });
/** A parsed `GET /analytics/alarms` query. */
export type AlarmAnalyticsQuery = z.output<typeof alarmAnalyticsQuerySchema>;

const sliceSchema = z.object({ key: z.string(), alarms: z.number(), falseAlarms: z.number() });

/** `GET /analytics/alarms` (see `AlarmAnalytics`). */
export const alarmAnalyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  since: z.string(),
  until: z.string(),
  alarms: z.number(),
  falseAlarms: z.number(),
  drills: z.number(),
  byWeekdayHour: z.array(z.array(z.number())),
  byDistrict: z.array(sliceSchema),
  byType: z.array(sliceSchema.extend({ key: z.enum(ALARM_TYPES) })),
  byOutcome: z.array(z.object({ key: z.enum(ALARM_OUTCOMES), alarms: z.number() })),
  byDay: z.array(z.object({ date: z.string(), alarms: z.number(), drills: z.number() })),
  nuisance: z.array(
    z.object({
      deviceId: z.string(),
      schoolId: z.string(),
      districtCode: z.string(),
      type: z.enum(ALARM_TYPES),
      alarms: z.number(),
      falseAlarms: z.number(),
      share: z.number(),
      lastAt: z.string(),
    }),
  ),
}) satisfies z.ZodType<AlarmAnalytics>;

/**
 * Alarm analytics (报警分析) of the history view: closed alarms of a range by hour × weekday,
 * district, type and outcome, drills apart, and the devices with most false alarms. Computed on
 * the worker pool (a year of alarms is a heavy read); the person's district or school narrows it.
 */
export const ANALYTICS_ROUTES = {
  'analytics.alarms': route({
    method: 'GET', path: '/analytics/alarms', allow: 'read', query: alarmAnalyticsQuerySchema, answer: alarmAnalyticsSchema, heavy: true,
    summary: 'closed alarms of a day range by hour × weekday, district, type, outcome; nuisance devices (误报)',
  }),
} as const;
