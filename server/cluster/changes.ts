import { z } from 'zod';
import { cameraFaultSchema } from '../../shared/api/field.js';
import { deviceSchema } from '../../shared/domain/entity-schemas.js';
import type { Device } from '../../shared/domain/index.js';
import type { CameraFault } from '../../shared/wall.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { SharedCameraChange } from './backend.js';

/**
 * The device-changes stream's entries, checked with zod as they come out of Redis (a boundary
 * like any other). Each entry: `node` (who decided it), `kind`, `data` (JSON), and `at` for a sweep.
 */
const entryFieldsSchema = z.object({ node: z.string().min(1), kind: z.enum(['online', 'offline', 'fault', 'tickets', 'activity', 'devices', 'retention']), data: z.string(), at: z.string().optional() });

const ms = z.coerce.number().int().nonnegative();
/** A deadline as a script read it from the ZSET: a seeded one ends half a millisecond short (SEEDED_MS). */
const deadlineMs = z.coerce.number().nonnegative().transform(Math.ceil);
/** [id, deadline, id, deadline, …] as the fold and sweep scripts write it. */
const pairsSchema = z.array(z.string()).refine((list) => list.length % 2 === 0, 'pairs of camera id and deadline');
const faultSchema = z.tuple([z.string().min(1), z.string(), ms]);
/** A ticket as the stream carries it: the wall's own schema. */
const ticketSchema = cameraFaultSchema;
/** Retention reports: [camera id, days][] (the days a whole number, as the ingest contract takes them). */
export const retentionPairsSchema = z.array(z.tuple([z.string().min(1), z.number().int().nonnegative()]));
const activitySchema = z.object({ type: z.enum(['post.checkin', 'post.checkout', 'patrol.scan']), deviceId: z.string(), at: z.number() }) satisfies z.ZodType<ActivityEvent>;

/** One entry, read: camera changes for the mirror, or tickets, or activity, or devices registered while running. */
export type DeviceChange =
  | { kind: 'cameras'; changes: SharedCameraChange[] }
  | { kind: 'tickets'; tickets: CameraFault[] }
  | { kind: 'activity'; events: ActivityEvent[] }
  | { kind: 'devices'; devices: Device[] }
  | { kind: 'retention'; reports: [string, number][] };

/** Reads one entry's fields; `self` is this node's id (its own decisions are `local`), `limitMs` turns deadlines into last keepalives. */
export function readEntry(fields: Record<string, string>, self: string, limitMs: number): DeviceChange {
  const entry = entryFieldsSchema.parse(fields);
  const origin = entry.node === self ? 'local' : 'stream';
  const data: unknown = JSON.parse(entry.data);
  switch (entry.kind) {
    case 'online':
    case 'offline': {
      const pairs = pairsSchema.parse(data);
      const at = entry.kind === 'offline' ? ms.parse(entry.at) : null;
      const changes: SharedCameraChange[] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        const heard = deadlineMs.parse(pairs[i + 1]) - limitMs;
        changes.push(entry.kind === 'online'
          ? { deviceId: pairs[i]!, to: 'online', at: heard, origin }
          // The fault started at the last keepalive heard, not when the misses were noticed.
          : { deviceId: pairs[i]!, to: 'offline', at: at!, reason: 'offline', since: heard, origin });
      }
      return { kind: 'cameras', changes };
    }
    case 'fault': {
      const [deviceId, reason, at] = faultSchema.parse(data);
      return { kind: 'cameras', changes: [{ deviceId, to: 'fault', at, reason, origin }] };
    }
    case 'tickets':
      return { kind: 'tickets', tickets: z.array(ticketSchema).parse(data) };
    case 'activity':
      return { kind: 'activity', events: z.array(activitySchema).parse(data) };
    case 'devices':
      return { kind: 'devices', devices: z.array(deviceSchema).parse(data) };
    case 'retention':
      return { kind: 'retention', reports: retentionPairsSchema.parse(data) };
  }
}

/** A stream entry of XREAD / XREVRANGE, raw (RESP2): [id, [field, value, …]]. */
const rawEntrySchema = z.tuple([z.string(), z.array(z.string())]);
const xreadSchema = z.array(z.tuple([z.string(), z.array(rawEntrySchema)])).nullable();

/** XREAD's raw reply for one stream → its entries (id and fields), oldest first. */
export function xreadEntries(reply: unknown): { id: string; fields: Record<string, string> }[] {
  return (xreadSchema.parse(reply)?.[0]?.[1] ?? []).map(fieldsOf);
}

/** XREVRANGE … COUNT 1's raw reply → the newest id, or null on an empty stream. */
export function newestId(reply: unknown): string | null {
  return z.array(rawEntrySchema).parse(reply)[0]?.[0] ?? null;
}

function fieldsOf([id, flat]: [string, string[]]): { id: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return { id, fields };
}

/** Whether stream id `a` is at or after `b` ("ms-seq"). */
export function atOrAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am > bm || (am === bm && as >= bs);
}
