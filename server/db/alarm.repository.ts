import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { Alarm, AlarmState, AlarmTransition, AlarmType } from '../../shared/domain/index.js';
import { CLOSED_ALARM_STATES } from '../../shared/domain/index.js';
import { alarmSchema, fieldStepRecordSchema } from '../../shared/domain/alarm-schema.js';
import type { AlarmChange } from '../../shared/events.js';
import type { AlarmFact } from '../../shared/rules/alarm-analytics.js';
import { parseJsonColumn } from './json-columns.js';
import type { Database } from './schema.js';

type AlarmRow = Database['alarms'];

/** Which alarms a listing wants. */
export interface AlarmQuery {
  state: 'open' | 'closed' | 'all';
  /** Only alarms received at or after this ISO time. */
  since?: string;
  /** Only alarms received before this ISO time. */
  until?: string;
  types?: readonly AlarmType[];
  districtCode?: string;
  /** Only alarms at these schools (a search by school name resolves to ids first). */
  schoolIds?: readonly string[];
  drill?: boolean;
  /** Only alarms received within one of these ISO `[start, end)` stretches (a heat-map cell's hours). */
  windows?: readonly (readonly [string, string])[];
  /** Only alarms of this device. */
  deviceId?: string;
  /** Only alarms in these states (within `state`). */
  states?: readonly AlarmState[];
  /** Only alarms dispatched to this unit (police post) now. */
  unitId?: string;
  /** Only alarms changed at or after this ISO time. */
  updatedSince?: string;
  limit: number;
}

/**
 * Alarms, their transitions and the `seq` change log. Every write method takes the
 * transaction it belongs to, so a change and its log row commit together or not at all.
 */
export class AlarmRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The open alarm a repeated event from the same device folds into, if any. */
  async findOpenForDevice(trx: Kysely<Database>, deviceId: string, type: AlarmType, drill: boolean): Promise<Alarm | null> {
    const row = await trx
      .selectFrom('alarms')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('type', '=', type)
      .where('drill', '=', drill ? 1 : 0)
      .where('state', 'not in', [...CLOSED_ALARM_STATES])
      .orderBy('received_at', 'desc')
      .executeTakeFirst();
    return row ? this.withTransitions(trx, row) : null;
  }

  async insert(trx: Kysely<Database>, alarm: Alarm): Promise<void> {
    await trx.insertInto('alarms').values(alarmToRow(alarm)).execute();
  }

  /**
   * Writes an alarm's changed fields only if it is still in `expectedState` (compare-and-set in
   * the database: of two operators acting at once, exactly one wins). True when it was written.
   */
  async update(trx: Kysely<Database>, alarm: Alarm, expectedState: AlarmState, expectedUpdatedAt?: string): Promise<boolean> {
    const { id, ...row } = alarmToRow(alarm);
    let q = trx.updateTable('alarms').set(row).where('id', '=', id).where('state', '=', expectedState);
    // A step that keeps the state (a unit's acceptance, a report) also compares the last change's time.
    if (expectedUpdatedAt !== undefined) q = q.where('updated_at', '=', expectedUpdatedAt);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The alarm a unit's step with this `requestId` was stored on, if any (a re-sent step). */
  async alarmOfRequest(trx: Kysely<Database>, requestId: string): Promise<string | null> {
    const row = await trx.selectFrom('alarm_transitions').select('alarm_id').where('request_id', '=', requestId).executeTakeFirst();
    return row?.alarm_id ?? null;
  }

  /** One alarm with its transitions, read inside a transaction. */
  async getIn(trx: Kysely<Database>, id: string): Promise<Alarm | null> {
    const row = await trx.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withTransitions(trx, row) : null;
  }

  async insertTransition(trx: Kysely<Database>, alarmId: string, t: AlarmTransition): Promise<void> {
    await trx
      .insertInto('alarm_transitions')
      .values({
        alarm_id: alarmId,
        action: t.action,
        unit_id: t.unitId ?? null,
        from_state: t.from,
        to_state: t.to,
        actor: t.actor,
        at: t.at,
        note: t.note,
        note_en: t.noteEn ?? null,
        field: t.field ? JSON.stringify(t.field) : null,
        request_id: t.field?.requestId ?? null,
      })
      .execute();
  }

  /**
   * Appends the alarm as it now stands to the change log and returns its `seq`. `trx` comes from
   * `inTransaction`, which on PostgreSQL holds the writers' advisory lock: `seq`s commit in the
   * order they are drawn across nodes (server/db/transaction.ts).
   */
  async appendChange(trx: Kysely<Database>, alarm: Alarm): Promise<AlarmChange> {
    const row = await trx
      .insertInto('alarm_changes')
      .values({ alarm_id: alarm.id, at: alarm.updatedAt, payload: JSON.stringify(alarm) })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return { seq: Number(row.seq), alarm };
  }

  /** The latest `seq`, 0 before the first change. */
  async lastSeq(): Promise<number> {
    const row = await this.db.selectFrom('alarm_changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  /** Changes after `seq`, in order; at most `limit`. */
  async changesAfter(seq: number, limit: number): Promise<AlarmChange[]> {
    const rows = await this.db
      .selectFrom('alarm_changes')
      .select(['seq', 'payload'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), alarm: parseJsonColumn(alarmSchema, r.payload, `alarm_changes.payload of seq ${r.seq}`) }));
  }

  async get(id: string): Promise<Alarm | null> {
    const row = await this.db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withTransitions(this.db, row) : null;
  }

  /** Alarms newest first, each with its transitions. */
  async list(query: AlarmQuery): Promise<Alarm[]> {
    if (query.schoolIds?.length === 0 || query.states?.length === 0 || query.windows?.length === 0) return [];
    const rows = await filtered(this.db.selectFrom('alarms').selectAll(), query).orderBy('received_at', 'desc').orderBy('id').limit(query.limit).execute();
    return this.attachTransitions(rows);
  }

  /**
   * The columns the analytics count (issue 15), of every alarm a listing with the same query
   * would hold (no limit: the caller bounds the time range); read on the worker pool.
   */
  async facts(query: Omit<AlarmQuery, 'limit'>): Promise<AlarmFact[]> {
    if (query.schoolIds?.length === 0 || query.states?.length === 0 || query.windows?.length === 0) return [];
    const rows = await filtered(
      this.db.selectFrom('alarms').select(['type', 'state', 'district_code', 'school_id', 'device_id', 'received_at', 'drill']),
      query,
    ).execute();
    return rows.map((r) => ({ type: r.type, state: r.state, districtCode: r.district_code, schoolId: r.school_id, deviceId: r.device_id, receivedAt: r.received_at, drill: r.drill === 1 }));
  }

  private async withTransitions(db: Kysely<Database>, row: AlarmRow): Promise<Alarm> {
    const transitions = await db.selectFrom('alarm_transitions').selectAll().where('alarm_id', '=', row.id).orderBy('id').execute();
    return rowToAlarm(row, transitions.map(rowToTransition));
  }

  private async attachTransitions(rows: AlarmRow[]): Promise<Alarm[]> {
    if (rows.length === 0) return [];
    const byAlarm = new Map<string, AlarmTransition[]>();
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const transitions = await this.db
        .selectFrom('alarm_transitions')
        .selectAll()
        .where('alarm_id', 'in', ids.slice(i, i + 500))
        .orderBy('id')
        .execute();
      for (const t of transitions) {
        const list = byAlarm.get(t.alarm_id) ?? [];
        list.push(rowToTransition(t));
        byAlarm.set(t.alarm_id, list);
      }
    }
    return rows.map((r) => rowToAlarm(r, byAlarm.get(r.id) ?? []));
  }
}

/** A listing's filters on a select of `alarms` (one place, so the list and the analytics count the same alarms). */
function filtered<O>(select: SelectQueryBuilder<Database, 'alarms', O>, query: Omit<AlarmQuery, 'limit'>): SelectQueryBuilder<Database, 'alarms', O> {
  let q = select;
  if (query.state === 'open') q = q.where('state', 'not in', [...CLOSED_ALARM_STATES]);
  if (query.state === 'closed') q = q.where('state', 'in', [...CLOSED_ALARM_STATES]);
  if (query.states) q = q.where('state', 'in', [...query.states]);
  if (query.since) q = q.where('received_at', '>=', query.since);
  if (query.until) q = q.where('received_at', '<', query.until);
  if (query.types?.length) q = q.where('type', 'in', [...query.types]);
  if (query.districtCode) q = q.where('district_code', '=', query.districtCode);
  if (query.schoolIds) q = q.where('school_id', 'in', [...query.schoolIds]);
  if (query.drill !== undefined) q = q.where('drill', '=', query.drill ? 1 : 0);
  if (query.deviceId) q = q.where('device_id', '=', query.deviceId);
  const windows = query.windows;
  if (windows) q = q.where((eb) => eb.or(windows.map(([start, end]) => eb.and([eb('received_at', '>=', start), eb('received_at', '<', end)]))));
  if (query.unitId) q = q.where('unit_id', '=', query.unitId);
  if (query.updatedSince) q = q.where('updated_at', '>=', query.updatedSince);
  return q;
}

function rowToTransition(t: Selectable<Database['alarm_transitions']>): AlarmTransition {
  return {
    action: t.action,
    ...(t.unit_id ? { unitId: t.unit_id } : {}),
    from: t.from_state,
    to: t.to_state,
    actor: t.actor,
    at: t.at,
    note: t.note,
    ...(t.note_en ? { noteEn: t.note_en } : {}),
    ...(t.field ? { field: parseJsonColumn(fieldStepRecordSchema, t.field, `alarm_transitions.field of ${t.id}`) } : {}),
  };
}

function rowToAlarm(r: AlarmRow, transitions: AlarmTransition[]): Alarm {
  return {
    id: r.id,
    type: r.type,
    priority: r.priority,
    state: r.state,
    schoolId: r.school_id,
    deviceId: r.device_id,
    districtCode: r.district_code,
    openedAt: r.opened_at,
    receivedAt: r.received_at,
    updatedAt: r.updated_at,
    lastSeenAt: r.last_seen_at,
    count: r.count,
    drill: r.drill === 1,
    unitId: r.unit_id,
    disposition: r.disposition,
    transitions,
  };
}

function alarmToRow(a: Alarm): AlarmRow {
  return {
    id: a.id,
    type: a.type,
    priority: a.priority,
    state: a.state,
    school_id: a.schoolId,
    device_id: a.deviceId,
    district_code: a.districtCode,
    opened_at: a.openedAt,
    received_at: a.receivedAt,
    updated_at: a.updatedAt,
    last_seen_at: a.lastSeenAt,
    count: a.count,
    drill: a.drill ? 1 : 0,
    unit_id: a.unitId,
    disposition: a.disposition,
  };
}
