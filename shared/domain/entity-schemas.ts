import { z } from 'zod';
import { DISTRICT_CODES } from './districts.js';
import {
  DEVICE_KINDS, DEVICE_PLACES, POLICE_POST_KINDS, SCHOOL_SETTINGS, SCHOOL_STAGES,
  type Device, type DutyWindow, type GuardPost, type PolicePost, type School,
} from './entities.js';
import { CAMERA_STATES, SCHOOL_STATUSES } from './status.js';

/**
 * The zod schemas of the registry's entities as the REST answers send them (the interfaces in
 * entities.ts are their documentation; each `satisfies` keeps the two from drifting).
 */

/** A district code of the city. */
export const districtCodeSchema = z.enum(DISTRICT_CODES);

/** A school (see `School`). */
export const schoolSchema = z.object({
  id: z.string(),
  name: z.string(),
  districtCode: districtCodeSchema,
  address: z.string(),
  stage: z.enum(SCHOOL_STAGES),
  setting: z.enum(SCHOOL_SETTINGS),
  boarding: z.boolean(),
  boarders: z.number(),
  students: z.number(),
  staff: z.number(),
  counterTerror: z.boolean(),
  guards: z.number(),
  lat: z.number(),
  lng: z.number(),
}) satisfies z.ZodType<School>;

/** A police room or booth (see `PolicePost`). */
export const policePostSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(POLICE_POST_KINDS),
  districtCode: districtCodeSchema,
  lat: z.number(),
  lng: z.number(),
}) satisfies z.ZodType<PolicePost>;

/** A staffed window of a 护学岗 post, local "HH:MM". */
export const dutyWindowSchema = z.object({ start: z.string(), end: z.string() }) satisfies z.ZodType<DutyWindow>;

/** A 护学岗 post (see `GuardPost`). */
export const guardPostSchema = z.object({
  id: z.string(),
  name: z.string(),
  districtCode: districtCodeSchema,
  schoolIds: z.array(z.string()),
  person: z.string(),
  phone: z.string(),
  duty: z.string(),
  schedule: z.array(dutyWindowSchema),
  days: z.array(z.number()).optional(),
  offDates: z.array(z.string()).optional(),
  radiusM: z.number(),
  lat: z.number(),
  lng: z.number(),
}) satisfies z.ZodType<GuardPost>;

/** A registered device (see `Device`). */
export const deviceSchema = z.object({
  id: z.string(),
  kind: z.enum(DEVICE_KINDS),
  schoolId: z.string().nullable(),
  postId: z.string().nullable(),
  place: z.enum(DEVICE_PLACES),
  name: z.string(),
  gbCode: z.string().regex(/^\d{20}$/).optional(),
  gbParent: z.string().regex(/^\d{20}$/).optional(),
}) satisfies z.ZodType<Device>;

/** A school's live status on the wall. */
export const schoolStatusSchema = z.enum(SCHOOL_STATUSES);

/** A camera's live state. */
export const cameraStateSchema = z.enum(CAMERA_STATES);
