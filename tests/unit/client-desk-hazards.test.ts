// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { HazardListItem } from '../../shared/compliance.js';
import type { Hazard } from '../../shared/rules/hazard.js';
import { allowedHazardSteps, daysOverdue, deskHazardOrder } from '../../client/hazard-steps.js';
import { hazardQuery, toListItem } from '../../client/stores/hazards.js';

const TODAY = '2026-11-29';

function hazard(overrides: Partial<Hazard> = {}): Hazard {
  return {
    id: 'HZ-1', schoolId: 'S0001', districtCode: '410402', source: 'inspection', sourceId: null, severity: 'general', description: '护栏松动',
    foundOn: '2026-11-20', state: 'dispatched', assignee: '总务处', deadline: '2026-11-27', registeredAt: '2026-11-20T02:00:00.000Z',
    updatedAt: '2026-11-21T02:00:00.000Z', rectifiedAt: null, closedAt: null, version: 2, transitions: [], ...overrides,
  };
}

describe(allowedHazardSteps.name, () => {
  it('offers exactly the steps the shared state machine allows from each state', () => {
    const steps = (state: Hazard['state']) => [...allowedHazardSteps(state, TODAY)].sort();
    expect(steps('registered')).toEqual(['dispatch']);
    expect(steps('dispatched')).toEqual(['dispatch', 'rectify']);
    expect(steps('rectified')).toEqual(['reject', 'verify']);
    expect(steps('verified')).toEqual(['close']);
    expect(steps('closed')).toEqual([]);
  });
});

describe(daysOverdue.name, () => {
  it('counts whole days after the (inclusive) deadline', () => {
    expect(daysOverdue('2026-11-29', TODAY)).toBe(0);
    expect(daysOverdue('2026-11-28', TODAY)).toBe(1);
    expect(daysOverdue('2026-10-30', TODAY)).toBe(30);
    expect(daysOverdue('2026-12-05', TODAY)).toBe(0);
    expect(daysOverdue(null, TODAY)).toBe(0);
  });
});

describe(deskHazardOrder.name, () => {
  it('puts overdue hazards first, longest overdue on top, then the rest in the order given', () => {
    const item = (id: string, overdue: boolean, deadline: string | null) => ({ id, overdue, deadline });
    const sut = deskHazardOrder([item('new', false, null), item('late', true, '2026-11-20'), item('mid', false, '2026-12-01'), item('later', true, '2026-10-01')]);
    expect(sut.map((h) => h.id)).toEqual(['later', 'late', 'new', 'mid']);
  });
});

describe(toListItem.name, () => {
  it('drops the steps and judges overdue on today: dispatched past its deadline', () => {
    const sut: HazardListItem = toListItem(hazard({ transitions: [{ action: 'register', from: null, to: 'registered', actor: 'x', at: '', note: null, assignee: null, deadline: null }] }), TODAY);
    expect(sut).not.toHaveProperty('transitions');
    expect(sut.overdue).toBe(true);
    expect(toListItem(hazard({ state: 'rectified' }), TODAY).overdue).toBe(false);
    expect(toListItem(hazard({ deadline: TODAY }), TODAY).overdue).toBe(false);
  });
});

describe(hazardQuery.name, () => {
  it('asks for the state and a limit, and only the filters that are set', () => {
    expect(hazardQuery({ state: 'open', districtCode: '', overdue: false })).toEqual({ state: 'open', limit: 500 });
    expect(hazardQuery({ state: 'dispatched', districtCode: '410422', overdue: true }, 50)).toEqual({
      state: 'dispatched', limit: 50, districtCode: '410422', overdue: 'true',
    });
  });
});
