import type { School } from '../../shared/domain/index.js';
import type { SchoolSecurityRecord } from '../../shared/domain/security-record.js';
import type { ComplianceInput } from '../../shared/rules/compliance/index.js';
import { makeSchool } from './dataset.js';

/** A security record that meets every technical requirement; override what a test is about. */
export function makeRecord(overrides: Partial<SchoolSecurityRecord> = {}): SchoolSecurityRecord {
  return {
    schoolId: 'S0001',
    guardsOnDuty: 2,
    equipment: { helmet: 2, shield: 2, stabVest: 2, cutGloves: 2, baton: 2, flashlight: 2, defenceSpray: 2, restraintForks: 2 },
    gateCameraNightCapable: true,
    sosLinkedToPolice: true,
    videoLinkedToPolice: true,
    alarmLinkedToPolice: true,
    controlRoom: true,
    controlRoomStaffed: true,
    retentionDays: 30,
    closedCampus: true,
    antiRamBarriers: true,
    gatePoliceCamera: true,
    systemManager: true,
    systemEmergencyPlan: true,
    controlRoomQualified: true,
    ...overrides,
  };
}

/** Everything the compliance rules read, for a school that meets them all; override per test. */
export function makeComplianceInput(overrides: Partial<ComplianceInput> & { school?: School } = {}): ComplianceInput {
  const school = overrides.school ?? makeSchool({ id: 'S0001' });
  return {
    school,
    record: makeRecord({ schoolId: school.id }),
    devices: {
      camera: ['gate', 'teaching_building', 'corridor', 'canteen', 'storage', 'playground', 'dormitory', 'finance_room'],
      sos: ['gate_room'],
      intrusion: ['finance_room', 'chemical_store', 'laboratory'],
    },
    guardPost: { postId: 'G001', distanceM: 20, listed: true, person: '王护岗' },
    reportedRetention: null,
    faults: [],
    drills: [{ id: 'D1', schoolId: school.id, date: '2026-10-10', scenario: '防暴演练' }],
    inspections: [
      { id: 'I1', schoolId: school.id, date: '2026-09-20', by: 'county_education', note: null },
      { id: 'I2', schoolId: school.id, date: '2026-11-02', by: 'county_police', note: null },
    ],
    selfChecks: [
      { id: 'C1', schoolId: school.id, date: '2026-10-28' },
      { id: 'C2', schoolId: school.id, date: '2026-11-05' },
    ],
    plans: [{ version: 1, savedAt: '2026-03-02T02:00:00.000Z' }],
    ...overrides,
  };
}
