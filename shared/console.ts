import { z } from 'zod';
import type { AlarmState } from './domain/alarm.js';
import type { LocalizedText } from './domain/text.js';
import { DISPOSITIONS } from './rules/alarm-lifecycle.js';

/**
 * The console's volume commands (issue 11): acting on many P3/P4 alarms at once, and shelving
 * (搁置, ISA-18.2 shelving) a nuisance device for a set time. Both ride the socket like the
 * single-alarm commands and answer through the acknowledgement callback.
 */

const alarmId = z.string().min(1).max(64);
const deviceId = z.string().min(1).max(64);

/** The most alarms one `alarm:bulk` may name: a city's worst storm, bounded so one command stays short. */
export const BULK_MAX = 500;

/** What a bulk command may do: acknowledge, close as handled (resolve), or close as a false alarm. */
export const BULK_ACTIONS = ['ack', 'resolve', 'false_alarm'] as const;
/** A bulk action. */
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** `alarm:bulk` payload: the alarms, the one action and the one reason every alarm's audit entry carries. */
export const bulkCommandSchema = z
  .object({
    ids: z
      .array(alarmId)
      .min(1, 'name at least one alarm')
      .max(BULK_MAX, `at most ${BULK_MAX} alarms at once`)
      .refine((ids) => new Set(ids).size === ids.length, 'an alarm is named twice'),
    action: z.enum(BULK_ACTIONS),
    disposition: z.enum(DISPOSITIONS).optional(),
    note: z.string().trim().min(1, 'give the reason for the whole batch').max(1000),
  })
  .refine((command) => command.action !== 'resolve' || command.disposition !== undefined, {
    message: 'closing as handled needs a disposition',
    path: ['disposition'],
  });
/** A validated `alarm:bulk` payload. */
export type BulkCommand = z.infer<typeof bulkCommandSchema>;

/** One alarm's outcome in a bulk command: done (with its new state), or refused with the reason. */
export type BulkItemResult =
  | { id: string; ok: true; state: AlarmState }
  | { id: string; ok: false; error: string; message: LocalizedText };

/** `alarm:bulk` answer: one result per alarm named, in the order named. */
export interface BulkResult {
  done: number;
  refused: number;
  results: BulkItemResult[];
}

/** The longest a device may stay shelved: a shelf never outlives a duty day unnoticed. */
export const SHELF_MAX_MINUTES = 24 * 60;
/** The choices the console offers (15 min, 1 h, 8 h). */
export const SHELF_PRESET_MINUTES = [15, 60, 480] as const;

/** `shelf:add` payload: which device, for how long, and why. */
export const shelveCommandSchema = z.object({
  deviceId,
  minutes: z.number().int().min(1, 'at least one minute').max(SHELF_MAX_MINUTES, `at most ${SHELF_MAX_MINUTES} minutes (24 h)`),
  reason: z.string().trim().min(1, 'say why the device is shelved').max(500),
});
/** A validated `shelf:add` payload. */
export type ShelveCommand = z.infer<typeof shelveCommandSchema>;

/** `shelf:remove` payload: un-shelve a device before its time is up. */
export const unshelveCommandSchema = z.object({ deviceId, note: z.string().trim().max(500).optional() });
/** A validated `shelf:remove` payload. */
export type UnshelveCommand = z.infer<typeof unshelveCommandSchema>;

/** A device on the shelf: its P3/P4 alarms are still stored but kept out of the console's main queue until `until`. */
export interface Shelf {
  id: string;
  deviceId: string;
  schoolId: string;
  districtCode: string;
  reason: string;
  /** Display name of the person who shelved it. */
  shelvedBy: string;
  /** ISO-8601 UTC. */
  shelvedAt: string;
  /** ISO-8601 UTC: the shelf expires by itself here. */
  until: string;
}

/** How a shelf ended: its time ran out, or someone un-shelved it early. */
export type ShelfEnd = { at: string; by: string; reason: 'expired' | 'unshelved'; note: string | null };

/** `shelf` event payload: a shelf put up (`ended` null) or taken down. */
export interface ShelfChange {
  shelf: Shelf;
  ended: ShelfEnd | null;
}
