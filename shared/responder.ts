import { z } from 'zod';
import { bilingual as b } from './zod-text.js';
import { DISPOSITIONS } from './rules/alarm-lifecycle.js';

/**
 * The dispatched unit's phone (`/m`, issue 14): what a responder — a person of a police unit
 * (警务室 / 治安岗亭), signed in with the `responder` role scoped to their unit — does to an alarm
 * dispatched to that unit. Each step is a normal alarm step (`AlarmTransition`) carrying
 * `field` (see `FieldStepRecord`), so the console's timeline, the audit log and the figures read
 * it like any other.
 *
 * - `accept` 接警: the unit has seen the dispatch; the state stays `dispatched`.
 * - `arrive` 到场: the unit is at the school; `dispatched → on_scene`, with the phone's position
 *   when the person allows it (the distance from the school is recorded).
 * - `report` 处置反馈: a disposition, a note and up to {@link MAX_REPORT_PHOTOS} photos; the state
 *   stays (the operator closes the alarm).
 */
export const FIELD_ACTIONS = ['accept', 'arrive', 'report'] as const;
/** A step a unit takes on its phone. */
export type FieldAction = (typeof FIELD_ACTIONS)[number];

/** Photos one report may carry. */
export const MAX_REPORT_PHOTOS = 3;
/** The largest photo upload accepted, in bytes (before it is re-encoded). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Image types a photo upload may be (the server re-encodes every one to JPEG). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/**
 * How long a step may have waited in a phone's offline queue: an older `at` is refused (a phone
 * with a wrong clock, or a queue left for a day, must not rewrite the alarm's history).
 */
export const MAX_QUEUED_MS = 6 * 60 * 60 * 1000;

/** A phone's position as the browser's geolocation gives it. */
export const fieldPositionSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracyM: z.number().min(0).max(100_000).nullable(),
});

/**
 * `POST /responder/alarms/:id/steps`: one step, sent at once or later from the phone's offline
 * queue (in the order it was taken). `requestId` makes a re-send harmless; `at` is when the person
 * took the step (the phone's clock), never later than the server's now and never before the
 * dispatch; a step the alarm has moved past meanwhile is refused with the reason.
 */
export const fieldStepSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('accept'),
    requestId: z.uuid(),
    at: z.iso.datetime({ offset: true, error: b('at must be an ISO date-time', '时间须为日期和时间') }),
    note: z.string().trim().max(500).optional(),
  }),
  z.object({
    action: z.literal('arrive'),
    requestId: z.uuid(),
    at: z.iso.datetime({ offset: true, error: b('at must be an ISO date-time', '时间须为日期和时间') }),
    position: fieldPositionSchema.optional(),
    note: z.string().trim().max(500).optional(),
  }),
  z.object({
    action: z.literal('report'),
    requestId: z.uuid(),
    at: z.iso.datetime({ offset: true, error: b('at must be an ISO date-time', '时间须为日期和时间') }),
    disposition: z.enum(DISPOSITIONS),
    note: z.string().trim().min(1, b('say briefly what was done', '请简要说明处置情况')).max(1000),
    photoIds: z.array(z.string().min(1).max(64)).max(MAX_REPORT_PHOTOS).default([]),
  }),
]);
/** A step as the phone sends it. */
export type FieldStepInput = z.input<typeof fieldStepSchema>;
/** A parsed step. */
export type FieldStep = z.output<typeof fieldStepSchema>;

/** `POST /responder/alarms/:id/photos` answer: the stored (re-encoded) photo. */
export const storedPhotoSchema = z.object({ id: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() });
/** A stored photo. */
export type StoredPhoto = z.infer<typeof storedPhotoSchema>;
