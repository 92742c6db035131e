import { isOpenState, type Alarm, type SchoolSetting } from '../shared/domain/index.js';
import { DEFAULT_RESPONSE_TARGETS, fallbackSetting, overrunSeconds, responseTarget, timerLevel, type ResponseTargets, type TimerLevel } from '../shared/rules/response.js';

/**
 * `running`: the step has not happened and the alarm is open; `met`: the step happened and the
 * timer froze at that moment; `stopped`: the alarm closed without the step (a false alarm, say).
 */
export type TimerPhase = 'running' | 'met' | 'stopped';

/** One response timer of an alarm, measured from the server's receipt. */
export interface ResponseTimer {
  targetSeconds: number;
  /** Whole seconds from receipt to now (running) or to the step (met) or to the close (stopped). */
  elapsedSeconds: number;
  /** Whole seconds past the target (0 while in time): shown as 超时 +m:ss. */
  overrunSeconds: number;
  level: TimerLevel;
  phase: TimerPhase;
}

/**
 * An alarm's timers, each null where its priority sets no target: P1/P2 run acknowledge and on
 * scene (1-3-5), P3 acknowledge only (its own, longer target), P4 none (24 h restore instead).
 */
export interface ResponseTimers {
  acknowledge: ResponseTimer | null;
  onScene: ResponseTimer | null;
}

function stepAt(alarm: Alarm, action: string): number | null {
  const step = alarm.transitions.find((transition) => transition.action === action);
  return step ? Date.parse(step.at) : null;
}

function closedAt(alarm: Alarm): number | null {
  if (isOpenState(alarm.state)) return null;
  const closing = [...alarm.transitions].reverse().find((transition) => transition.to === alarm.state && transition.from !== alarm.state);
  return closing ? Date.parse(closing.at) : Date.parse(alarm.updatedAt);
}

function timer(alarm: Alarm, action: string, targetSeconds: number | null, now: number): ResponseTimer | null {
  if (targetSeconds === null) return null;
  const start = Date.parse(alarm.receivedAt);
  const metAt = stepAt(alarm, action);
  const closed = closedAt(alarm);
  const phase: TimerPhase = metAt !== null ? 'met' : closed !== null ? 'stopped' : 'running';
  const end = metAt ?? closed ?? now;
  const elapsedSeconds = Math.max(0, Math.floor((end - start) / 1000));
  return { targetSeconds, elapsedSeconds, overrunSeconds: overrunSeconds(elapsedSeconds, targetSeconds), level: timerLevel(elapsedSeconds, targetSeconds), phase };
}

/** Where an alarm stands against its priority's targets at `now` (ms), on scene by its school's setting (by its district until the school is known). */
export function responseTimers(alarm: Alarm, now: number, targets: ResponseTargets = DEFAULT_RESPONSE_TARGETS, setting: SchoolSetting | null = null): ResponseTimers {
  const own = setting ?? fallbackSetting(alarm.districtCode);
  return {
    acknowledge: timer(alarm, 'ack', responseTarget(targets, alarm.priority, 'acknowledge', own), now),
    onScene: timer(alarm, 'arrive', responseTarget(targets, alarm.priority, 'onScene', own), now),
  };
}
