import type { Kysely } from 'kysely';
import { recordChangesSchema, securityRecordSchema, type RecordHistoryEntry, type SchoolEditable } from '../../shared/compliance.js';
import type { SchoolSecurityRecord } from '../../shared/domain/security-record.js';
import { parseJsonColumn } from './json-columns.js';
import type { Database } from './schema.js';

/** A stored record with who last changed it. */
export interface StoredRecord {
  record: SchoolSecurityRecord;
  updatedAt: string;
  updatedBy: string;
}

/** Parses a stored record; a row that does not hold a valid record is an error, never silently used. */
function parseRecord(json: string, schoolId: string): SchoolSecurityRecord {
  return parseJsonColumn(securityRecordSchema, json, `security record of ${schoolId}`);
}

function toEntry(row: { id: number; school_id: string; at: string; actor: string; note: string | null; changes: string }): RecordHistoryEntry {
  return { id: Number(row.id), schoolId: row.school_id, at: row.at, actor: row.actor, note: row.note, changes: parseJsonColumn(recordChangesSchema, row.changes, `record_history.changes of ${row.id}`) };
}

/** Security records (安防档案), their history, and the school fields a record edit may change. */
export class RecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async all(): Promise<Map<string, StoredRecord>> {
    const rows = await this.db.selectFrom('security_records').selectAll().execute();
    return new Map(rows.map((r) => [r.school_id, { record: parseRecord(r.record, r.school_id), updatedAt: r.updated_at, updatedBy: r.updated_by }]));
  }

  async get(db: Kysely<Database>, schoolId: string): Promise<StoredRecord | null> {
    const row = await db.selectFrom('security_records').selectAll().where('school_id', '=', schoolId).executeTakeFirst();
    return row ? { record: parseRecord(row.record, schoolId), updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
  }

  /** Writes a whole record, validated again on its way in. */
  async put(trx: Kysely<Database>, record: SchoolSecurityRecord, at: string, actor: string): Promise<void> {
    const json = JSON.stringify(securityRecordSchema.parse(record));
    await trx
      .insertInto('security_records')
      .values({ school_id: record.schoolId, record: json, updated_at: at, updated_by: actor })
      .onConflict((oc) => oc.column('school_id').doUpdateSet({ record: json, updated_at: at, updated_by: actor }))
      .execute();
  }

  /** The school's own fields a record edit may change, as stored now (read inside the edit's transaction). */
  async schoolFields(trx: Kysely<Database>, schoolId: string): Promise<SchoolEditable> {
    const row = await trx.selectFrom('schools').select(['students', 'staff', 'boarding', 'boarders', 'guards', 'counter_terror']).where('id', '=', schoolId).executeTakeFirstOrThrow();
    return { students: row.students, staff: row.staff, boarding: row.boarding === 1, boarders: row.boarders, guards: row.guards, counterTerror: row.counter_terror === 1 };
  }

  async updateSchool(trx: Kysely<Database>, schoolId: string, fields: Partial<SchoolEditable>): Promise<void> {
    const set: Partial<Database['schools']> = {};
    if (fields.students !== undefined) set.students = fields.students;
    if (fields.staff !== undefined) set.staff = fields.staff;
    if (fields.boarders !== undefined) set.boarders = fields.boarders;
    if (fields.guards !== undefined) set.guards = fields.guards;
    if (fields.boarding !== undefined) set.boarding = fields.boarding ? 1 : 0;
    if (fields.counterTerror !== undefined) set.counter_terror = fields.counterTerror ? 1 : 0;
    if (Object.keys(set).length > 0) await trx.updateTable('schools').set(set).where('id', '=', schoolId).execute();
  }

  async appendHistory(trx: Kysely<Database>, entry: Omit<RecordHistoryEntry, 'id'>): Promise<RecordHistoryEntry> {
    const row = await trx
      .insertInto('record_history')
      .values({ school_id: entry.schoolId, at: entry.at, actor: entry.actor, note: entry.note, changes: JSON.stringify(entry.changes) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), ...entry };
  }

  /** One school's edits, newest first. */
  async history(schoolId: string, limit: number): Promise<RecordHistoryEntry[]> {
    const rows = await this.db.selectFrom('record_history').selectAll().where('school_id', '=', schoolId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }

  /** Every edit, oldest first (to rebuild records as of a past date). */
  async allHistory(): Promise<RecordHistoryEntry[]> {
    const rows = await this.db.selectFrom('record_history').selectAll().orderBy('at').orderBy('id').execute();
    return rows.map(toEntry);
  }
}
