import { z } from 'zod';
import { ALARM_STATES, ALARM_TYPES, type Alarm, type AlarmTransition, type FieldStepRecord } from './alarm.js';

/**
 * The zod schema of an alarm as stored and sent (the `Alarm` interface is its documentation; the
 * `satisfies` keeps the two from drifting). Used to check REST answers and JSON read back from the
 * database.
 */
export const fieldStepRecordSchema = z.object({
  unitId: z.string(),
  requestId: z.string(),
  recordedAt: z.string(),
  position: z.object({ lat: z.number(), lng: z.number(), accuracyM: z.number().nullable() }).optional(),
  distanceM: z.number().optional(),
  disposition: z.string().optional(),
  photoIds: z.array(z.string()).optional(),
}) satisfies z.ZodType<FieldStepRecord>;

export const alarmTransitionSchema = z.object({
  action: z.string(),
  unitId: z.string().optional(),
  from: z.enum(ALARM_STATES).nullable(),
  to: z.enum(ALARM_STATES),
  actor: z.string(),
  at: z.string(),
  note: z.string().nullable(),
  noteEn: z.string().optional(),
  field: fieldStepRecordSchema.optional(),
}) satisfies z.ZodType<AlarmTransition>;

/** An alarm (see `Alarm`). */
export const alarmSchema = z.object({
  id: z.string(),
  type: z.enum(ALARM_TYPES),
  priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  state: z.enum(ALARM_STATES),
  schoolId: z.string(),
  deviceId: z.string(),
  districtCode: z.string(),
  openedAt: z.string(),
  receivedAt: z.string(),
  updatedAt: z.string(),
  count: z.number().int(),
  lastSeenAt: z.string(),
  drill: z.boolean(),
  unitId: z.string().nullable(),
  disposition: z.string().nullable(),
  transitions: z.array(alarmTransitionSchema),
}) satisfies z.ZodType<Alarm>;
