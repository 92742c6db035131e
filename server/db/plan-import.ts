import type { Kysely } from 'kysely';
import type { DatasetCompliance } from '../../shared/dataset.js';
import { emergencyPlanSchema, schoolPeopleSchema } from '../../shared/domain/school-plan.js';
import type { Database } from './schema.js';

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 300;

/**
 * Imports the seeded people and emergency plan versions (validated) inside the first-start
 * transaction; `notLater` keeps a version saved "today" from lying after the moment it is loaded.
 */
export async function importPlans(trx: Kysely<Database>, data: Pick<DatasetCompliance, 'schoolPeople' | 'emergencyPlans'>, notLater: (iso: string) => string): Promise<void> {
  const stamp = (v: { schoolId: string; version: number; savedAt: string; savedBy: string; note: string | null }) => ({
    school_id: v.schoolId, version: v.version, saved_at: notLater(v.savedAt), saved_by: v.savedBy, note: v.note,
  });
  for (let i = 0; i < data.schoolPeople.length; i += CHUNK) {
    const chunk = data.schoolPeople.slice(i, i + CHUNK);
    await trx.insertInto('school_people').values(chunk.map((v) => ({ ...stamp(v), people: JSON.stringify(schoolPeopleSchema.parse(v.people)) }))).execute();
  }
  for (let i = 0; i < data.emergencyPlans.length; i += CHUNK) {
    const chunk = data.emergencyPlans.slice(i, i + CHUNK);
    await trx.insertInto('emergency_plans').values(chunk.map((v) => ({ ...stamp(v), plan: JSON.stringify(emergencyPlanSchema.parse(v.plan)) }))).execute();
  }
}
