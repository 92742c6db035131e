import type { Alarm, AlarmState } from '../domain/alarm.js';
import { isOpenState } from '../domain/alarm.js';
import { refusal, type RefusalWords } from '../refusal.js';

/**
 * What an operator can do to an alarm. `handoff_sent` / `handoff_acked` record the hand-off to the
 * 110 alarm centre; `convert_real` turns a drill alarm into a real one (转为真实警情): its state and
 * `openedAt` stay, it leaves the drill and joins the real queue, figures and the 110 hand-off.
 */
export const ALARM_ACTIONS = ['ack', 'dispatch', 'arrive', 'resolve', 'false_alarm', 'cancel', 'handoff_sent', 'handoff_acked', 'convert_real'] as const;
/** An operator action. */
export type AlarmAction = (typeof ALARM_ACTIONS)[number];

/** How a resolved alarm was handled (处置结果). */
export const DISPOSITIONS = ['handled_on_site', 'suspect_controlled', 'medical_aid', 'referred', 'no_threat_found', 'other'] as const;
/** A disposition code; the UI names it in both languages. */
export type Disposition = (typeof DISPOSITIONS)[number];

/**
 * Steps the server takes by itself, never a person: `auto_resolve` closes an alarm whose cause
 * has cleared (a 护学岗 that was absent has checked in). Refused as a command from a screen.
 */
export const SYSTEM_ACTIONS = ['auto_resolve'] as const;
/** A system step. */
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];

/** How the server closed an alarm by itself: `post_checked_in` — the absent post reported on duty. */
export const SYSTEM_DISPOSITIONS = ['post_checked_in'] as const;
/** A system disposition code; the UI names it in both languages. */
export type SystemDisposition = (typeof SYSTEM_DISPOSITIONS)[number];

/** The states each action may start from, and where it leads (null: the state does not change). */
const MOVES: Record<AlarmAction, { from: readonly AlarmState[]; to: AlarmState | null }> = {
  ack: { from: ['new'], to: 'acknowledged' },
  // Dispatching a new alarm acknowledges it first: both steps are stored.
  dispatch: { from: ['new', 'acknowledged', 'dispatched'], to: 'dispatched' },
  arrive: { from: ['dispatched'], to: 'on_scene' },
  // Only a person who has seen the alarm resets it: never straight from `new`.
  resolve: { from: ['acknowledged', 'dispatched', 'on_scene'], to: 'resolved' },
  false_alarm: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'false_alarm' },
  cancel: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: 'cancelled' },
  handoff_sent: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: null },
  handoff_acked: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: null },
  // Only an open alarm: a closed drill alarm is history; a real emergency after it is a new alarm.
  convert_real: { from: ['new', 'acknowledged', 'dispatched', 'on_scene'], to: null },
};

const STATE_NAMES: Record<AlarmState, string> = {
  new: 'new',
  acknowledged: 'acknowledged',
  dispatched: 'dispatched',
  on_scene: 'on scene',
  resolved: 'resolved',
  false_alarm: 'closed as a false alarm',
  cancelled: 'cancelled',
};

/** The states and actions as the console names them (zh-CN), for refusals. */
export const ALARM_STATE_ZH: Record<AlarmState, string> = { new: '待确认', acknowledged: '已确认', dispatched: '已派警', on_scene: '已到场', resolved: '已处置', false_alarm: '已按误报关闭', cancelled: '已撤销' };
const ACTION_ZH: Record<AlarmAction, string> = { ack: '确认', dispatch: '派警', arrive: '标记到场', resolve: '处置完毕', false_alarm: '标记误报', cancel: '撤销', handoff_sent: '移交110', handoff_acked: '记录110接收', convert_real: '转为真实警情' };

/**
 * Decides a system step: `auto_resolve` closes any open alarm (even one nobody has acknowledged
 * yet: its cause is gone, and nobody needs to reset it), and is refused on a closed one.
 */
export function decideSystemMove(alarm: Pick<Alarm, 'state'>, action: SystemAction): MoveDecision {
  if (!isOpenState(alarm.state)) {
    return { ok: false, ...refusal(`系统无法自动关闭：该报警已${ALARM_STATE_ZH[alarm.state].replace(/^已/, '')}`, `cannot ${action.replace('_', ' ')} this alarm: it is already ${STATE_NAMES[alarm.state]}`) };
  }
  return { ok: true, to: 'resolved', implicitAck: false };
}

/** A decision: the state to move to, or the reason the action is refused (`error` English, `message` both languages). */
export type MoveDecision = { ok: true; to: AlarmState; implicitAck: boolean } | ({ ok: false } & RefusalWords);

/**
 * Decides whether `action` is allowed on `alarm` as it stands. Pure: the database then applies
 * the move only if the alarm is still in the state this decision saw (compare-and-set).
 */
export function decideMove(alarm: Pick<Alarm, 'state' | 'drill' | 'transitions'>, action: AlarmAction): MoveDecision {
  const move = MOVES[action];
  if (!move.from.includes(alarm.state)) {
    const why = isOpenState(alarm.state) ? `it is ${STATE_NAMES[alarm.state]}` : `it is already ${STATE_NAMES[alarm.state]}`;
    const whyZh = isOpenState(alarm.state) ? `该报警${ALARM_STATE_ZH[alarm.state]}` : `该报警已${ALARM_STATE_ZH[alarm.state].replace(/^已/, '')}`;
    return { ok: false, ...refusal(`无法${ACTION_ZH[action]}：${whyZh}`, `cannot ${action.replace('_', ' ')} this alarm: ${why}`) };
  }
  if (action === 'convert_real' && !alarm.drill) {
    return { ok: false, ...refusal('该报警不是演练报警，已是真实警情', 'this alarm is not a drill alarm: it is already real') };
  }
  if (action.startsWith('handoff') && alarm.drill) {
    return { ok: false, ...refusal('演练报警不移交110', 'a drill alarm is never handed to 110') };
  }
  if (action === 'handoff_acked' && !alarm.transitions.some((t) => t.action === 'handoff_sent')) {
    return { ok: false, ...refusal('尚未移交110', 'the hand-off to 110 has not been sent yet') };
  }
  if (action === 'handoff_sent' && alarm.transitions.some((t) => t.action === 'handoff_sent')) {
    return { ok: false, ...refusal('已经移交过110', 'the hand-off to 110 was already sent') };
  }
  return { ok: true, to: move.to ?? alarm.state, implicitAck: action === 'dispatch' && alarm.state === 'new' };
}
