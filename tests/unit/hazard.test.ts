import { describe, expect, it } from 'vitest';
import { countHazards, decideHazardStep, isOverdue, type Hazard, type HazardState, type HazardStep } from '../../shared/rules/hazard.js';

const TODAY = '2026-11-30';
const AT = '2026-11-30T02:00:00.000Z';

function registered(overrides: Partial<Hazard> = {}): Hazard {
  return {
    id: 'HZ-1',
    schoolId: 'S0001',
    districtCode: '410402',
    source: 'self_check',
    sourceId: null,
    severity: 'general',
    description: '灭火器过期未更换',
    foundOn: '2026-11-28',
    state: 'registered',
    assignee: null,
    deadline: null,
    registeredAt: '2026-11-28T02:00:00.000Z',
    updatedAt: '2026-11-28T02:00:00.000Z',
    rectifiedAt: null,
    closedAt: null,
    version: 1,
    transitions: [{ action: 'register', from: null, to: 'registered', actor: '张老师', at: '2026-11-28T02:00:00.000Z', note: null, assignee: null, deadline: null }],
    ...overrides,
  };
}

/** Takes steps in order and fails the test on the first refusal. */
function walk(hazard: Hazard, ...steps: HazardStep[]): Hazard {
  return steps.reduce((h, step) => {
    const decision = decideHazardStep(h, step, '李科长', AT, TODAY);
    if (!decision.ok) throw new Error(decision.error);
    return decision.hazard;
  }, hazard);
}

const dispatch: HazardStep = { action: 'dispatch', assignee: '总务处 王老师', deadline: '2026-12-10' };
const rectify: HazardStep = { action: 'rectify', note: '已更换灭火器' };

describe(decideHazardStep.name, () => {
  it('takes a hazard from registered to closed (清零), storing every step with its actor, and moving the version on', () => {
    const sut = walk(registered(), dispatch, rectify, { action: 'verify' }, { action: 'close', note: '销号' });
    expect(sut).toMatchObject({ state: 'closed', assignee: '总务处 王老师', deadline: '2026-12-10', rectifiedAt: AT, closedAt: AT, version: 5 });
    expect(sut.transitions.map((t) => [t.action, t.from, t.to])).toEqual([
      ['register', null, 'registered'],
      ['dispatch', 'registered', 'dispatched'],
      ['rectify', 'dispatched', 'rectified'],
      ['verify', 'rectified', 'verified'],
      ['close', 'verified', 'closed'],
    ]);
    expect(sut.transitions[1]).toMatchObject({ actor: '李科长', assignee: '总务处 王老师', deadline: '2026-12-10' });
    expect(sut.transitions.at(-1)?.note).toBe('销号');
  });

  it('sends a rejected rectification back to dispatched, with a new deadline when one is given', () => {
    const sut = walk(registered(), dispatch, rectify, { action: 'reject', note: '整改不到位', deadline: '2026-12-20' });
    expect(sut).toMatchObject({ state: 'dispatched', deadline: '2026-12-20', rectifiedAt: null });
    expect(walk(sut, rectify, { action: 'verify' }).state).toBe('verified');
    const keeping = walk(registered(), dispatch, rectify, { action: 'reject', note: '整改不到位' });
    expect(keeping.deadline).toBe('2026-12-10');
  });

  it('re-dispatches a dispatched hazard to another party', () => {
    const sut = walk(registered(), dispatch, { action: 'dispatch', assignee: '后勤处 赵老师', deadline: '2026-12-05' });
    expect(sut).toMatchObject({ state: 'dispatched', assignee: '后勤处 赵老师', deadline: '2026-12-05' });
  });

  const illegal: [HazardState, HazardStep, RegExp][] = [
    ['registered', rectify, /not been dispatched/],
    ['registered', { action: 'verify' }, /must be rectified first/],
    ['registered', { action: 'close' }, /rectified and verified first/],
    ['registered', { action: 'reject', note: 'x' }, /only a rectification awaiting verification/],
    ['dispatched', { action: 'close' }, /cannot close a hazard that is dispatched/],
    ['dispatched', { action: 'verify' }, /must be rectified first/],
    ['rectified', dispatch, /cannot dispatch a hazard that is rectified/],
    ['rectified', { action: 'close' }, /verified first/],
    ['verified', { action: 'verify' }, /already verified/],
    ['verified', rectify, /cannot rectify a hazard that is verified/],
    ['closed', dispatch, /already closed/],
    ['closed', { action: 'close' }, /already closed/],
  ];
  it.each(illegal)('refuses, from %s, the step %j with a clear reason and no change', (state, step, reason) => {
    const hazard = registered({ state, assignee: '总务处 王老师', deadline: '2026-12-10' });
    const decision = decideHazardStep(hazard, step, '李科长', AT, TODAY);
    // The reason in English (the API's `error`) and in both UI languages, the Chinese in Chinese.
    expect(decision).toEqual({ ok: false, error: expect.stringMatching(reason), message: { zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.stringMatching(reason) } });
  });

  it('refuses a deadline already past, a dispatch to nobody, and a rectification or rejection without words', () => {
    expect(decideHazardStep(registered(), { action: 'dispatch', assignee: '王老师', deadline: '2026-11-29' }, 'a', AT, TODAY)).toEqual({
      ok: false,
      error: 'the deadline 2026-11-29 has already passed',
      message: { zh: '整改期限 2026-11-29 已过', en: 'the deadline 2026-11-29 has already passed' },
    });
    expect(decideHazardStep(registered(), { action: 'dispatch', assignee: '  ', deadline: '2026-12-01' }, 'a', AT, TODAY)).toMatchObject({ ok: false, error: expect.stringMatching(/responsible party/) });
    const dispatched = walk(registered(), dispatch);
    expect(decideHazardStep(dispatched, { action: 'rectify', note: ' ' }, 'a', AT, TODAY)).toMatchObject({ ok: false, error: expect.stringMatching(/what was done/) });
    const rectified = walk(dispatched, rectify);
    expect(decideHazardStep(rectified, { action: 'reject', note: '' }, 'a', AT, TODAY)).toMatchObject({ ok: false, error: expect.stringMatching(/why/) });
    expect(decideHazardStep(rectified, { action: 'reject', note: '不合格', deadline: '2026-01-01' }, 'a', AT, TODAY)).toMatchObject({ ok: false, error: expect.stringMatching(/already passed/) });
  });
});

describe(isOverdue.name, () => {
  it('is overdue from the day after its deadline while it waits for rectification, and no longer once rectified', () => {
    const hazard = walk(registered(), dispatch);
    expect(isOverdue(hazard, '2026-12-10')).toBe(false);
    expect(isOverdue(hazard, '2026-12-11')).toBe(true);
    expect(isOverdue(walk(hazard, rectify), '2026-12-11')).toBe(false);
    expect(isOverdue(registered(), '2030-01-01')).toBe(false);
  });
});

describe(countHazards.name, () => {
  it('counts open, overdue and closed this term per district and for the city', () => {
    const termStart = '2026-08-31T16:00:00.000Z';
    const sut = countHazards(
      [
        { districtCode: '410402', state: 'dispatched', deadline: '2026-11-01', closedAt: null },
        { districtCode: '410402', state: 'registered', deadline: null, closedAt: null },
        { districtCode: '410402', state: 'closed', deadline: '2026-10-01', closedAt: '2026-10-02T02:00:00.000Z' },
        { districtCode: '410422', state: 'closed', deadline: '2026-06-01', closedAt: '2026-06-02T02:00:00.000Z' },
        { districtCode: '410422', state: 'rectified', deadline: '2026-11-01', closedAt: null },
      ],
      TODAY,
      termStart,
    );
    expect(sut.byDistrict.get('410402')).toMatchObject({ open: 2, overdue: 1, closedThisTerm: 1 });
    expect(sut.byDistrict.get('410422')).toMatchObject({ open: 1, overdue: 0, closedThisTerm: 0 });
    expect(sut.total).toEqual({ open: 3, overdue: 1, closedThisTerm: 1, byState: { registered: 1, dispatched: 1, rectified: 1, verified: 0, closed: 2 } });
  });
});
