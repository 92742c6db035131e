import { decideHazardStep, HAZARD_ACTIONS, type Hazard, type HazardAction, type HazardState, type HazardStep } from '../shared/rules/hazard.js';
import { daysBetween } from '../shared/time.js';

/**
 * A step with placeholder content that only the state can refuse: an assignee, a note and a
 * deadline of today, so asking the shared state machine answers "may this state take it?".
 */
function probe(action: HazardAction, today: string): HazardStep {
  switch (action) {
    case 'dispatch':
      return { action, assignee: '—', deadline: today };
    case 'rectify':
    case 'reject':
      return { action, note: '—' };
    case 'verify':
    case 'close':
      return { action };
  }
}

/**
 * The steps a hazard's state allows (派单 / 整改 / 验收 / 驳回 / 销号), decided by the same
 * state machine the server runs (`shared/rules/hazard.ts`), so a button is never offered that
 * the server would refuse for the state.
 */
export function allowedHazardSteps(state: HazardState, today: string): Set<HazardAction> {
  const hazard: Hazard = {
    id: '', schoolId: '', districtCode: '410402', source: 'inspection', sourceId: null, severity: 'general', description: '', foundOn: today, state,
    assignee: null, deadline: null, registeredAt: '', updatedAt: '', rectifiedAt: null, closedAt: null, version: 1, transitions: [],
  };
  return new Set(HAZARD_ACTIONS.filter((action) => decideHazardStep(hazard, probe(action, today), '—', '', today).ok));
}

/** Whole days past a deadline on `today` (both `YYYY-MM-DD`): 1 the day after it, 0 on or before it. */
export function daysOverdue(deadline: string | null, today: string): number {
  if (!deadline) return 0;
  return Math.max(0, daysBetween(deadline, today));
}

/**
 * The order a duty desk works through hazards: overdue ones first, longest overdue at the top,
 * then the rest as the server listed them (newest first). Stable; returns a new array.
 */
export function deskHazardOrder<T extends { overdue: boolean; deadline: string | null }>(hazards: readonly T[]): T[] {
  const overdue = hazards.filter((hazard) => hazard.overdue).sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''));
  return [...overdue, ...hazards.filter((hazard) => !hazard.overdue)];
}
