import { z } from 'zod';
import type { Kysely, Selectable } from 'kysely';
import type { DrillView } from '../../shared/compliance.js';
import { drillNoteSchema, drillTargetsSchema, type Drill, type DrillChecklistItem, type DrillNote, type DrillState } from '../../shared/drill.js';
import { parseJsonColumn } from './json-columns.js';
import type { Database } from './schema.js';

/** `drill_runs.notes`: the record's notes, oldest first. */
const drillNotes = z.array(drillNoteSchema);

type DrillRow = Selectable<Database['drill_runs']>;
type ItemRow = Selectable<Database['drill_checklist']>;

/** Which drills a listing wants, newest planned first. */
export interface DrillQuery {
  state?: DrillState;
  schoolId?: string;
  /** Only these districts (a county user's scope); undefined for all. */
  districtCode?: string;
  limit: number;
}

function toDrill(row: DrillRow, items: ItemRow[]): Drill {
  return {
    id: row.id,
    schoolId: row.school_id,
    districtCode: row.district_code,
    scenario: row.scenario,
    participants: row.participants,
    plannedFor: row.planned_for,
    lengthMinutes: Number(row.length_minutes),
    targets: parseJsonColumn(drillTargetsSchema, row.targets, `drill_runs.targets of ${row.id}`),
    state: row.state,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedBy: row.started_by,
    startedAt: row.started_at,
    endedBy: row.ended_by,
    endedAt: row.ended_at,
    cancelNote: row.cancel_note,
    alarmId: row.alarm_id,
    alarmOrigin: row.alarm_origin,
    checklist: items
      .sort((a, b) => a.position - b.position)
      .map((i): DrillChecklistItem => ({ id: i.item_id, label: i.label, points: i.points, checkedBy: i.checked_by, checkedAt: i.checked_at })),
    recordId: row.record_id,
    endReason: row.end_reason,
    notes: parseJsonColumn(drillNotes, row.notes, `drill_runs.notes of ${row.id}`),
  };
}

/** Live drills and their checklists. Write methods take the transaction they belong to. */
export class DrillRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(trx: Kysely<Database>, drill: Drill): Promise<void> {
    await trx
      .insertInto('drill_runs')
      .values({
        id: drill.id,
        school_id: drill.schoolId,
        district_code: drill.districtCode,
        scenario: drill.scenario,
        participants: drill.participants,
        planned_for: drill.plannedFor,
        length_minutes: drill.lengthMinutes,
        targets: JSON.stringify(drill.targets),
        state: drill.state,
        created_by: drill.createdBy,
        created_at: drill.createdAt,
        started_by: null,
        started_at: null,
        ended_by: null,
        ended_at: null,
        cancel_note: null,
        alarm_id: null,
        alarm_origin: null,
        record_id: null,
        end_reason: null,
        notes: JSON.stringify(drill.notes),
      })
      .execute();
    if (drill.checklist.length > 0) {
      await trx
        .insertInto('drill_checklist')
        .values(drill.checklist.map((item, position) => ({ drill_id: drill.id, item_id: item.id, position, label: item.label, points: item.points, checked_by: null, checked_at: null })))
        .execute();
    }
  }

  /**
   * Writes a drill's changed fields only if it is still in `expectedState` (compare-and-set:
   * of two operators ending it at once, one wins). True when written.
   */
  async update(trx: Kysely<Database>, drill: Drill, expectedState: DrillState): Promise<boolean> {
    const result = await trx
      .updateTable('drill_runs')
      .set({
        state: drill.state,
        started_by: drill.startedBy,
        started_at: drill.startedAt,
        ended_by: drill.endedBy,
        ended_at: drill.endedAt,
        cancel_note: drill.cancelNote,
        alarm_id: drill.alarmId,
        alarm_origin: drill.alarmOrigin,
        record_id: drill.recordId,
        planned_for: drill.plannedFor,
        end_reason: drill.endReason,
        notes: JSON.stringify(drill.notes),
      })
      .where('id', '=', drill.id)
      .where('state', '=', expectedState)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Links the drill alarm, unless one is linked already. True when linked. */
  async linkAlarm(trx: Kysely<Database>, drillId: string, alarmId: string, origin: 'drill_screen' | 'device'): Promise<boolean> {
    const result = await trx
      .updateTable('drill_runs')
      .set({ alarm_id: alarmId, alarm_origin: origin })
      .where('id', '=', drillId)
      .where('alarm_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Adds a note to a drill's record (read and written inside the caller's transaction). False when there is no such drill. */
  async addNote(trx: Kysely<Database>, drillId: string, note: DrillNote): Promise<boolean> {
    const row = await trx.selectFrom('drill_runs').select('notes').where('id', '=', drillId).executeTakeFirst();
    if (!row) return false;
    const notes = [...parseJsonColumn(drillNotes, row.notes, `drill_runs.notes of ${drillId}`), note];
    await trx.updateTable('drill_runs').set({ notes: JSON.stringify(notes) }).where('id', '=', drillId).execute();
    return true;
  }

  /** The drill whose record an alarm belongs to: the one it is linked to, else the one at its school that ran when it came in. */
  async forAlarm(trx: Kysely<Database>, alarm: { id: string; schoolId: string; receivedAt: string }): Promise<string | null> {
    const linked = await trx.selectFrom('drill_runs').select('id').where('alarm_id', '=', alarm.id).executeTakeFirst();
    if (linked) return linked.id;
    const during = await trx
      .selectFrom('drill_runs')
      .select('id')
      .where('school_id', '=', alarm.schoolId)
      .where('started_at', 'is not', null)
      .where('started_at', '<=', alarm.receivedAt)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', alarm.receivedAt)]))
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    return during?.id ?? null;
  }

  /** Ticks or unticks one checklist item. False when the drill has no such item. */
  async check(trx: Kysely<Database>, drillId: string, itemId: string, by: string | null, at: string | null): Promise<boolean> {
    const result = await trx
      .updateTable('drill_checklist')
      .set({ checked_by: by, checked_at: at })
      .where('drill_id', '=', drillId)
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The compliance desk's record of a drill held (0003 `drills`), written in the same transaction as the end. */
  async addRecord(trx: Kysely<Database>, record: DrillView): Promise<void> {
    await trx
      .insertInto('drills')
      .values({ id: record.id, school_id: record.schoolId, date: record.date, scenario: record.scenario, recorded_by: record.recordedBy, recorded_at: record.recordedAt })
      .execute();
  }

  async get(id: string, db: Kysely<Database> = this.db): Promise<Drill | null> {
    const row = await db.selectFrom('drill_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const items = await db.selectFrom('drill_checklist').selectAll().where('drill_id', '=', id).execute();
    return toDrill(row, items);
  }

  async list(query: DrillQuery): Promise<Drill[]> {
    let q = this.db.selectFrom('drill_runs').selectAll();
    if (query.state) q = q.where('state', '=', query.state);
    if (query.schoolId) q = q.where('school_id', '=', query.schoolId);
    if (query.districtCode) q = q.where('district_code', '=', query.districtCode);
    const rows = await q.orderBy('planned_for', 'desc').orderBy('id').limit(query.limit).execute();
    if (rows.length === 0) return [];
    const items = await this.db.selectFrom('drill_checklist').selectAll().where('drill_id', 'in', rows.map((r) => r.id)).execute();
    const byDrill = new Map<string, ItemRow[]>();
    for (const item of items) byDrill.set(item.drill_id, [...(byDrill.get(item.drill_id) ?? []), item]);
    return rows.map((row) => toDrill(row, byDrill.get(row.id) ?? []));
  }

  /** Every running drill (few at a time): the live flagging of alarms starts from these. */
  async running(): Promise<Drill[]> {
    return this.list({ state: 'running', limit: 10_000 });
  }
}
