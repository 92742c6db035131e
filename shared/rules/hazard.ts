import type { DistrictCode } from '../domain/districts.js';
import { refusal as words, type RefusalWords } from '../refusal.js';

/**
 * A hazard's life (隐患闭环): registered (登记) → dispatched to a responsible party with a
 * deadline (派单) → rectified (整改) → verified (验收) → closed (销号, 清零). Verification can
 * reject a rectification back to dispatched.
 */
export const HAZARD_STATES = ['registered', 'dispatched', 'rectified', 'verified', 'closed'] as const;
/** A hazard's state. */
export type HazardState = (typeof HAZARD_STATES)[number];

/** Who found it: the school's own monthly self-check (自查), an inspection (督导检查), or the police (公安). */
export const HAZARD_SOURCES = ['self_check', 'inspection', 'police'] as const;
/** Where a hazard came from. */
export type HazardSource = (typeof HAZARD_SOURCES)[number];

/** 一般隐患 (general) or 重大隐患 (major). */
export const HAZARD_SEVERITIES = ['general', 'major'] as const;
/** A hazard's severity. */
export type HazardSeverity = (typeof HAZARD_SEVERITIES)[number];

/** The steps a person takes on a hazard after registering it. */
export const HAZARD_ACTIONS = ['dispatch', 'rectify', 'verify', 'reject', 'close'] as const;
/** A step on a hazard. */
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/** One stored step, with who took it and when. */
export interface HazardTransition {
  action: 'register' | HazardAction;
  from: HazardState | null;
  to: HazardState;
  actor: string;
  /** ISO instant. */
  at: string;
  note: string | null;
  /** The responsible party and deadline a dispatch (or a rejection) set. */
  assignee: string | null;
  deadline: string | null;
}

/** A hazard (隐患) at a school, tracked until it is closed. */
export interface Hazard {
  id: string;
  schoolId: string;
  districtCode: DistrictCode;
  source: HazardSource;
  /** The self-check or inspection record it was found in, when known. */
  sourceId: string | null;
  severity: HazardSeverity;
  description: string;
  /** Local date `YYYY-MM-DD` it was found. */
  foundOn: string;
  state: HazardState;
  /** The responsible party it is dispatched to (point to point, 点对点派单). */
  assignee: string | null;
  /** Local date by which it must be rectified (整改期限), inclusive. */
  deadline: string | null;
  registeredAt: string;
  updatedAt: string;
  /** ISO instant of the latest rectification, null until rectified. */
  rectifiedAt: string | null;
  closedAt: string | null;
  /** Grows by one with every step: the compare-and-set token. */
  version: number;
  transitions: HazardTransition[];
}

/** A step asked for, with what it needs. */
export type HazardStep =
  | { action: 'dispatch'; assignee: string; deadline: string; note?: string | null }
  | { action: 'rectify'; note: string }
  | { action: 'verify'; note?: string | null }
  | { action: 'reject'; note: string; deadline?: string | null }
  | { action: 'close'; note?: string | null };

/** The states each step may start from, and where it leads. */
const MOVES: Record<HazardAction, { from: readonly HazardState[]; to: HazardState }> = {
  // Dispatching again re-assigns it (another party, another deadline).
  dispatch: { from: ['registered', 'dispatched'], to: 'dispatched' },
  rectify: { from: ['dispatched'], to: 'rectified' },
  verify: { from: ['rectified'], to: 'verified' },
  reject: { from: ['rectified'], to: 'dispatched' },
  close: { from: ['verified'], to: 'closed' },
};

/** The states as the desk names them (zh-CN), for refusals. */
export const HAZARD_STATE_ZH: Record<HazardState, string> = { registered: '已登记', dispatched: '已派单', rectified: '已整改', verified: '已验收', closed: '已清零' };

/** Why a step cannot be taken from a state, in words a duty officer understands. */
function refusal(action: HazardAction, state: HazardState): RefusalWords {
  const zh = HAZARD_STATE_ZH[state];
  if (state === 'closed') return words('该隐患已清零，不能再做任何操作', 'the hazard is already closed (清零); nothing more can be done with it');
  switch (action) {
    case 'dispatch':
      return words(`隐患${zh}，不能再派单：已派单并在整改中`, `cannot dispatch a hazard that is ${state}: it was already dispatched and worked on`);
    case 'rectify':
      return state === 'registered'
        ? words('隐患尚未派给责任方，不能整改', 'cannot rectify a hazard that has not been dispatched to a responsible party yet')
        : words(`隐患${zh}，不能整改`, `cannot rectify a hazard that is ${state}`);
    case 'verify':
      return state === 'verified'
        ? words('该隐患已验收', 'the hazard is already verified')
        : words(`隐患${zh}，不能验收：须先整改`, `cannot verify a hazard that is ${state}: it must be rectified first`);
    case 'reject':
      return words(`隐患${zh}，不能驳回：只有待验收的整改可以驳回`, `cannot reject a hazard that is ${state}: only a rectification awaiting verification can be rejected`);
    case 'close':
      return words(`隐患${zh}，不能清零：须先整改并验收`, `cannot close a hazard that is ${state}: it must be rectified and verified first`);
  }
}

const deadlinePassed = (deadline: string) => words(`整改期限 ${deadline} 已过`, `the deadline ${deadline} has already passed`);

/** A decision: the hazard after the step, or the reason it is refused (`error` English, `message` both languages). */
export type HazardDecision = { ok: true; hazard: Hazard } | ({ ok: false } & RefusalWords);

/**
 * Takes one step on a hazard as it stands. Pure: `today` (local date) judges deadlines, `at`
 * (ISO) stamps the step; the database then writes it only if the hazard is still at the version
 * this decision saw (compare-and-set).
 */
export function decideHazardStep(hazard: Hazard, step: HazardStep, actor: string, at: string, today: string): HazardDecision {
  const move = MOVES[step.action];
  if (!move.from.includes(hazard.state)) return { ok: false, ...refusal(step.action, hazard.state) };
  const note = step.note?.trim() || null;
  let { assignee, deadline, rectifiedAt, closedAt } = hazard;
  switch (step.action) {
    case 'dispatch':
      if (!step.assignee.trim()) return { ok: false, ...words('派单须指定责任方', 'a dispatch names the responsible party') };
      if (step.deadline < today) return { ok: false, ...deadlinePassed(step.deadline) };
      assignee = step.assignee.trim();
      deadline = step.deadline;
      break;
    case 'rectify':
      if (!note) return { ok: false, ...words('请说明整改做了什么', 'say what was done to rectify it') };
      rectifiedAt = at;
      break;
    case 'reject':
      if (!note) return { ok: false, ...words('请说明驳回整改的理由', 'say why the rectification is rejected') };
      if (step.deadline) {
        if (step.deadline < today) return { ok: false, ...deadlinePassed(step.deadline) };
        deadline = step.deadline;
      }
      rectifiedAt = null;
      break;
    case 'close':
      closedAt = at;
      break;
    case 'verify':
      break;
  }
  const transition: HazardTransition = {
    action: step.action,
    from: hazard.state,
    to: move.to,
    actor,
    at,
    note,
    assignee: step.action === 'dispatch' ? assignee : null,
    deadline: step.action === 'dispatch' || (step.action === 'reject' && step.deadline) ? deadline : null,
  };
  return {
    ok: true,
    hazard: {
      ...hazard,
      state: move.to,
      assignee,
      deadline,
      rectifiedAt,
      closedAt,
      updatedAt: at,
      version: hazard.version + 1,
      transitions: [...hazard.transitions, transition],
    },
  };
}

/** Overdue (超期): dispatched, not yet rectified, and its deadline (inclusive) has passed on `today`. */
export function isOverdue(hazard: Pick<Hazard, 'state' | 'deadline'>, today: string): boolean {
  return hazard.state === 'dispatched' && hazard.deadline !== null && today > hazard.deadline;
}

/** A district's hazard figures. */
export interface HazardCounts {
  /** Not closed yet, in any state. */
  open: number;
  overdue: number;
  /** Closed within the term (or since the term's start). */
  closedThisTerm: number;
  byState: Record<HazardState, number>;
}

function emptyCounts(): HazardCounts {
  return { open: 0, overdue: 0, closedThisTerm: 0, byState: { registered: 0, dispatched: 0, rectified: 0, verified: 0, closed: 0 } };
}

/**
 * Counts per district and for the city: open, overdue on `today`, and closed on or after
 * `termStart` (ISO instant of the term's first local midnight).
 */
export function countHazards(
  hazards: readonly Pick<Hazard, 'districtCode' | 'state' | 'deadline' | 'closedAt'>[],
  today: string,
  termStart: string,
): { byDistrict: Map<DistrictCode, HazardCounts>; total: HazardCounts } {
  const byDistrict = new Map<DistrictCode, HazardCounts>();
  const total = emptyCounts();
  for (const hazard of hazards) {
    let counts = byDistrict.get(hazard.districtCode);
    if (!counts) byDistrict.set(hazard.districtCode, (counts = emptyCounts()));
    for (const c of [counts, total]) {
      c.byState[hazard.state]++;
      if (hazard.state !== 'closed') c.open++;
      if (isOverdue(hazard, today)) c.overdue++;
      if (hazard.state === 'closed' && hazard.closedAt !== null && hazard.closedAt >= termStart) c.closedThisTerm++;
    }
  }
  return { byDistrict, total };
}
