import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ALARM_PRIORITY, type Alarm, type AlarmType, type School } from '../../shared/domain/index.js';
import type { AlarmChange, AlarmSnapshot } from '../../shared/events.js';
import type { AlarmQuery, AlarmRepository } from '../db/alarm.repository.js';
import type { Database } from '../db/schema.js';
import { isoNow, type Clock } from './clock.js';

/** What an ingest event asks of the alarm service. */
export interface RaiseAlarmInput {
  type: AlarmType;
  deviceId: string;
  school: School;
  /** When the device says it happened (ISO). */
  at: string;
  drill: boolean;
  note: string | null;
}

/** How many closed alarms a fresh screen receives beside the open ones. */
const SNAPSHOT_CLOSED = 100;

/** Opening alarms, folding repeats, and reading them back. */
export class AlarmService {
  constructor(
    private readonly alarms: AlarmRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Inside the caller's transaction: a new alarm, or — when the same device already has an open
   * alarm of this type — that alarm with its counter and last-seen time moved on, never a duplicate.
   */
  async raise(trx: Kysely<Database>, input: RaiseAlarmInput): Promise<AlarmChange> {
    const now = isoNow(this.clock);
    const open = await this.alarms.findOpenForDevice(trx, input.deviceId, input.type, input.drill);
    if (open) {
      const folded: Alarm = {
        ...open,
        count: open.count + 1,
        lastSeenAt: input.at > open.lastSeenAt ? input.at : open.lastSeenAt,
        updatedAt: now,
      };
      await this.alarms.update(trx, folded);
      return this.alarms.appendChange(trx, folded);
    }
    const transition = { from: null, to: 'new' as const, actor: `device:${input.deviceId}`, at: now, note: input.note };
    const alarm: Alarm = {
      id: randomUUID(),
      type: input.type,
      priority: ALARM_PRIORITY[input.type],
      state: 'new',
      schoolId: input.school.id,
      deviceId: input.deviceId,
      districtCode: input.school.districtCode,
      openedAt: input.at,
      receivedAt: now,
      updatedAt: now,
      count: 1,
      lastSeenAt: input.at,
      drill: input.drill,
      unitId: null,
      disposition: null,
      transitions: [transition],
    };
    await this.alarms.insert(trx, alarm);
    await this.alarms.insertTransition(trx, alarm.id, transition);
    return this.alarms.appendChange(trx, alarm);
  }

  list(query: AlarmQuery): Promise<Alarm[]> {
    return this.alarms.list(query);
  }

  get(id: string): Promise<Alarm | null> {
    return this.alarms.get(id);
  }

  lastSeq(): Promise<number> {
    return this.alarms.lastSeq();
  }

  changesAfter(seq: number, limit: number): Promise<AlarmChange[]> {
    return this.alarms.changesAfter(seq, limit);
  }

  /** Every open alarm and the latest closed ones, as of the returned `seq`. */
  async snapshot(): Promise<AlarmSnapshot> {
    const seq = await this.alarms.lastSeq();
    const [open, closed] = await Promise.all([
      this.alarms.list({ state: 'open', limit: 100_000 }),
      this.alarms.list({ state: 'closed', limit: SNAPSHOT_CLOSED }),
    ]);
    return { seq, alarms: [...open, ...closed] };
  }
}
