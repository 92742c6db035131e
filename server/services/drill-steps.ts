import { randomUUID } from 'node:crypto';
import type { Alarm, School } from '../../shared/domain/index.js';
import { DEFAULT_DRILL_CHECKLIST, defaultDrillTargets, type Drill, type DrillNote, type DrillPlan, type DrillState } from '../../shared/drill.js';
import { refusal } from '../../shared/refusal.js';
import { DEFAULT_DRILL_LENGTH_MINUTES, drillDeadline } from '../../shared/rules/drill-window.js';
import type { ResponseTargets } from '../../shared/rules/response.js';
import { shanghaiDateTime } from '../../shared/time.js';
import { refuse, type Outcome } from './outcome.js';

/**
 * What DrillService writes, as pure functions: a new drill from its plan, the notes on its record
 * (re-planned, ended at its time limit, an alarm turned real), and the refusals of a command the
 * drill's state does not allow.
 */

/** The state a command needs the drill in, and the words when it is not. */
export const NEEDS: Record<'start' | 'end' | 'cancel' | 'check' | 'replan', readonly DrillState[]> = {
  start: ['planned'],
  replan: ['planned'],
  end: ['running'],
  cancel: ['planned', 'running'],
  check: ['running'],
};

/** The drill's states and commands as the drill screen names them (zh-CN), for refusals. */
export const DRILL_STATE_ZH: Record<DrillState, string> = { planned: '尚未开始', running: '正在进行', ended: '已结束', cancelled: '已取消' };
export const DRILL_COMMAND_ZH: Record<keyof typeof NEEDS, string> = { start: '开始', end: '结束', cancel: '取消', check: '勾选检查项', replan: '重新安排日期' };

/** What the end and a cancellation write on the alarm still open: it leaves the console's queue. */
export const CLOSING_NOTE = '演练结束 drill over';
/** What the end at the time limit writes on the alarm still open. */
export const TIME_LIMIT_NOTE = '演练超时自动结束 drill ended itself at its time limit';

/** 404 for an unknown drill. */
export function noDrill(id: string): Outcome<never> {
  return refuse(404, refusal(`没有编号为 ${id} 的演练`, `no drill ${id}`));
}


/** A drill as planned by `actor` (a display name) at `now`: targets and checklist default when the plan leaves them out. */
export function plannedDrill(input: DrillPlan & { plannedFor: string }, school: Pick<School, 'id' | 'districtCode' | 'setting'>, actor: string, now: string, targets: ResponseTargets): Drill {
  return {
    id: `DRL-${randomUUID()}`,
    schoolId: school.id,
    districtCode: school.districtCode,
    scenario: input.scenario,
    participants: input.participants ?? '',
    plannedFor: new Date(input.plannedFor).toISOString(),
    lengthMinutes: input.lengthMinutes ?? DEFAULT_DRILL_LENGTH_MINUTES,
    targets: input.targets ?? defaultDrillTargets(school.setting, targets),
    state: 'planned',
    createdBy: actor,
    createdAt: now,
    startedBy: null,
    startedAt: null,
    endedBy: null,
    endedAt: null,
    cancelNote: null,
    alarmId: null,
    alarmOrigin: null,
    checklist: (input.checklist ?? DEFAULT_DRILL_CHECKLIST).map((item) => ({ id: item.id, label: item.label, points: item.points, checkedBy: null, checkedAt: null })),
    recordId: null,
    endReason: null,
    notes: [],
  };
}

/** The note of a re-plan: the old and the new day (Shanghai time), and the reason when one was given. */
export function replannedNote(drill: Drill, to: string, actor: string, now: string, reason?: string): DrillNote {
  const why = reason?.trim() ? `：${reason.trim()}` : '';
  const whyEn = reason?.trim() ? `: ${reason.trim()}` : '';
  return {
    kind: 'replanned',
    at: now,
    by: actor,
    text: { zh: `计划时间由 ${shanghaiDateTime(drill.plannedFor)} 改为 ${shanghaiDateTime(to)}${why}`, en: `re-planned from ${shanghaiDateTime(drill.plannedFor)} to ${shanghaiDateTime(to)} (Shanghai time)${whyEn}` },
  };
}

/** The note of the end at the time limit (planned length plus `margin` minutes), written by the system at `at`. */
export function autoEndNote(drill: Drill, margin: number, at: string): DrillNote {
  const deadline = drillDeadline(drill, margin) ?? Date.parse(at);
  return {
    kind: 'auto_ended',
    at,
    by: 'system',
    text: {
      zh: `演练超过计划时长 ${drill.lengthMinutes} 分钟及宽限 ${margin} 分钟（至 ${shanghaiDateTime(deadline)}），系统已自动结束演练；该校报警恢复为真实警情`,
      en: `the drill ran past its planned ${drill.lengthMinutes} min plus the ${margin} min margin (until ${shanghaiDateTime(deadline)} Shanghai time) and the system ended it; alarms at the school are real again`,
    },
  };
}

/** The note of an alarm at the school turned real (转为真实警情) during the drill. */
export function conversionNote(alarm: Alarm, schoolName: string, actor: string, at: string): DrillNote {
  return {
    kind: 'alarm_converted',
    at,
    by: actor,
    alarmId: alarm.id,
    text: {
      zh: `${actor} 将演练期间的报警（${schoolName}，报警时间 ${shanghaiDateTime(alarm.openedAt)}）转为真实警情，已进入真实警情队列和统计，可移交110`,
      en: `${actor} turned an alarm raised during the drill (${schoolName}, raised ${shanghaiDateTime(alarm.openedAt)} Shanghai time) into a real alarm: it is in the real queue and figures and may be handed to 110`,
    },
  };
}
