import { actorDevice, isOpenState, type Alarm, type AlarmTransition } from '../domain/alarm.js';
import { MILESTONE_POINTS, TIMED_MILESTONES, type Drill, type DrillMilestone, type DrillSource, type TimedMilestone } from '../drill.js';
import { metInTime, timerLevel, type TimerLevel } from './response.js';

/** One milestone on the timeline: when it was reached (null: not yet), by whom, from where. */
export interface DrillTimelineEntry {
  milestone: DrillMilestone;
  at: string | null;
  /** A person's name, `device:<id>`, or `system`. */
  actor: string | null;
  source: DrillSource | null;
  /** Seconds from initiation (null before initiation or when not reached). */
  offsetSeconds: number | null;
}

/**
 * `waiting`: no drill alarm yet; `running`: the clock runs against the target; `met`: reached,
 * the timer frozen at that moment; `stopped`: the drill (or its alarm) closed without it.
 */
export type MilestonePhase = 'waiting' | 'running' | 'met' | 'stopped';
/** `on_time` / `late`: reached within / after the target; `missed`: never reached; `pending`: not decided yet. */
export type MilestoneOutcome = 'on_time' | 'late' | 'missed' | 'pending';

/** One timed milestone scored against its target. */
export interface MilestoneScore {
  milestone: TimedMilestone;
  targetSeconds: number;
  /** Whole seconds from initiation to the step (met), to now (running) or to the close (stopped); null while waiting. */
  elapsedSeconds: number | null;
  phase: MilestonePhase;
  /** Green under 80 % of the target, amber up to it, red over (frozen when met). */
  level: TimerLevel;
  outcome: MilestoneOutcome;
  points: number;
  maxPoints: number;
}

/** The score card: timers, timeline, checklist points and the total. */
export interface DrillScore {
  /** When the drill alarm was raised (T+0), from its stored `raise` step. */
  initiatedAt: string | null;
  /** The T+ clock in whole seconds: to now while running, frozen at the end; null before initiation. */
  clockSeconds: number | null;
  timeline: DrillTimelineEntry[];
  milestones: MilestoneScore[];
  milestonePoints: number;
  checklistPoints: number;
  checklistMaxPoints: number;
  checked: number;
  total: number;
  maxTotal: number;
  /** True once the drill ended: the card no longer changes. */
  final: boolean;
}

/** Which stored step reaches each alarm milestone: the first one that does. */
function stepFor(alarm: Alarm, milestone: Exclude<DrillMilestone, 'ended'>): AlarmTransition | undefined {
  const steps = alarm.transitions;
  switch (milestone) {
    case 'initiated':
      return steps.find((t) => t.action === 'raise');
    case 'acknowledged':
      // A dispatch straight from `new` stores an implicit acknowledgement first.
      return steps.find((t) => t.to === 'acknowledged' && t.from !== 'acknowledged');
    case 'dispatched':
      return steps.find((t) => t.action === 'dispatch');
    case 'on_scene':
      return steps.find((t) => t.action === 'arrive');
    case 'handled':
      return steps.find((t) => t.action === 'resolve');
  }
}

/** The source of a stored step, from who took it. */
export function sourceOfActor(actor: string): DrillSource {
  if (actorDevice(actor) !== null) return 'device';
  if (actor === 'system') return 'system';
  return 'console';
}

/** When the alarm closed, if it did (resolved, false alarm, cancelled). */
function alarmClosedAt(alarm: Alarm): number | null {
  if (isOpenState(alarm.state)) return null;
  const closing = [...alarm.transitions].reverse().find((t) => t.to === alarm.state && t.from !== alarm.state);
  return Date.parse(closing?.at ?? alarm.updatedAt);
}

const wholeSeconds = (ms: number): number => Math.max(0, Math.floor(ms / 1000));

/**
 * Scores a drill from its stored record, the drill alarm's stored transitions and the checklist,
 * at `now` (ms; injected so tests pin it). Times come from the server's stored steps, never
 * from a screen's clock; only a still-running timer reads `now`.
 */
export function scoreDrill(drill: Drill, alarm: Alarm | null, now: number): DrillScore {
  const raise = alarm ? stepFor(alarm, 'initiated') : undefined;
  const t0 = raise ? Date.parse(raise.at) : null;
  const closed = drill.state === 'ended' || drill.state === 'cancelled';
  const drillEnd = closed && drill.endedAt ? Date.parse(drill.endedAt) : null;
  const offset = (at: string | null): number | null => (t0 === null || at === null ? null : wholeSeconds(Date.parse(at) - t0));

  const timeline: DrillTimelineEntry[] = [];
  const initiatedActor = raise ? (drill.alarmOrigin === 'drill_screen' && drill.startedBy ? drill.startedBy : raise.actor) : null;
  timeline.push({
    milestone: 'initiated',
    at: raise?.at ?? null,
    actor: initiatedActor,
    source: raise ? (drill.alarmOrigin === 'drill_screen' ? 'drill_screen' : sourceOfActor(raise.actor)) : null,
    offsetSeconds: raise ? 0 : null,
  });

  const milestones: MilestoneScore[] = TIMED_MILESTONES.map((milestone) => {
    const step = alarm ? stepFor(alarm, milestone) : undefined;
    timeline.push({ milestone, at: step?.at ?? null, actor: step?.actor ?? null, source: step ? sourceOfActor(step.actor) : null, offsetSeconds: offset(step?.at ?? null) });
    const targetSeconds = drill.targets[milestone];
    const maxPoints = MILESTONE_POINTS[milestone];
    if (t0 === null) return { milestone, targetSeconds, elapsedSeconds: null, phase: 'waiting', level: 'ok', outcome: closed ? 'missed' : 'pending', points: 0, maxPoints };
    if (step) {
      const elapsedSeconds = wholeSeconds(Date.parse(step.at) - t0);
      const onTime = metInTime(elapsedSeconds, targetSeconds);
      return {
        milestone, targetSeconds, elapsedSeconds, phase: 'met', level: timerLevel(elapsedSeconds, targetSeconds),
        outcome: onTime ? 'on_time' : 'late', points: onTime ? maxPoints : Math.floor(maxPoints / 2), maxPoints,
      };
    }
    const stops = [drillEnd, alarm ? alarmClosedAt(alarm) : null].filter((v): v is number => v !== null);
    if (stops.length > 0) {
      const elapsedSeconds = wholeSeconds(Math.min(...stops) - t0);
      return { milestone, targetSeconds, elapsedSeconds, phase: 'stopped', level: 'late', outcome: 'missed', points: 0, maxPoints };
    }
    const elapsedSeconds = wholeSeconds(now - t0);
    return { milestone, targetSeconds, elapsedSeconds, phase: 'running', level: timerLevel(elapsedSeconds, targetSeconds), outcome: 'pending', points: 0, maxPoints };
  });

  timeline.push({
    milestone: 'ended',
    at: drill.state === 'ended' ? drill.endedAt : null,
    actor: drill.state === 'ended' ? drill.endedBy : null,
    // An end at the time limit is the server's own step (issue 12), not the drill screen's.
    source: drill.state === 'ended' ? (drill.endReason === 'time_limit' ? 'system' : 'drill_screen') : null,
    offsetSeconds: drill.state === 'ended' ? offset(drill.endedAt) : null,
  });

  const milestonePoints = milestones.reduce((sum, m) => sum + m.points, 0);
  const checklistPoints = drill.checklist.reduce((sum, item) => sum + (item.checkedAt ? item.points : 0), 0);
  const checklistMaxPoints = drill.checklist.reduce((sum, item) => sum + item.points, 0);
  const maxMilestonePoints = milestones.reduce((sum, m) => sum + m.maxPoints, 0);
  return {
    initiatedAt: raise?.at ?? null,
    clockSeconds: t0 === null ? null : wholeSeconds((drillEnd ?? now) - t0),
    timeline,
    milestones,
    milestonePoints,
    checklistPoints,
    checklistMaxPoints,
    checked: drill.checklist.filter((item) => item.checkedAt).length,
    total: milestonePoints + checklistPoints,
    maxTotal: maxMilestonePoints + checklistMaxPoints,
    final: drill.state === 'ended',
  };
}

/** `T+mm:ss` (hours folded into minutes: a drill runs minutes, not hours). */
export function formatDrillClock(seconds: number | null): string {
  if (seconds === null) return 'T+--:--';
  const minutes = Math.floor(seconds / 60);
  return `T+${String(minutes).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * The drill and its alarm as they stood at `at` (ms), from the stored record: steps after it
 * dropped, the drill still running before its end, checklist ticks after it undone. The replay
 * scores this at `at`, so each step shows the clock, timers and points of that moment.
 */
export function drillAsOf(drill: Drill, alarm: Alarm | null, at: number): { drill: Drill; alarm: Alarm | null } {
  const before = (iso: string | null): boolean => iso !== null && Date.parse(iso) <= at;
  const closedYet = (drill.state === 'ended' || drill.state === 'cancelled') && before(drill.endedAt);
  const pastDrill: Drill = {
    ...drill,
    ...(closedYet ? {} : { state: drill.startedAt && before(drill.startedAt) ? 'running' : 'planned', endedAt: null, endedBy: null, recordId: null }),
    checklist: drill.checklist.map((item) => (before(item.checkedAt) ? item : { ...item, checkedAt: null, checkedBy: null })),
  };
  if (!alarm) return { drill: pastDrill, alarm: null };
  const steps = alarm.transitions.filter((t) => before(t.at));
  if (steps.length === 0) return { drill: pastDrill, alarm: null };
  const last = steps[steps.length - 1]!;
  return { drill: pastDrill, alarm: { ...alarm, transitions: steps, state: last.to, updatedAt: last.at } };
}
