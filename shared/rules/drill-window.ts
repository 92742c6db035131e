import type { Drill } from '../drill.js';
import { refusal, type RefusalWords } from '../refusal.js';
import { shanghaiDate } from '../time.js';

/**
 * When a drill may run (issue 12): it starts only on its planned day (the Asia/Shanghai calendar
 * day of `plannedFor`) — a plan for another day is re-planned first — and it runs at most its
 * planned length plus a margin, after which the server ends it by itself. A forgotten drill
 * would otherwise turn every alarm at its school into a drill alarm that never reaches 110.
 */

/** A drill's planned length when the plan names none: one school lesson period (一节课). */
export const DEFAULT_DRILL_LENGTH_MINUTES = 45;
/** The margin after the planned length before a drill ends itself, when not configured (XIAOAN_DRILL_MARGIN_MINUTES). */
export const DEFAULT_DRILL_MARGIN_MINUTES = 30;

/** Why a drill planned for `plannedFor` cannot be (re-)planned at `now`: a day already past. Null when it can. */
export function planRefusal(plannedFor: string, now: number): RefusalWords | null {
  const day = shanghaiDate(plannedFor);
  const today = shanghaiDate(now);
  if (day >= today) return null;
  return refusal(`计划日期 ${day} 已过（今天是 ${today}）：演练只能计划在今天或以后`, `the planned day ${day} is past (today is ${today}): a drill is planned for today or later`);
}

/** Why the drill cannot start at `now`: it is planned for another day (Asia/Shanghai). Null when today is its day. */
export function startRefusal(drill: Pick<Drill, 'plannedFor'>, now: number): RefusalWords | null {
  const day = shanghaiDate(drill.plannedFor);
  const today = shanghaiDate(now);
  if (day === today) return null;
  const when = day < today ? '已过' : '未到';
  return refusal(
    `演练计划于 ${day}，今天是 ${today}（计划日期${when}）：演练只能在计划当天开始；如需今天进行，请先重新安排日期`,
    `this drill is planned for ${day} and today is ${today}: a drill starts only on its planned day; re-plan it to run today`,
  );
}

/** The instant (ms) a running drill ends itself: its start plus its planned length plus the margin. Null before it started. */
export function drillDeadline(drill: Pick<Drill, 'startedAt' | 'lengthMinutes'>, marginMinutes: number): number | null {
  if (!drill.startedAt) return null;
  return Date.parse(drill.startedAt) + (drill.lengthMinutes + marginMinutes) * 60_000;
}

/** Whether a running drill is past its deadline at `now` and must end itself. */
export function overran(drill: Pick<Drill, 'state' | 'startedAt' | 'lengthMinutes'>, marginMinutes: number, now: number): boolean {
  const deadline = drillDeadline(drill, marginMinutes);
  return drill.state === 'running' && deadline !== null && now >= deadline;
}
