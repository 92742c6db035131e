import { findDistrict, isOpenState, type Alarm } from '../shared/domain/index.js';
import { DEFAULT_RESPONSE_TARGETS, timerLevel, type ResponseTargets, type TimerLevel } from '../shared/rules/response.js';

/**
 * `running`: the step has not happened and the alarm is open; `met`: the step happened and the
 * timer froze at that moment; `stopped`: the alarm closed without the step (a false alarm, say).
 */
export type TimerPhase = 'running' | 'met' | 'stopped';

/** One "1-3-5" timer of an alarm, measured from the server's receipt. */
export interface ResponseTimer {
  targetSeconds: number;
  /** Whole seconds from receipt to now (running) or to the step (met) or to the close (stopped). */
  elapsedSeconds: number;
  level: TimerLevel;
  phase: TimerPhase;
}

/** An alarm's timers: acknowledge for every alarm; on scene only where a unit is expected to go. */
export interface ResponseTimers {
  acknowledge: ResponseTimer;
  onScene: ResponseTimer | null;
}

/**
 * The on-scene target applies to alarms that send police (one-key SOS, intrusion: priority 1–2).
 * A camera fault or an absent 护学岗 is followed up, not attended within minutes.
 */
export const ON_SCENE_MAX_PRIORITY = 2;

/** The on-scene target of a district: 3 min in the city's own districts, 5 elsewhere. */
export function onSceneTargetSeconds(districtCode: string, targets: ResponseTargets = DEFAULT_RESPONSE_TARGETS): number {
  return findDistrict(districtCode)?.urban ? targets.onSceneUrbanSeconds : targets.onSceneOtherSeconds;
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

function timer(alarm: Alarm, action: string, targetSeconds: number, now: number): ResponseTimer {
  const start = Date.parse(alarm.receivedAt);
  const metAt = stepAt(alarm, action);
  const closed = closedAt(alarm);
  const phase: TimerPhase = metAt !== null ? 'met' : closed !== null ? 'stopped' : 'running';
  const end = metAt ?? closed ?? now;
  const elapsedSeconds = Math.max(0, Math.floor((end - start) / 1000));
  return { targetSeconds, elapsedSeconds, level: timerLevel(elapsedSeconds, targetSeconds), phase };
}

/** Where an alarm stands against the "1-3-5" targets at `now` (ms). */
export function responseTimers(alarm: Alarm, now: number, targets: ResponseTargets = DEFAULT_RESPONSE_TARGETS): ResponseTimers {
  return {
    acknowledge: timer(alarm, 'ack', targets.acknowledgeSeconds, now),
    onScene: alarm.priority <= ON_SCENE_MAX_PRIORITY ? timer(alarm, 'arrive', onSceneTargetSeconds(alarm.districtCode, targets), now) : null,
  };
}
