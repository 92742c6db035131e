import type { Alarm, PolicePost, School } from '../../shared/domain/index.js';
import { isOpenState } from '../../shared/domain/index.js';
import { nearest } from '../../shared/geo.js';
import { QUICK_RESPONSE_PRIORITIES } from '../../shared/rules/response.js';
import { between, createRng, hashString } from './random.js';

/**
 * The duty operator of an unattended demo, simulated (issue 14 item 5): an alarm the simulator
 * raised that the 1-3-5 rule is for (P1 一键报警, P2 入侵; never a drill) is acknowledged 10–40 s
 * after it arrives (the operator hears the tone, reads the card, looks at the cameras) and
 * dispatched 20–75 s later to the police post nearest the school — so the simulated units'
 * phones (units.ts) accept and arrive, and the wall's figures show unit-measured arrivals. A
 * person at the console always wins: once anybody else acts on the alarm, the plan is dropped.
 * Pure planning here; the driver (operator-driver.ts) sends each step as a console command.
 */

/** How the simulated operator behaves. */
export interface OperatorPlanConfig {
  /** Seconds from the alarm's arrival to the acknowledgement, [min, max). */
  ackSeconds: readonly [number, number];
  /** Seconds from the acknowledgement to the dispatch, [min, max). */
  dispatchSeconds: readonly [number, number];
  seed: number;
}

export const DEFAULT_OPERATOR_PLAN: OperatorPlanConfig = { ackSeconds: [10, 40], dispatchSeconds: [20, 75], seed: 1 };

/** One console command the operator will send at `at` (ms). */
export type PlannedOperatorStep = { at: number; command: 'ack' } | { at: number; command: 'dispatch'; unitId: string };

/** The operator's plan for one alarm. */
export interface OperatorPlan {
  alarmId: string;
  /** How many transitions the alarm had when planned: every later one must be the operator's own. */
  baseline: number;
  steps: PlannedOperatorStep[];
}

/** Whether the simulated operator handles this alarm at all: an open, new, real (not drill) P1/P2 alarm nobody has touched. */
export function operatorHandles(alarm: Alarm): boolean {
  return !alarm.drill && alarm.state === 'new' && QUICK_RESPONSE_PRIORITIES.includes(alarm.priority) && alarm.transitions.every((step) => step.action === 'raise');
}

/** The police post nearest the school (straight line), or null without any. */
export function nearestUnit(school: School, units: readonly PolicePost[]): PolicePost | null {
  return nearest(school, units, 1)[0]?.item ?? null;
}

/** The operator's steps for a new alarm: acknowledge, then dispatch the nearest post (null when it does not handle the alarm). */
export function planOperatorResponse(alarm: Alarm, school: School, units: readonly PolicePost[], config: OperatorPlanConfig = DEFAULT_OPERATOR_PLAN): OperatorPlan | null {
  const unit = nearestUnit(school, units);
  if (!operatorHandles(alarm) || !unit) return null;
  const rng = createRng(hashString(alarm.id, config.seed));
  const ackAt = Date.parse(alarm.receivedAt) + between(rng, config.ackSeconds[0], config.ackSeconds[1]) * 1000;
  const dispatchAt = ackAt + between(rng, config.dispatchSeconds[0], config.dispatchSeconds[1]) * 1000;
  return {
    alarmId: alarm.id,
    baseline: alarm.transitions.length,
    steps: [
      { at: Math.round(ackAt), command: 'ack' },
      { at: Math.round(dispatchAt), command: 'dispatch', unitId: unit.id },
    ],
  };
}

/**
 * Whether a plan still stands for the alarm as it is now: still open, and every step taken since
 * it was planned is the operator's own (`actor`: the name the server stores its steps under, its
 * display name; null before it has signed in) — anybody else's step hands it over.
 */
export function operatorPlanStands(plan: OperatorPlan, alarm: Alarm, actor: string | null): boolean {
  return !alarm.drill && isOpenState(alarm.state) && alarm.transitions.slice(plan.baseline).every((step) => step.actor === actor);
}
