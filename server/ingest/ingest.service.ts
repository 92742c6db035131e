import { randomUUID } from 'node:crypto';
import {
  EVENT_DEVICE_KIND,
  MAX_EVENTS_PER_BATCH,
  describeZodError,
  ingestEventSchema,
  type IngestEvent,
  type IngestResult,
  type RejectedItem,
} from '../../shared/ingest.js';
import type { AlarmType, School } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import type { Store } from '../db/database.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { CameraHealthService } from '../services/camera-health.service.js';
import type { ActivityEvent, DomainEvents } from '../services/domain-events.js';
import type { RegistryService } from '../services/registry.service.js';
import { isoNow, type Clock } from '../services/clock.js';

/** An ingest answer with its HTTP status. */
export interface IngestOutcome {
  status: 202 | 400 | 413;
  /** `error` says what is wrong with the request as a whole, when it is not one item's fault. */
  result: IngestResult & { error?: string };
}

/** A validated item and what it concerns. */
interface AcceptedItem {
  event: IngestEvent;
  school: School;
}

/** Which alarm each alarm-raising event type opens. */
const ALARM_OF_EVENT: Partial<Record<IngestEvent['type'], AlarmType>> = {
  'alarm.sos': 'sos',
  'alarm.intrusion': 'intrusion',
  'alarm.access': 'access_anomaly',
  'camera.fault': 'camera_fault',
};

/** Running totals for the health route. */
export interface IngestCounters {
  accepted: number;
  rejected: number;
  duplicates: number;
}

/**
 * The ingest contract (DESIGN.md §4), shared by HTTP and MQTT: validate each item on its own,
 * store the good ones in one transaction, then announce what changed. Camera keepalives are
 * folded into live state, not stored one by one.
 */
export class IngestService {
  readonly counters: IngestCounters = { accepted: 0, rejected: 0, duplicates: 0 };

  constructor(
    private readonly deps: {
      store: Store;
      writes: WriteQueue;
      registry: RegistryService;
      alarms: AlarmService;
      cameras: CameraHealthService;
      events: DomainEvents;
      clock: Clock;
    },
  ) {}

  async ingest(body: unknown): Promise<IngestOutcome> {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) return refuse(400, 'the body is an empty array: send one event or an array of 1 to 1,000');
    if (items.length > MAX_EVENTS_PER_BATCH) {
      return refuse(413, `${items.length} events in one request: at most ${MAX_EVENTS_PER_BATCH}`);
    }

    const rejected: RejectedItem[] = [];
    const accepted: AcceptedItem[] = [];
    const seenIds = new Set<string>();
    let duplicatesInBatch = 0;
    items.forEach((item, index) => {
      const checked = this.check(item);
      if ('error' in checked) {
        rejected.push({ index, error: checked.error });
        return;
      }
      const id = checked.event.id;
      if (id !== undefined && seenIds.has(id)) {
        duplicatesInBatch++;
        return;
      }
      if (id !== undefined) seenIds.add(id);
      accepted.push(checked);
    });

    const acceptedCount = accepted.length + duplicatesInBatch;
    this.counters.rejected += rejected.length;
    if (acceptedCount === 0) return { status: 400, result: { accepted: 0, rejected } };

    await this.store(accepted);
    this.counters.accepted += acceptedCount;
    return { status: 202, result: { accepted: acceptedCount, rejected } };
  }

  private check(item: unknown): AcceptedItem | { error: string } {
    const parsed = ingestEventSchema.safeParse(item);
    if (!parsed.success) return { error: describeZodError(parsed.error) };
    const event = parsed.data;
    const device = this.deps.registry.device(event.deviceId);
    if (!device) return { error: `deviceId: unknown device '${event.deviceId}' (not in GET /api/v1/devices)` };
    const kind = EVENT_DEVICE_KIND[event.type];
    if (device.kind !== kind) {
      return { error: `type: '${event.type}' comes from a ${kind} device; '${event.deviceId}' is a ${device.kind}` };
    }
    const school = this.deps.registry.schoolOfDevice(device);
    if (!school) return { error: `deviceId: device '${event.deviceId}' belongs to no school` };
    return { event, school };
  }

  private store(items: AcceptedItem[]): Promise<void> {
    const { writes, store, alarms, cameras, events, clock } = this.deps;
    const logged = items.filter((i) => i.event.type !== 'camera.heartbeat');
    return writes.run(async () => {
      const changes: AlarmChange[] = [];
      const fresh: IngestEvent[] = [];
      if (logged.length > 0) {
        await store.db.transaction().execute(async (trx) => {
          const receivedAt = isoNow(clock);
          for (const { event, school } of logged) {
            const inserted = await trx
              .insertInto('events')
              .values({
                id: event.id ?? `srv-${randomUUID()}`,
                type: event.type,
                device_id: event.deviceId,
                at: new Date(event.at).toISOString(),
                received_at: receivedAt,
                payload: JSON.stringify(event),
              })
              .onConflict((oc) => oc.column('id').doNothing())
              .returning('id')
              .executeTakeFirst();
            if (!inserted) {
              this.counters.duplicates++;
              continue;
            }
            fresh.push(event);
            const alarmType = ALARM_OF_EVENT[event.type];
            if (alarmType) {
              changes.push(
                await alarms.raise(trx, {
                  type: alarmType,
                  deviceId: event.deviceId,
                  school,
                  at: new Date(event.at).toISOString(),
                  drill: 'drill' in event && event.drill === true,
                  note: noteOf(event),
                }),
              );
            }
          }
        });
      }
      // Announced only after the commit: persist before push.
      for (const { event } of items) {
        if (event.type === 'camera.heartbeat') cameras.heartbeat(event.deviceId, Date.parse(event.at), event.retentionDays);
      }
      const activity: ActivityEvent[] = [];
      for (const event of fresh) {
        if (event.type === 'camera.fault') cameras.fault(event.deviceId, event.fault);
        if (event.type === 'post.checkin' || event.type === 'post.checkout' || event.type === 'patrol.scan') {
          activity.push({ type: event.type, deviceId: event.deviceId, at: Date.parse(event.at) });
        }
      }
      if (changes.length > 0) events.emit('alarm.changed', changes);
      if (activity.length > 0) events.emit('activity.stored', activity);
    });
  }
}

function noteOf(event: IngestEvent): string | null {
  if (event.type === 'alarm.sos') return event.note ?? null;
  if (event.type === 'alarm.intrusion') return event.zone ?? null;
  if (event.type === 'alarm.access') return event.doorId ? `${event.reason} @ ${event.doorId}` : event.reason;
  if (event.type === 'camera.fault') return event.message ? `${event.fault}: ${event.message}` : event.fault;
  return null;
}

function refuse(status: 400 | 413, error: string): IngestOutcome {
  return { status, result: { error, accepted: 0, rejected: [] } };
}
