import { describe, expect, it } from 'vitest';
import { makeSchool } from '../../mocks/factories/dataset.js';
import { makeComplianceInput, makeRecord } from '../../mocks/factories/compliance.js';
import type { SchoolSetting, SchoolStage } from '../../shared/domain/index.js';
import { DEFAULT_SEMESTERS, evaluateSchool, semesterOf, type ComplianceInput, type ComplianceRuleId } from '../../shared/rules/compliance/index.js';

const asOf = (date: string) => ({ asOf: date, semesters: DEFAULT_SEMESTERS });
function verdict(input: ComplianceInput, rule: ComplianceRuleId, date = '2026-11-29') {
  const result = evaluateSchool(input, asOf(date)).find((r) => r.rule === rule);
  if (!result) throw new Error(`no result for ${rule}`);
  return result;
}

describe(evaluateSchool.name, () => {
  it('passes every rule for a school that meets them all, each with a reason', () => {
    const results = evaluateSchool(makeComplianceInput(), asOf('2026-11-29'));
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.every((r) => r.reason.zh.length > 0 && r.reason.en.length > 0)).toBe(true);
  });

  describe('phased targets: judged from the day after the target date, for each category', () => {
    const cases: [ComplianceRuleId, SchoolStage, SchoolSetting, string | null][] = [
      ['guards', 'primary', 'rural', '2020-03-31'],
      ['guards', 'kindergarten', 'city', '2020-03-31'],
      ['guards', 'kindergarten', 'town', '2020-12-31'],
      ['guards', 'kindergarten', 'rural', '2021-12-31'],
      ['closed_campus', 'senior', 'rural', '2020-03-31'],
      ['closed_campus', 'kindergarten', 'city', '2020-12-31'],
      ['closed_campus', 'kindergarten', 'town', '2021-12-31'],
      ['closed_campus', 'kindergarten', 'rural', '2022-12-31'],
      ['sos_alarm', 'junior', 'town', '2020-03-31'],
      ['sos_alarm', 'kindergarten', 'city', '2020-03-31'],
      ['sos_alarm', 'kindergarten', 'town', '2020-12-31'],
      ['sos_alarm', 'kindergarten', 'rural', '2021-12-31'],
      ['video', 'kindergarten', 'rural', '2021-12-31'],
      ['guard_post', 'primary', 'city', '2020-03-31'],
      ['guard_post', 'kindergarten', 'town', '2020-12-31'],
      ['anti_ram', 'primary', 'town', '2022-12-31'],
    ];
    it.each(cases)('%s for a %s (%s) is due by %s', (rule, stage, setting, due) => {
      const school = makeSchool({ id: 'S1', stage, setting, guards: 0 });
      const failing = makeComplianceInput({
        school,
        record: makeRecord({ closedCampus: false, sosLinkedToPolice: false, gateCameraNightCapable: false, antiRamBarriers: false }),
        guardPost: null,
      });
      const dayAfter = new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(verdict(failing, rule, due!)).toMatchObject({ status: 'not_due', dueBy: due });
      expect(verdict(failing, rule, dayAfter)).toMatchObject({ status: 'fail', dueBy: due });
    });

    it.each<[ComplianceRuleId, SchoolSetting]>([
      ['guard_post', 'rural'],
      ['anti_ram', 'rural'],
    ])('does not ask %s of a %s school', (rule, setting) => {
      expect(verdict(makeComplianceInput({ school: makeSchool({ id: 'S1', setting }), guardPost: null }), rule).status).toBe('not_applicable');
    });
  });

  it.each([
    [29, false, 'fail'],
    [30, false, 'pass'],
    [89, true, 'fail'],
    [90, true, 'pass'],
    [89, false, 'pass'],
  ])('judges %i days of video for a counter-terror key unit = %s as %s', (days, counterTerror, expected) => {
    const input = makeComplianceInput({ school: makeSchool({ id: 'S1', counterTerror }), record: makeRecord({ retentionDays: days }) });
    const result = verdict(input, 'retention');
    expect(result.status).toBe(expected);
    expect(result.reason.zh).toContain(`${days}天`);
  });

  it('fails the guard rule with the formula in its reason', () => {
    const input = makeComplianceInput({ school: makeSchool({ id: 'S1', students: 1400, staff: 100, guards: 2 }) });
    expect(verdict(input, 'guards')).toMatchObject({ status: 'fail', reason: { zh: expect.stringMatching(/^应配3名，实配2名/) } });
  });

  it('names the missing equipment and the missing camera places', () => {
    const input = makeComplianceInput({
      record: makeRecord({ guardsOnDuty: 3 }),
      devices: { camera: ['gate', 'teaching_building'], sos: ['gate_room'], intrusion: ['finance_room'] },
    });
    expect(verdict(input, 'equipment').reason.zh).toMatch(/值勤3人，缺：防爆头盔/);
    expect(verdict(input, 'video').reason.zh).toBe('未安装视频监控：走廊、食堂操作间、储藏室出入口、操场');
  });

  it('fails the 24 h rule for a fault restored late, or still open past its deadline', () => {
    const late = { openedAt: '2026-11-20T00:00:00.000Z', deadlineAt: '2026-11-21T00:00:00.000Z', closedAt: '2026-11-21T05:00:00.000Z' };
    const onTime = { openedAt: '2026-11-22T00:00:00.000Z', deadlineAt: '2026-11-23T00:00:00.000Z', closedAt: '2026-11-22T20:00:00.000Z' };
    const open = { openedAt: '2026-11-28T00:00:00.000Z', deadlineAt: '2026-11-29T00:00:00.000Z', closedAt: null };
    expect(verdict(makeComplianceInput({ faults: [onTime] }), 'fault_restore').status).toBe('pass');
    expect(verdict(makeComplianceInput({ faults: [late, onTime] }), 'fault_restore').reason.en).toBe('1 device fault(s) not restored within 24 h (camera)');
    expect(verdict(makeComplianceInput({ faults: [open] }), 'fault_restore', '2026-11-28').status).toBe('pass');
    expect(verdict(makeComplianceInput({ faults: [open] }), 'fault_restore', '2026-11-29').status).toBe('fail');
  });

  it('leaves a routine pending while its term runs, and fails it once the term is over', () => {
    const none = makeComplianceInput({ drills: [], inspections: [] });
    expect(verdict(none, 'drill', '2026-11-29').status).toBe('pending');
    expect(verdict(none, 'drill', '2026-02-10')).toMatchObject({ status: 'fail', reason: { en: 'no drill in the term 2025-09-01 to 2026-01-31' } });
    expect(verdict(none, 'inspections', '2026-08-01').status).toBe('fail');
  });

  it('judges the monthly self-check on the last full month', () => {
    expect(verdict(makeComplianceInput(), 'self_check', '2026-11-29').status).toBe('pass');
    expect(verdict(makeComplianceInput(), 'self_check', '2026-12-03').status).toBe('pending');
    expect(verdict(makeComplianceInput(), 'self_check', '2027-01-03').status).toBe('fail');
  });
});

describe(semesterOf.name, () => {
  it('finds the term across the new year, and the term just ended in a holiday', () => {
    expect(semesterOf('2027-01-15', DEFAULT_SEMESTERS)).toEqual({ start: '2026-09-01', end: '2027-01-31', running: true });
    expect(semesterOf('2026-08-01', DEFAULT_SEMESTERS)).toEqual({ start: '2026-03-01', end: '2026-07-15', running: false });
  });
});
