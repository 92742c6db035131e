import type { Kysely } from 'kysely';
import {
  emergencyPlanSchema, schoolPeopleSchema, type EmergencyPlanVersion, type SchoolPeopleVersion, type VersionStamp,
} from '../../shared/domain/school-plan.js';
import type { PlanSave } from '../../shared/rules/compliance/types.js';
import { parseJsonColumn } from './json-columns.js';
import type { Database } from './schema.js';

interface StampRow {
  school_id: string;
  version: number;
  saved_at: string;
  saved_by: string;
  note: string | null;
}

function stampOf(row: StampRow): VersionStamp {
  return { schoolId: row.school_id, version: Number(row.version), savedAt: row.saved_at, savedBy: row.saved_by, note: row.note };
}

function peopleOf(row: Database['school_people']): SchoolPeopleVersion {
  return { ...stampOf(row), people: parseJsonColumn(schoolPeopleSchema, row.people, `school_people.people of ${row.school_id} v${row.version}`) };
}

function planOf(row: Database['emergency_plans']): EmergencyPlanVersion {
  return { ...stampOf(row), plan: parseJsonColumn(emergencyPlanSchema, row.plan, `emergency_plans.plan of ${row.school_id} v${row.version}`) };
}

function stampRow(stamp: VersionStamp): StampRow {
  return { school_id: stamp.schoolId, version: stamp.version, saved_at: stamp.savedAt, saved_by: stamp.savedBy, note: stamp.note };
}

/** The versions of a school's people and emergency plan (0012): appended, never changed. */
export class PlanRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The current (highest) version of the people, or null. */
  async currentPeople(db: Kysely<Database>, schoolId: string): Promise<SchoolPeopleVersion | null> {
    const row = await db.selectFrom('school_people').selectAll().where('school_id', '=', schoolId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? peopleOf(row) : null;
  }

  /** The current (highest) version of the plan, or null. */
  async currentPlan(db: Kysely<Database>, schoolId: string): Promise<EmergencyPlanVersion | null> {
    const row = await db.selectFrom('emergency_plans').selectAll().where('school_id', '=', schoolId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? planOf(row) : null;
  }

  /** The newest `limit` versions of the people, newest first. */
  async peopleHistory(schoolId: string, limit: number): Promise<SchoolPeopleVersion[]> {
    const rows = await this.db.selectFrom('school_people').selectAll().where('school_id', '=', schoolId).orderBy('version', 'desc').limit(limit).execute();
    return rows.map(peopleOf);
  }

  /** The newest `limit` versions of the plan, newest first. */
  async planHistory(schoolId: string, limit: number): Promise<EmergencyPlanVersion[]> {
    const rows = await this.db.selectFrom('emergency_plans').selectAll().where('school_id', '=', schoolId).orderBy('version', 'desc').limit(limit).execute();
    return rows.map(planOf);
  }

  /** Appends a version of the people (validated again on its way in). */
  async addPeople(trx: Kysely<Database>, version: SchoolPeopleVersion): Promise<void> {
    await trx.insertInto('school_people').values({ ...stampRow(version), people: JSON.stringify(schoolPeopleSchema.parse(version.people)) }).execute();
  }

  /** Appends a version of the plan (validated again on its way in). */
  async addPlan(trx: Kysely<Database>, version: EmergencyPlanVersion): Promise<void> {
    await trx.insertInto('emergency_plans').values({ ...stampRow(version), plan: JSON.stringify(emergencyPlanSchema.parse(version.plan)) }).execute();
  }

  /** When each school's plan versions were saved (the compliance rule's input), of every school or of one. */
  async planSaves(schoolId?: string): Promise<Map<string, PlanSave[]>> {
    let query = this.db.selectFrom('emergency_plans').select(['school_id', 'version', 'saved_at']);
    if (schoolId !== undefined) query = query.where('school_id', '=', schoolId);
    const saves = new Map<string, PlanSave[]>();
    for (const row of await query.execute()) {
      const list = saves.get(row.school_id);
      const save = { version: Number(row.version), savedAt: row.saved_at };
      if (list) list.push(save);
      else saves.set(row.school_id, [save]);
    }
    return saves;
  }
}
