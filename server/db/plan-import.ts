import type { Kysely } from 'kysely';
import type { DatasetCompliance } from '../../shared/dataset.js';
import { emergencyPlanSchema, schoolPeopleSchema } from '../../shared/domain/school-plan.js';
import { bulkInsert } from './bulk-insert.js';
import type { Database } from './schema.js';

/**
 * Imports the seeded people and emergency plan versions (validated) inside the first-start
 * transaction; `notLater` keeps a version saved "today" from lying after the moment it is loaded.
 */
export async function importPlans(trx: Kysely<Database>, data: Pick<DatasetCompliance, 'schoolPeople' | 'emergencyPlans'>, notLater: (iso: string) => string): Promise<void> {
  const stamp = (v: { schoolId: string; version: number; savedAt: string; savedBy: string; note: string | null }) => ({
    school_id: v.schoolId, version: v.version, saved_at: notLater(v.savedAt), saved_by: v.savedBy, note: v.note,
  });
  await bulkInsert(trx, 'school_people', data.schoolPeople, (v) => ({ ...stamp(v), people: JSON.stringify(schoolPeopleSchema.parse(v.people)) }));
  await bulkInsert(trx, 'emergency_plans', data.emergencyPlans, (v) => ({ ...stamp(v), plan: JSON.stringify(emergencyPlanSchema.parse(v.plan)) }));
}
