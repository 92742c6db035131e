import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/dataset.js';
import { emergencyPlanSchema, PLAN_MAX_AGE_DAYS, schoolPeopleSchema } from '../../shared/domain/school-plan.js';
import { nearest } from '../../shared/geo.js';
import { emergencyPlanRule } from '../../shared/rules/compliance/routines.js';
import { generatePlans } from '../../mocks/dataset/plans.js';
import { generateDataset } from '../../mocks/dataset/index.js';

const REFERENCE = '2026-11-30';

function bySchoolOf<T extends { schoolId: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.schoolId, [...(map.get(item.schoolId) ?? []), item]);
  return map;
}

describe(generatePlans.name, () => {
  let sut: Dataset;
  beforeAll(() => {
    sut = generateDataset({ referenceDate: REFERENCE });
  }, 30_000);

  it('gives every school valid people, the police vice-principal of the nearest police post', () => {
    const { schoolPeople } = sut.compliance!;
    const latest = new Map(schoolPeople.map((v) => [v.schoolId, v]));
    expect(latest.size).toBe(sut.schools.length);
    for (const school of sut.schools) {
      const version = latest.get(school.id)!;
      expect(schoolPeopleSchema.safeParse(version.people).success).toBe(true);
      expect(version.people.policeVicePrincipal.unitId).toBe(nearest(school, sut.policePosts, 1)[0]!.item.id);
    }
  });

  it('versions every plan in order, valid, none dated after the reference date', () => {
    const { emergencyPlans } = sut.compliance!;
    const bySchool = bySchoolOf(emergencyPlans);
    for (const versions of bySchool.values()) {
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      expect([...versions].sort((a, b) => a.savedAt.localeCompare(b.savedAt))).toEqual(versions);
    }
    expect(emergencyPlans.every((v) => v.savedAt < `${REFERENCE}T16:00:00Z` && emergencyPlanSchema.safeParse(v.plan).success)).toBe(true);
  });

  it('leaves about 1 % of schools without a plan and about 4 % with one older than a year, so the finding shows', () => {
    const bySchool = bySchoolOf(sut.compliance!.emergencyPlans);
    const verdicts = sut.schools.map((school) => emergencyPlanRule({ plans: bySchool.get(school.id) ?? [] }, { asOf: REFERENCE }));
    const none = verdicts.filter((v) => v.reason.en.startsWith('no emergency plan')).length / sut.schools.length;
    const stale = verdicts.filter((v) => v.reason.en.includes('over a year')).length / sut.schools.length;
    expect(none).toBeGreaterThan(0.003);
    expect(none).toBeLessThan(0.02);
    expect(stale).toBeGreaterThan(0.03);
    expect(stale).toBeLessThan(0.05);
    expect(PLAN_MAX_AGE_DAYS).toBe(365);
  });
});
