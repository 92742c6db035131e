import { describe, expect, it } from 'vitest';
import { makeComplianceInput } from '../../mocks/factories/compliance.js';
import { evaluateSchool, emergencyPlanRule } from '../../shared/rules/compliance/index.js';
import { emergencyPlanSchema, peopleSaveSchema, PHONE_PATTERN } from '../../shared/domain/school-plan.js';

/** 2025-12-01 10:00 in Asia/Shanghai. */
const DEC_1 = '2025-12-01T02:00:00.000Z';

describe(emergencyPlanRule.name, () => {
  it('fails without a plan, naming 一校一案', () => {
    expect(emergencyPlanRule({ plans: [] }, { asOf: '2026-01-01' })).toEqual({ status: 'fail', reason: { zh: '无应急预案（一校一案）', en: 'no emergency plan (one plan per school)' } });
  });

  it('passes up to 365 days after the last save (local dates) and fails from the 366th', () => {
    const plans = [{ version: 1, savedAt: '2024-06-01T02:00:00.000Z' }, { version: 2, savedAt: DEC_1 }];
    expect(emergencyPlanRule({ plans }, { asOf: '2026-12-01' })).toEqual({ status: 'pass', reason: { zh: '应急预案第2版，2025-12-01更新', en: 'emergency plan version 2, updated 2025-12-01' } });
    expect(emergencyPlanRule({ plans }, { asOf: '2026-12-02' })).toMatchObject({ status: 'fail', reason: { en: 'emergency plan not updated since 2025-12-01: 366 days (over a year)' } });
  });

  it('judges the plan as it stood on the date: a later save does not count, a save late in the evening counts on its Shanghai date', () => {
    const plans = [{ version: 1, savedAt: '2024-01-10T02:00:00.000Z' }, { version: 2, savedAt: '2026-03-01T17:00:00.000Z' }];
    expect(emergencyPlanRule({ plans }, { asOf: '2026-02-01' })).toMatchObject({ status: 'fail', reason: { en: 'emergency plan not updated since 2024-01-10: 753 days (over a year)' } });
    // 17:00 UTC is 01:00 the next morning in Shanghai.
    expect(emergencyPlanRule({ plans }, { asOf: '2026-03-01' }).status).toBe('fail');
    expect(emergencyPlanRule({ plans }, { asOf: '2026-03-02' })).toMatchObject({ status: 'pass', reason: { en: 'emergency plan version 2, updated 2026-03-02' } });
    expect(emergencyPlanRule({ plans: [plans[1]!] }, { asOf: '2026-03-01' }).reason.en).toBe('no emergency plan (one plan per school)');
  });

  it('is one of the school\'s items, due from the plan\'s start', () => {
    const item = evaluateSchool(makeComplianceInput({ plans: [] }), { asOf: '2026-11-30', semesters: [] }).find((r) => r.rule === 'emergency_plan');
    expect(item).toMatchObject({ status: 'fail', dueBy: '2020-01-01' });
  });
});

describe('school plan schemas', () => {
  it('takes mobiles and landlines with an area code, nothing else', () => {
    for (const good of ['13912345678', '19912345678', '0375-1234567', '010-12345678']) expect(PHONE_PATTERN.test(good)).toBe(true);
    for (const bad of ['12912345678', '1391234567', '2345678', '0375 1234567', '+8613912345678']) expect(PHONE_PATTERN.test(bad)).toBe(false);
  });

  it('asks for sos and intrusion steps and bounds everything', () => {
    const plan = {
      steps: { sos: ['a'], intrusion: ['b'] }, assemblyPoint: '操场', evacuationRoutes: ['东门'],
      nearestHospital: { name: '医院', address: '路1号', phone: '0375-1234567', distanceKm: 1 },
    };
    expect(emergencyPlanSchema.safeParse(plan).success).toBe(true);
    expect(emergencyPlanSchema.safeParse({ ...plan, steps: { sos: ['a'] } }).error?.issues[0]).toMatchObject({ path: ['steps', 'intrusion'] });
    expect(emergencyPlanSchema.safeParse({ ...plan, steps: { ...plan.steps, fire: ['x'] } }).success).toBe(false);
    expect(emergencyPlanSchema.safeParse({ ...plan, evacuationRoutes: Array.from({ length: 7 }, () => '路') }).success).toBe(false);
    expect(emergencyPlanSchema.safeParse({ ...plan, assemblyPoint: 'x'.repeat(101) }).success).toBe(false);
    const person = { name: '张三', phone: '13912345678' };
    const people = { principal: person, securityChief: person, policeVicePrincipal: { ...person, unitId: 'P001' }, deputies: Array.from({ length: 5 }, () => ({ ...person, title: '副校长' })) };
    expect(peopleSaveSchema.safeParse({ people, baseVersion: null }).error?.issues[0]?.message).toBe('at most 4 further contacts');
  });
});
