import { randomUUID } from 'node:crypto';
import type { CameraStateBackend } from '../cluster/backend.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  EARLIEST_EVENT_AT,
  EVENT_DEVICE_KIND,
  sentBy,
  ID_REUSED_ERROR,
  MAX_EVENTS_PER_BATCH,
  MAX_EVENT_AHEAD_MS,
  describeZodError,
  heartbeatEventSchema,
  ingestEventSchema,
  type IngestEvent,
  type IngestResult,
  type RejectedItem,
} from '../../shared/ingest.js';
import type { AlarmType, School } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { EventRepository } from '../db/event.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { AlarmService } from '../services/alarm.service.js';
import { NO_CAMERA, type CameraHealthService } from '../services/camera-health.service.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { RegistryService } from '../services/registry.service.js';
import { isoNow, type Clock } from '../clock.js';
import { hasNul, NUL_REFUSAL } from '../http/input.js';
import { refusal } from '../../shared/refusal.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { canonicalOf, digestOf, legacyCanonical } from './event-digest.js';

/** An ingest answer with its HTTP status. */
export interface IngestOutcome {
  status: 202 | 400 | 413;
  /** `error` says what is wrong with the request as a whole, when it is not one item's fault. */
  result: IngestResult & { error?: string };
}

/**
 * Who numbered an event's id (DESIGN.md §4: an id is unique within its integration): the ingest
 * token by its stored id (never its secret) for HTTP, the gateway of topic
 * `xiaoan/events/<gatewayId>` for MQTT.
 */
export type IngestSource = `token:${number}` | `mqtt:${string}` | `web:${string}` | `sip:${string}`;

/**
 * An event a person made happen through a screen (the school page's 一键报警, source
 * `web:<username>`): the alarm's raise step names them, with its note in both languages, and
 * `onAlarm` runs inside the write that stores the event (the audit entry commits with the alarm).
 */
export interface IngestOnBehalf {
  actor: string;
  note: string;
  noteEn: string;
  onAlarm(trx: Kysely<Database>, change: AlarmChange): Promise<void>;
}

/** A validated item and what it concerns. */
interface AcceptedItem {
  event: IngestEvent;
  school: School;
  /** Its place in the batch. */
  index: number;
  /** Its canonical content (see canonicalOf), when it carries an id. */
  canonical?: string;
}

/** `id reused with different content`, with its words for a person. */
const ID_REUSED: RejectedItem['message'] = { zh: '事件编号已被本接入方用于内容不同的另一事件：同一编号只能原样重发', en: ID_REUSED_ERROR };
const EARLIEST_MS = Date.parse(EARLIEST_EVENT_AT);

/** Which alarm each alarm-raising event type opens. */
const ALARM_OF_EVENT: Partial<Record<IngestEvent['type'], AlarmType>> = {
  'alarm.sos': 'sos',
  'alarm.intrusion': 'intrusion',
  'alarm.access': 'access_anomaly',
  'camera.fault': 'camera_fault',
};

/**
 * Keepalives of one batch, as camera indices (looked up once, while checking) and device times:
 * a thousand of them are three flat arrays, not a thousand objects kept until the write queue.
 */
interface Keepalives {
  cameras: number[];
  atMs: number[];
  /** Days of video reported, or -1. */
  retentionDays: number[];
}

/**
 * Checking a batch yields to the event loop whenever it has run this long, so that a batch of
 * 1,000 never holds the loop (an alarm POST or a socket write waiting behind it) for more.
 */
const SLICE_MS = 2;
/** Items checked between two looks at the clock. */
const ITEMS_PER_CLOCK_READ = 32;

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
  /** The last keepalive `at` text the schema accepted, and its time: a gateway's batch mostly shares one. */
  private lastAt = '';
  private lastAtMs = 0;

  constructor(
    private readonly deps: {
      store: Store;
      writes: WriteQueue;
      registry: RegistryService;
      alarms: AlarmService;
      cameras: CameraHealthService;
      events: DomainEvents;
      clock: Clock;
      /** Where stored 护学岗 and patrol activity is announced: this node's bus, or every node's (REDIS_URL). */
      shared: Pick<CameraStateBackend, 'activity'>;
    },
  ) {
    this.eventLog = new EventRepository(deps.store.db);
  }

  /** The event log, where every stored event is kept under its integration's id. */
  private readonly eventLog: EventRepository;

  /**
   * Whether rows stored before ids were scoped (source `legacy`) may still exist; checked once,
   * on the first batch with ids, and then only while there are some.
   */
  private legacyRows: Promise<boolean> | null = null;

  /** Checks and stores one body (one event or an array), its ids scoped to `source`. */
  async ingest(body: unknown, source: IngestSource, by?: IngestOnBehalf): Promise<IngestOutcome> {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) return refuse(400, 'the body is an empty array: send one event or an array of 1 to 1,000');
    if (items.length > MAX_EVENTS_PER_BATCH) {
      return refuse(413, `${items.length} events in one request: at most ${MAX_EVENTS_PER_BATCH}`);
    }

    const rejected: RejectedItem[] = [];
    const accepted: AcceptedItem[] = [];
    const keepalives: Keepalives = { cameras: [], atMs: [], retentionDays: [] };
    // Each id of the batch with its canonical content: a repeat is a re-send, or an id reused.
    const seenIds = new Map<string, string>();
    let duplicatesInBatch = 0;
    const now = this.deps.clock.now();
    let sliceStart = performance.now();
    for (let index = 0; index < items.length; index++) {
      if (index % ITEMS_PER_CLOCK_READ === ITEMS_PER_CLOCK_READ - 1 && performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      const item: unknown = items[index];
      if (hasNul(item)) {
        rejected.push({ index, ...NUL_REFUSAL });
        continue;
      }
      // Well-formed keepalives skip the schema's object copy and the registry (see quickKeepalive).
      const camera = this.quickKeepalive(item);
      const checked = camera === NO_CAMERA ? this.check(item, index) : null;
      if (checked && 'error' in checked) {
        rejected.push({ index, error: checked.error, ...(checked.message ? { message: checked.message } : {}) });
        continue;
      }
      const atMs = checked ? Date.parse(checked.event.at) : this.lastAtMs;
      if (atMs < EARLIEST_MS || atMs > now + MAX_EVENT_AHEAD_MS) {
        const at = checked ? checked.event.at : (item as { at: string }).at;
        rejected.push({
          index,
          ...refusal(`at：时间 ${at} 不在可接受的范围内（2000-01-01 起，至多比服务器时间晚一天）`, `at: ${at} is outside the accepted window (from 2000-01-01 to one day after the server's clock)`),
        });
        continue;
      }
      const id = checked ? checked.event.id : (item as { id?: string }).id;
      if (id !== undefined) {
        const canonical = canonicalOf(checked ? checked.event : keepaliveOf(item as QuickKeepalive));
        const seen = seenIds.get(id);
        if (seen === canonical) {
          duplicatesInBatch++;
          continue;
        }
        if (seen !== undefined) {
          rejected.push({ index, error: ID_REUSED_ERROR, message: ID_REUSED });
          continue;
        }
        seenIds.set(id, canonical);
        if (checked) checked.canonical = canonical;
      }
      if (checked === null) {
        const { retentionDays } = item as { retentionDays?: number };
        keepalives.cameras.push(camera);
        keepalives.atMs.push(this.lastAtMs);
        keepalives.retentionDays.push(retentionDays ?? -1);
      } else if (checked.event.type === 'camera.heartbeat') {
        keepalives.cameras.push(this.deps.cameras.indexOf(checked.event.deviceId));
        keepalives.atMs.push(Date.parse(checked.event.at));
        keepalives.retentionDays.push(checked.event.retentionDays ?? -1);
      } else {
        accepted.push(checked);
      }
    }

    let acceptedCount = accepted.length + keepalives.cameras.length + duplicatesInBatch;
    if (acceptedCount > 0) {
      // The store may find an id this integration already used for other content.
      const reused = await this.store(accepted, keepalives, source, by);
      if (reused.length > 0) {
        for (const index of reused) rejected.push({ index, error: ID_REUSED_ERROR, message: ID_REUSED });
        rejected.sort((a, b) => a.index - b.index);
        acceptedCount -= reused.length;
      }
    }
    this.counters.rejected += rejected.length;
    if (acceptedCount === 0) return { status: 400, result: { accepted: 0, rejected } };
    this.counters.accepted += acceptedCount;
    return { status: 202, result: { accepted: acceptedCount, rejected } };
  }

  /**
   * The camera index of an item that is beyond doubt a valid keepalive from a registered camera,
   * else NO_CAMERA (and the item takes the full check, which also words any error). Accepts
   * only what the schema accepts unchanged: the same `at` check (cached for a repeated text),
   * ids and device ids with nothing for the schema to trim, a whole retentionDays in range.
   * Unknown extra fields are ignored, as the schema strips them.
   */
  private quickKeepalive(item: unknown): number {
    if (typeof item !== 'object' || item === null) return NO_CAMERA;
    const { type, deviceId, at, id, retentionDays } = item as Record<string, unknown>;
    if (type !== 'camera.heartbeat' || !plainText(deviceId) || (id !== undefined && !plainText(id))) return NO_CAMERA;
    if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && (retentionDays as number) >= 0 && (retentionDays as number) <= 3650)) return NO_CAMERA;
    if (typeof at !== 'string') return NO_CAMERA;
    if (at !== this.lastAt) {
      if (!heartbeatEventSchema.shape.at.safeParse(at).success) return NO_CAMERA;
      this.lastAt = at;
      this.lastAtMs = Date.parse(at);
    }
    return this.deps.cameras.indexOf(deviceId);
  }

  private check(item: unknown, index: number): AcceptedItem | { error: string; message?: RejectedItem['message'] } {
    const parsed = ingestEventSchema.safeParse(item);
    if (!parsed.success) return { error: describeZodError(parsed.error) };
    const event = parsed.data;
    const device = this.deps.registry.device(event.deviceId);
    if (!device) return { error: `deviceId: unknown device '${event.deviceId}' (not in GET /api/v1/devices)` };
    const kind = EVENT_DEVICE_KIND[event.type];
    if (!sentBy(event.type, device.kind)) {
      return { error: `type: '${event.type}' comes from a ${kind} device; '${event.deviceId}' is a ${device.kind}` };
    }
    const school = this.deps.registry.schoolOfDevice(device);
    if (!school) return { error: `deviceId: device '${event.deviceId}' belongs to no school` };
    return { event, school, index };
  }

  /**
   * Stores the logged events under their integration's ids and folds in the keepalives. Returns
   * the batch indices of events refused because their id already names other content.
   */
  private store(logged: AcceptedItem[], keepalives: Keepalives, source: IngestSource, by?: IngestOnBehalf): Promise<number[]> {
    const { writes, store, alarms, cameras, events, clock } = this.deps;
    const reused: number[] = [];
    return writes.run(async () => {
      const changes: AlarmChange[] = [];
      const fresh: IngestEvent[] = [];
      if (logged.length > 0) {
        const legacy = logged.some((item) => item.canonical !== undefined) && (await this.mayHaveLegacyRows());
        await inTransaction(store, async (trx) => {
          const receivedAt = isoNow(clock);
          for (const { event, school, index, canonical } of logged) {
            const known = canonical === undefined ? 'new' : await this.knownAs(trx, event.id!, source, canonical, legacy);
            if (known === 'reused') {
              reused.push(index);
              continue;
            }
            if (known === 'same') {
              this.counters.duplicates++;
              continue;
            }
            const inserted = await this.eventLog.appendOnce(trx, {
              id: event.id ?? `srv-${randomUUID()}`,
              source,
              type: event.type,
              deviceId: event.deviceId,
              at: new Date(event.at).toISOString(),
              receivedAt,
              payload: JSON.stringify(event),
              digest: canonical === undefined ? null : digestOf(canonical),
            });
            if (!inserted) {
              // Stored meanwhile (another node): judged on what is there now.
              if ((await this.knownAs(trx, event.id!, source, canonical!, false)) === 'reused') reused.push(index);
              else this.counters.duplicates++;
              continue;
            }
            fresh.push(event);
            const alarmType = ALARM_OF_EVENT[event.type];
            if (alarmType) {
              const change = await alarms.raise(trx, {
                type: alarmType,
                deviceId: event.deviceId,
                school,
                at: new Date(event.at).toISOString(),
                drill: 'drill' in event && event.drill === true,
                note: by ? by.note : noteOf(event),
                ...(by ? { actor: by.actor, noteEn: by.noteEn } : {}),
              });
              changes.push(change);
              if (by) await by.onAlarm(trx, change);
            }
          }
        });
      }
      // Announced only after the commit: persist before push.
      const now = clock.now();
      for (let i = 0; i < keepalives.cameras.length; i++) {
        const retentionDays = keepalives.retentionDays[i]!;
        cameras.heartbeatAt(keepalives.cameras[i]!, keepalives.atMs[i]!, now, retentionDays === -1 ? undefined : retentionDays);
      }
      cameras.endBatch();
      const activity: ActivityEvent[] = [];
      const deviceFaults: Extract<IngestEvent, { type: 'device.fault' }>[] = [];
      for (const event of fresh) {
        if (event.type === 'camera.fault') cameras.fault(event.deviceId, event.fault);
        if (event.type === 'device.fault') deviceFaults.push(event);
        if (event.type === 'post.checkin' || event.type === 'post.checkout' || event.type === 'patrol.scan') {
          activity.push({ type: event.type, deviceId: event.deviceId, at: Date.parse(event.at) });
        }
      }
      if (changes.length > 0) events.emit('alarm.changed', changes);
      this.deps.shared.activity(activity);
      if (deviceFaults.length > 0) events.emit('device.fault', deviceFaults.map((e) => ({ deviceId: e.deviceId, at: Date.parse(e.at), reason: e.fault, restored: e.restored === true })));
      return reused;
    });
  }

  /**
   * What the store already holds under this id: nothing (`new`), the same event (`same`: a true
   * re-send), or other content (`reused`). A row from before ids were scoped (`legacy`) counts as
   * this integration's when its content is the same; otherwise it was another integration's.
   */
  private async knownAs(trx: Kysely<Database>, id: string, source: IngestSource, canonical: string, legacy: boolean): Promise<'new' | 'same' | 'reused'> {
    const rows = await this.eventLog.storedUnder(trx, id, legacy ? [source, 'legacy'] : [source]);
    const own = rows.find((r) => r.source === source);
    if (own) return own.digest === digestOf(canonical) ? 'same' : 'reused';
    const old = rows.find((r) => r.source === 'legacy');
    if (old && legacyCanonical(old.payload) === canonical) return 'same';
    return 'new';
  }

  /** Whether any `legacy` row is left (cached while true; a migrated store keeps them for good). */
  private mayHaveLegacyRows(): Promise<boolean> {
    this.legacyRows ??= this.eventLog.hasLegacyRows();
    return this.legacyRows;
  }
}

/** The fields of a keepalive that passed quickKeepalive (so the schema would keep them unchanged). */
interface QuickKeepalive {
  id?: string;
  type: 'camera.heartbeat';
  deviceId: string;
  at: string;
  retentionDays?: number;
}

/** A fast-path keepalive as the schema would have returned it (unknown fields dropped). */
function keepaliveOf(item: QuickKeepalive): Record<string, unknown> {
  return { id: item.id, type: item.type, deviceId: item.deviceId, at: item.at, retentionDays: item.retentionDays };
}

/** A string of 1 to 128 characters that the schema's trim would leave as it is. */
function plainText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && value.trim() === value;
}

function noteOf(event: IngestEvent): string | null {
  if (event.type === 'alarm.sos') return event.note ?? null;
  if (event.type === 'alarm.intrusion') return event.zone ?? null;
  if (event.type === 'alarm.access') return event.doorId ? `${event.reason} @ ${event.doorId}` : event.reason;
  if (event.type === 'camera.fault' || event.type === 'device.fault') return event.message ? `${event.fault}: ${event.message}` : event.fault;
  return null;
}

function refuse(status: 400 | 413, error: string): IngestOutcome {
  return { status, result: { error, accepted: 0, rejected: [] } };
}
