// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ComplianceTrend, SchoolRecordView } from '../../shared/compliance.js';
import { COMPLIANCE_RULES } from '../../shared/rules/compliance/types.js';
import { makeRecord } from '../../mocks/factories/compliance.js';
import { knownMessage, recordDraft, recordEditBody } from '../../client/record-form.js';
import { complianceQuery } from '../../client/stores/compliance.js';
import { weakestRules } from '../../client/stores/trend.js';

function view(): SchoolRecordView {
  return {
    schoolId: 'S0001',
    record: makeRecord({ retentionDays: 45 }),
    school: { students: 598, staff: 66, boarding: false, boarders: 0, guards: 2, counterTerror: false },
    updatedAt: null,
    updatedBy: null,
  };
}

describe(recordEditBody.name, () => {
  it('sends nothing when nothing differs from the stored record', () => {
    const stored = view();
    expect(recordEditBody(recordDraft(stored), stored, 'why')).toBeNull();
  });

  it('sends only the changed fields, equipment nested as the API takes it, with the note', () => {
    const stored = view();
    const sut = { ...recordDraft(stored), retentionDays: '90', 'equipment.helmet': '3', counterTerror: true };
    expect(recordEditBody(sut, stored, ' 新购头盔 ')).toEqual({ retentionDays: 90, counterTerror: true, equipment: { helmet: 3 }, note: '新购头盔' });
  });

  it('sends what does not read as a number as typed, so the server judges it and says why', () => {
    const stored = view();
    const sut = { ...recordDraft(stored), students: '-5', retentionDays: 'abc', staff: '' };
    expect(recordEditBody(sut, stored, '')).toEqual({ students: -5, retentionDays: 'abc', staff: '' });
  });
});

describe(knownMessage.name, () => {
  it('recognises the server\'s field messages the desk says in its own words', () => {
    expect(knownMessage('students cannot be negative')).toEqual({ key: 'negative', values: {} });
    expect(knownMessage('video retention (days) must be a number')).toEqual({ key: 'notNumber', values: {} });
    expect(knownMessage('helmet cannot be over 500')).toEqual({ key: 'over', values: { max: '500' } });
    expect(knownMessage('boarders (900) cannot exceed students (800)')).toEqual({ key: 'boardersOverStudents', values: { boarders: '900', students: '800' } });
    expect(knownMessage('is in the future')).toEqual({ key: 'future', values: {} });
  });

  it('leaves a message it does not know to be shown as the server said it', () => {
    expect(knownMessage('something new')).toBeNull();
  });
});

describe(complianceQuery.name, () => {
  it('carries the as-of date and only the filters set', () => {
    expect(complianceQuery({ asOf: '2026-11-29', stage: '', setting: '' })).toEqual({ asOf: '2026-11-29' });
    expect(complianceQuery({ asOf: '2026-11-29', stage: 'primary', setting: 'rural' })).toEqual({ asOf: '2026-11-29', stage: 'primary', setting: 'rural' });
    expect(complianceQuery({ asOf: '', stage: '', setting: 'town' })).toEqual({ setting: 'town' });
  });
});

describe(weakestRules.name, () => {
  it('picks the requirements with the lowest rate at the last point, in the desk\'s order; unjudged ones last', () => {
    const rates: Record<string, number | null> = { guards: 0.88, anti_ram: 0.89, control_room: 0.84, guard_post: 0.47, drill: null };
    const cells = Object.fromEntries(COMPLIANCE_RULES.map((rule) => [rule, { applicable: 1, pass: 0, fail: 0, pending: 0, notDue: 0, rate: rule in rates ? rates[rule] ?? null : 0.99 }]));
    const trend = { from: '', to: '', step: 'month', filters: {}, points: [{ asOf: '2026-11-29', cells }] } as ComplianceTrend;
    expect(weakestRules(trend, 4)).toEqual(['guards', 'anti_ram', 'control_room', 'guard_post']);
  });
});
