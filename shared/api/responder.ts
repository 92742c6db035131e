import { z } from 'zod';
import type { Alarm } from '../domain/alarm.js';
import { alarmSchema } from '../domain/alarm-schema.js';
import { districtCodeSchema } from '../domain/entity-schemas.js';
import type { DistrictCode } from '../domain/districts.js';
import { POLICE_POST_KINDS, type PolicePostKind } from '../domain/entities.js';
import { fieldStepSchema, storedPhotoSchema } from '../responder.js';
import { route } from './route.js';

/**
 * The dispatched unit's phone (`/m`, issue 14; shared/responder.ts has the steps): a responder —
 * role `responder`, permission `field.respond`, scoped to its unit — reads the alarms dispatched
 * to its unit, takes its steps (接警 accept, 到场 arrive, 处置反馈 report), uploads a report's
 * photos; people who may read an alarm, and the unit's responders, fetch its photos.
 */

/** The responder's unit as the phone shows it. */
export interface ResponderUnit {
  id: string;
  name: string;
  kind: PolicePostKind;
  lat: number;
  lng: number;
}

/** The school of an alarm, as much as the phone needs to get there. */
export interface ResponderSchool {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  districtCode: DistrictCode;
}

/** One alarm of the unit, with its school. */
export interface ResponderAlarm {
  alarm: Alarm;
  school: ResponderSchool;
}

/** `GET /responder/alarms`: the unit, its open alarms and those closed in the last 12 h, newest first. */
export interface ResponderAlarms {
  unit: ResponderUnit;
  alarms: ResponderAlarm[];
}

/** How long a closed alarm stays on the unit's list. */
export const RESPONDER_CLOSED_HOURS = 12;

export const responderUnitSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(POLICE_POST_KINDS), lat: z.number(), lng: z.number() }) satisfies z.ZodType<ResponderUnit>;
export const responderSchoolSchema = z.object({ id: z.string(), name: z.string(), address: z.string(), lat: z.number(), lng: z.number(), districtCode: districtCodeSchema }) satisfies z.ZodType<ResponderSchool>;
export const responderAlarmSchema = z.object({ alarm: alarmSchema, school: responderSchoolSchema }) satisfies z.ZodType<ResponderAlarm>;
export const responderAlarmsSchema = z.object({ unit: responderUnitSchema, alarms: z.array(responderAlarmSchema) }) satisfies z.ZodType<ResponderAlarms>;

/**
 * The responder's routes. `responder.photo` takes the image's raw bytes (`Content-Type:
 * image/jpeg|png|webp`, at most MAX_PHOTO_BYTES: guard `photo`), not JSON. `alarms.photo` is open
 * to any signed-in person: the service lets through those who may read the alarm and the
 * responders of its unit.
 */
export const RESPONDER_ROUTES = {
  'responder.alarms': route({ method: 'GET', path: '/responder/alarms', allow: 'field.respond', answer: responderAlarmsSchema, summary: 'the unit’s alarms: open ones dispatched to it and those closed in the last 12 h' }),
  'responder.step': route({ method: 'POST', path: '/responder/alarms/:id/steps', allow: 'field.respond', body: fieldStepSchema, answer: z.object({ alarm: alarmSchema }), summary: 'a unit’s step on an alarm dispatched to it: accept, on scene, report (idempotent on requestId)' }),
  'responder.photo': route({ method: 'POST', path: '/responder/alarms/:id/photos', allow: 'field.respond', guard: 'photo', answer: storedPhotoSchema, status: 201, summary: 'a report photo (raw image bytes), re-encoded to JPEG and stored with the alarm' }),
  'alarms.photo': route({ method: 'GET', path: '/alarms/:id/photos/:photoId', allow: 'signed-in', answer: 'file', summary: 'one photo of an alarm (JPEG), for those who may read the alarm and the unit’s responders' }),
} as const;
