import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetCompliance } from '../../shared/dataset.js';
import { securityRecordSchema } from '../../shared/compliance.js';
import { DISTRICTS } from '../../shared/domain/index.js';
import { isOverdue } from '../../shared/rules/hazard.js';
import { generateDataset } from '../../mocks/dataset/index.js';

const REFERENCE = '2026-11-30';

describe(`${generateDataset.name}: the compliance side`, () => {
  let sut: Dataset;
  let data: DatasetCompliance;
  beforeAll(() => {
    sut = generateDataset({ referenceDate: REFERENCE });
    data = sut.compliance!;
  }, 30_000);

  it('is byte-identical for the same seed and reference date; the registry does not depend on the date', () => {
    expect(JSON.stringify(generateDataset({ referenceDate: REFERENCE }))).toBe(JSON.stringify(sut));
    const later = generateDataset({ referenceDate: '2027-03-15' });
    expect(later.schools).toEqual(sut.schools);
    expect(later.guardPosts).toEqual(sut.guardPosts);
    expect(later.devices).toEqual(sut.devices);
    expect(later.compliance!.securityRecords).toEqual(data.securityRecords);
    expect(later.compliance!.selfChecks.length).toBeGreaterThan(data.selfChecks.length - 2000);
    expect(JSON.stringify(later.compliance)).not.toBe(JSON.stringify(data));
    expect(generateDataset({ scale: 'city', compliance: false }).compliance).toBeUndefined();
  }, 60_000);

  it('gives every school exactly one valid record', () => {
    expect(data.referenceDate).toBe(REFERENCE);
    expect(data.securityRecords.map((r) => r.schoolId)).toEqual(sut.schools.map((s) => s.id));
    for (const record of data.securityRecords) expect(securityRecordSchema.safeParse(record).success, record.schoolId).toBe(true);
  });

  it('has believable gaps: some retention, equipment, barriers and control rooms short, more of them at rural kindergartens', () => {
    const schools = new Map(sut.schools.map((s) => [s.id, s]));
    const share = (test: (r: (typeof data.securityRecords)[number]) => boolean, among = data.securityRecords) => among.filter(test).length / among.length;
    const retentionShort = share((r) => r.retentionDays < (schools.get(r.schoolId)!.counterTerror ? 90 : 30));
    expect(retentionShort).toBeGreaterThan(0.05);
    expect(retentionShort).toBeLessThan(0.12);
    const equipmentShort = share((r) => Object.entries(r.equipment).some(([item, n]) => n < (item === 'restraintForks' ? 2 : Math.max(1, r.guardsOnDuty))));
    expect(equipmentShort).toBeGreaterThan(0.06);
    expect(equipmentShort).toBeLessThan(0.16);
    const ruralKindergartens = data.securityRecords.filter((r) => schools.get(r.schoolId)!.stage === 'kindergarten' && schools.get(r.schoolId)!.setting === 'rural');
    expect(share((r) => !r.antiRamBarriers, ruralKindergartens)).toBeGreaterThan(0.5);
    expect(share((r) => !r.controlRoomStaffed, ruralKindergartens)).toBeGreaterThan(share((r) => !r.controlRoomStaffed));
    expect(share((r) => r.closedCampus)).toBeGreaterThan(0.9);
  });

  it('keeps drills, two inspections a term and monthly self-checks at most schools, with a few missing', () => {
    // The last complete term before the reference date: spring 2026 (03-01 to 07-15).
    const inTerm = <T extends { schoolId: string; date: string }>(items: T[]) => {
      const counts = new Map<string, number>();
      for (const i of items) if (i.date >= '2026-03-01' && i.date <= '2026-07-15') counts.set(i.schoolId, (counts.get(i.schoolId) ?? 0) + 1);
      return counts;
    };
    const drills = inTerm(data.drills);
    const noDrill = sut.schools.filter((s) => !drills.has(s.id)).length / sut.schools.length;
    expect(noDrill).toBeGreaterThan(0.02);
    expect(noDrill).toBeLessThan(0.15);
    const inspections = inTerm(data.inspections);
    const two = sut.schools.filter((s) => (inspections.get(s.id) ?? 0) >= 2).length / sut.schools.length;
    expect(two).toBeGreaterThan(0.8);
    expect(two).toBeLessThan(0.97);
    const checkedInOctober = new Set(data.selfChecks.filter((c) => c.date.startsWith('2026-10')).map((c) => c.schoolId));
    expect(checkedInOctober.size / sut.schools.length).toBeGreaterThan(0.9);
    expect(checkedInOctober.size).toBeLessThan(sut.schools.length);
    for (const item of [...data.drills, ...data.inspections, ...data.selfChecks]) expect(item.date <= REFERENCE).toBe(true);
  });

  it('tracks hazards per district: most closed, some open, a few overdue', () => {
    const open = data.hazards.filter((h) => h.state !== 'closed');
    const overdue = data.hazards.filter((h) => isOverdue(h, REFERENCE));
    expect(open.length).toBeGreaterThan(30);
    expect(open.length / data.hazards.length).toBeLessThan(0.1);
    expect(overdue.length).toBeGreaterThan(5);
    for (const district of DISTRICTS) expect(data.hazards.some((h) => h.districtCode === district.code), district.code).toBe(true);
    for (const hazard of data.hazards) {
      expect(hazard.transitions[0]?.action).toBe('register');
      expect(hazard.transitions.at(-1)?.to).toBe(hazard.state);
      expect(hazard.version).toBe(hazard.transitions.length);
      for (const [i, t] of hazard.transitions.entries()) if (i > 0) expect(t.from).toBe(hazard.transitions[i - 1]!.to);
    }
  });

  it('keeps the record history consistent with the record: each change ends at the value held now', () => {
    const records = new Map(data.securityRecords.map((r) => [r.schoolId, r]));
    const schools = new Map(sut.schools.map((s) => [s.id, s]));
    expect(data.recordHistory.length).toBeGreaterThan(100);
    for (const entry of data.recordHistory) {
      for (const change of entry.changes) {
        const record = records.get(entry.schoolId)!;
        const now = change.field.startsWith('equipment.')
          ? record.equipment[change.field.slice(10) as keyof typeof record.equipment]
          : change.field in record ? record[change.field as keyof typeof record] : schools.get(entry.schoolId)![change.field as 'guards'];
        expect(now, `${entry.schoolId} ${change.field}`).toBe(change.to);
      }
    }
  });
});
