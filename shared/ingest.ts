import { z } from 'zod';
import { localizedTextSchema, type LocalizedText } from './domain/text.js';

/**
 * The public ingest contract (DESIGN.md §4): `POST /api/v1/events` and MQTT
 * `xiaoan/events/<gatewayId>` carry one event or an array of up to 1,000.
 */

/** Most events one request or message may carry. */
export const MAX_EVENTS_PER_BATCH = 1000;

const text = (max: number) => z.string().trim().min(1).max(max);

const baseEvent = {
  /** Idempotency key: re-sending an event with a stored id changes nothing. */
  id: text(128).optional(),
  deviceId: text(128),
  /** When it happened at the device, ISO-8601 with offset or Z. */
  at: z.iso.datetime({ offset: true }),
};

/** 一键报警: one-key emergency alarm from a gate room button. */
export const sosEventSchema = z.object({
  ...baseEvent,
  type: z.literal('alarm.sos'),
  drill: z.boolean().optional(),
  note: z.string().max(500).optional(),
});

/** 入侵报警: intrusion sensor tripped. */
export const intrusionEventSchema = z.object({
  ...baseEvent,
  type: z.literal('alarm.intrusion'),
  drill: z.boolean().optional(),
  zone: z.string().max(100).optional(),
});

/**
 * What an access-control door (门禁) reports as an anomaly: forced open (强行开门), held open
 * too long (门长时间未关), tailgating (尾随进入), repeated invalid cards (非法卡).
 */
export const ACCESS_ANOMALIES = ['forced', 'held_open', 'tailgating', 'invalid_card'] as const;
/** One access anomaly reason. */
export type AccessAnomaly = (typeof ACCESS_ANOMALIES)[number];

/** 门禁异常: an access-control device reports an anomaly at one of its doors. */
export const accessEventSchema = z.object({
  ...baseEvent,
  type: z.literal('alarm.access'),
  reason: z.enum(ACCESS_ANOMALIES),
  /** The door of a controller with several, as the vendor names it. */
  doorId: text(64).optional(),
  drill: z.boolean().optional(),
});

/** Camera keepalive, every 60 s per camera (GB/T 28181 style). */
export const heartbeatEventSchema = z.object({
  ...baseEvent,
  type: z.literal('camera.heartbeat'),
  /** Days of video currently retained, when the device reports it. */
  retentionDays: z.number().int().min(0).max(3650).optional(),
});

/** Camera faults a device can report. */
export const CAMERA_FAULTS = ['video_loss', 'tamper', 'storage', 'other'] as const;

/** An explicit camera fault. */
export const cameraFaultEventSchema = z.object({
  ...baseEvent,
  type: z.literal('camera.fault'),
  fault: z.enum(CAMERA_FAULTS),
  message: z.string().max(500).optional(),
});

/** What a one-key button, intrusion sensor or access controller reports of itself (issue 15). */
export const DEVICE_FAULTS = ['offline', 'tamper', 'power', 'other'] as const;

/**
 * A fault of a one-key button, intrusion sensor or access-control device (附件3 二(三): restored
 * within 24 hours, counted from `at`, the fault's start); `restored: true` reports it working again.
 */
export const deviceFaultEventSchema = z.object({
  ...baseEvent,
  type: z.literal('device.fault'),
  fault: z.enum(DEVICE_FAULTS),
  restored: z.boolean().optional(),
  message: z.string().max(500).optional(),
});

/** 护学岗 check-in / check-out by the named person at the post terminal. */
export const postCheckinEventSchema = z.object({
  ...baseEvent,
  type: z.literal('post.checkin'),
  person: z.string().max(100).optional(),
});

/** @see postCheckinEventSchema */
export const postCheckoutEventSchema = z.object({
  ...baseEvent,
  type: z.literal('post.checkout'),
  person: z.string().max(100).optional(),
});

/** 电子巡查: a guard scanned a patrol point. */
export const patrolScanEventSchema = z.object({
  ...baseEvent,
  type: z.literal('patrol.scan'),
  guard: z.string().max(100).optional(),
});

/** Any one ingest event, discriminated on `type`. */
export const ingestEventSchema = z.discriminatedUnion('type', [
  sosEventSchema,
  intrusionEventSchema,
  accessEventSchema,
  heartbeatEventSchema,
  cameraFaultEventSchema,
  deviceFaultEventSchema,
  postCheckinEventSchema,
  postCheckoutEventSchema,
  patrolScanEventSchema,
]);

/** A validated ingest event. */
export type IngestEvent = z.infer<typeof ingestEventSchema>;
/** The event type names of the contract. */
export type IngestEventType = IngestEvent['type'];

/** Which device kind may send each event type. */
export const EVENT_DEVICE_KIND = {
  'alarm.sos': 'sos',
  'alarm.intrusion': 'intrusion',
  'alarm.access': 'access',
  'camera.heartbeat': 'camera',
  'camera.fault': 'camera',
  'device.fault': 'sos, intrusion or access',
  'post.checkin': 'post',
  'post.checkout': 'post',
  'patrol.scan': 'patrol',
} as const satisfies Record<IngestEventType, string>;

/** The device kinds that may send `device.fault`. */
export const FAULT_REPORTING_KINDS = ['sos', 'intrusion', 'access'] as const;

/** Whether a device of `kind` may send an event of `type`. */
export function sentBy(type: IngestEventType, kind: string): boolean {
  return type === 'device.fault' ? (FAULT_REPORTING_KINDS as readonly string[]).includes(kind) : EVENT_DEVICE_KIND[type] === kind;
}

/** One refused item of a batch. */
export interface RejectedItem {
  index: number;
  /** What is wrong, in English: the contract a gateway reads. */
  error: string;
  /** The same in both UI languages, for the reasons a person may have to act on (id reuse, time window, NUL). */
  message?: LocalizedText;
}

/**
 * The error of an item whose `id` its integration already used for an event with other content
 * (DESIGN.md §4): exact text, other systems match on it.
 */
export const ID_REUSED_ERROR = 'id reused with different content';

/** Earliest plausible event time: a device clock before this is unset or broken. */
export const EARLIEST_EVENT_AT = '2000-01-01T00:00:00.000Z';
/** How far ahead of the server's clock an event time may be (device clocks drift; a day is generous). */
export const MAX_EVENT_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The most nesting an ingest body may have (a batch of flat events is 2; extra fields get room). */
export const MAX_INGEST_DEPTH = 16;

/** The answer to an ingest request (202, or 400 when nothing was acceptable). */
export interface IngestResult {
  accepted: number;
  rejected: RejectedItem[];
}

/** One refused item as sent (see `RejectedItem`). */
export const rejectedItemSchema = z.object({ index: z.number(), error: z.string(), message: localizedTextSchema.optional() }) satisfies z.ZodType<RejectedItem>;

/**
 * The answer of `POST /api/v1/events` (DESIGN.md §4), whatever its status: 202 with what was
 * accepted, or 400/413/429 with `error` when the request as a whole was refused.
 */
export const ingestAnswerSchema = z.object({ error: z.string().optional(), accepted: z.number(), rejected: z.array(rejectedItemSchema) }) satisfies z.ZodType<IngestResult & { error?: string }>;

/** Turns a zod error into one short readable line: `at: Invalid ISO datetime; deviceId: Required`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
