import { isOpenState, type Alarm, type AlarmState, type AlarmTransition } from '../domain/alarm.js';
import type { LatLng } from '../domain/entities.js';
import { distanceM } from '../geo.js';
import { refusal, type RefusalWords } from '../refusal.js';
import { MAX_QUEUED_MS, type FieldAction } from '../responder.js';
import { ALARM_STATE_ZH } from './alarm-lifecycle.js';

/**
 * The rules of a unit's phone steps (issue 14; shared/responder.ts): pure, each refusal with its
 * reason in both languages and the HTTP status it answers.
 *
 * - Only the unit the alarm is dispatched to acts on it: another unit is refused (403); a unit
 *   the alarm was dispatched to before and then sent elsewhere is told it moved on (409).
 * - `accept` 接警 from `dispatched`, once per dispatch; `arrive` 到场 `dispatched → on_scene`, with
 *   the distance from the school when the phone gave its position; `report` 处置反馈 from `on_scene`.
 *   A closed alarm, or one past the step (already on scene …), is refused with why (409).
 * - `at` is when the person took the step (the phone's clock; later than now when the step waited
 *   in the phone's offline queue): not more than {@link CLOCK_SKEW_MS} in the future, not older than
 *   MAX_QUEUED_MS, not before the dispatch (400). Within the skew a step is stored no earlier than
 *   the step it follows (the dispatch, the acceptance, the arrival) and never later than now, so
 *   the alarm's history and its figures stay in order even with a phone clock a little off.
 */

/** How far a phone's clock may be off: a step up to this far in the future, or before the dispatch, is taken as clock error. */
export const CLOCK_SKEW_MS = 2 * 60 * 1000;

/** A step allowed: the state it leads to, the time to store it at, and the distance from the school (arrive with a position). */
export type FieldDecision =
  | { ok: true; to: AlarmState; at: string; distanceM?: number }
  | ({ ok: false; status: 400 | 403 | 409 } & RefusalWords);

/** The step as the rules need it. */
export interface FieldStepFacts {
  action: FieldAction;
  at: string;
  position?: LatLng | undefined;
}

/** Whether a step is a unit's phone step of `action` (by `unitId` when given). */
export function isFieldStep(step: AlarmTransition, action?: FieldAction, unitId?: string): boolean {
  return step.field !== undefined && (action === undefined || step.action === action) && (unitId === undefined || step.field.unitId === unitId);
}

/** The index of the alarm's last dispatch to `unitId` (−1: never dispatched to it). */
export function lastDispatchTo(alarm: Pick<Alarm, 'transitions'>, unitId: string): number {
  for (let i = alarm.transitions.length - 1; i >= 0; i--) {
    const t = alarm.transitions[i]!;
    if (t.action === 'dispatch' && t.unitId === unitId) return i;
  }
  return -1;
}

/**
 * The units an alarm change concerns: the unit it is dispatched to, and — on the change that
 * sends it to another unit — the unit it was taken from, so that unit's phone drops it.
 */
export function unitsOfChange(alarm: Pick<Alarm, 'unitId' | 'transitions'>): string[] {
  const units = alarm.unitId ? [alarm.unitId] : [];
  const last = alarm.transitions[alarm.transitions.length - 1];
  if (last?.action !== 'dispatch') return units;
  for (let i = alarm.transitions.length - 2; i >= 0; i--) {
    const t = alarm.transitions[i]!;
    if (t.action === 'dispatch') {
      if (t.unitId && !units.includes(t.unitId)) units.push(t.unitId);
      break;
    }
  }
  return units;
}

const refused = (status: 400 | 403 | 409, words: RefusalWords): FieldDecision => ({ ok: false, status, ...words });

const NOT_YOURS = refusal('该报警未派给本单位', 'this alarm is not dispatched to your unit');
const SENT_ELSEWHERE = refusal('该报警已改派其他单位：无需本单位继续处置', 'the alarm has moved on: it was re-dispatched to another unit');
const FUTURE = refusal('步骤时间晚于服务器当前时间：请校准手机时间', 'at is in the future: check the phone’s clock');
const TOO_OLD = refusal(`步骤在离线队列中超过 ${MAX_QUEUED_MS / 3_600_000} 小时，已不再接受`, `the step waited more than ${MAX_QUEUED_MS / 3_600_000} hours in the phone’s queue: it is no longer accepted`);
const BEFORE_DISPATCH = refusal('步骤时间早于派警时间', 'at is before the alarm was dispatched to your unit');
const ALREADY_ACCEPTED = refusal('本单位已接警', 'your unit has already accepted this alarm');

function movedOn(state: AlarmState, action: FieldAction): RefusalWords {
  const step = { accept: ['接警', 'accept'], arrive: ['到场', 'report on scene'], report: ['处置反馈', 'report back'] }[action];
  if (!isOpenState(state)) return refusal(`无法${step[0]}：该报警已${ALARM_STATE_ZH[state].replace(/^已/, '')}`, `cannot ${step[1]}: the alarm has moved on, it is already ${state.replace('_', ' ')}`);
  if (state === 'on_scene') return refusal(`无法${step[0]}：已记录到场`, `cannot ${step[1]}: the alarm has moved on, arrival is already recorded`);
  return refusal(`无法${step[0]}：尚未到场，请先上报到场`, `cannot ${step[1]}: arrival is not recorded yet, report on scene first`);
}

/**
 * Decides a unit's step on an alarm as it stands (the service then writes it only if the alarm is
 * unchanged: compare-and-set). `now` in ms; `school` is where the distance of an arrival is measured from.
 */
export function decideFieldStep(alarm: Pick<Alarm, 'state' | 'unitId' | 'transitions'>, step: FieldStepFacts, context: { unitId: string; now: number; school: LatLng | null }): FieldDecision {
  const { unitId, now } = context;
  const dispatched = lastDispatchTo(alarm, unitId);
  if (alarm.unitId !== unitId) return refused(dispatched >= 0 ? 409 : 403, dispatched >= 0 ? (isOpenState(alarm.state) ? SENT_ELSEWHERE : movedOn(alarm.state, step.action)) : NOT_YOURS);
  if (!isOpenState(alarm.state)) return refused(409, movedOn(alarm.state, step.action));
  const at = Date.parse(step.at);
  if (at > now + CLOCK_SKEW_MS) return refused(400, FUTURE);
  if (at < now - MAX_QUEUED_MS) return refused(400, TOO_OLD);
  const since = alarm.transitions.slice(Math.max(0, dispatched));
  const dispatchAt = dispatched >= 0 ? Date.parse(alarm.transitions[dispatched]!.at) : now;
  if (at < dispatchAt - CLOCK_SKEW_MS) return refused(400, BEFORE_DISPATCH);
  let floor = dispatchAt;
  const later = (t: AlarmTransition | undefined) => (t ? Math.max(floor, Date.parse(t.at)) : floor);
  const when = () => new Date(Math.min(now, Math.max(at, floor))).toISOString();
  switch (step.action) {
    case 'accept':
      if (alarm.state !== 'dispatched') return refused(409, movedOn(alarm.state, 'accept'));
      if (since.some((t) => isFieldStep(t, 'accept', unitId))) return refused(409, ALREADY_ACCEPTED);
      return { ok: true, to: 'dispatched', at: when() };
    case 'arrive': {
      if (alarm.state !== 'dispatched') return refused(409, movedOn(alarm.state, 'arrive'));
      floor = later(since.find((t) => isFieldStep(t, 'accept', unitId)));
      const distance = step.position && context.school ? Math.round(distanceM(step.position, context.school)) : undefined;
      return { ok: true, to: 'on_scene', at: when(), ...(distance !== undefined ? { distanceM: distance } : {}) };
    }
    case 'report':
      if (alarm.state !== 'on_scene') return refused(409, movedOn(alarm.state, 'report'));
      floor = later(since.findLast((t) => t.to === 'on_scene' && t.from !== 'on_scene'));
      return { ok: true, to: 'on_scene', at: when() };
  }
}
