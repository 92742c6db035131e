import type { PolicePost, School } from '../../shared/domain/index.js';
import { z } from 'zod';
import { runPlans, signInOverHttp, type PlanSimulator, type PlanStats } from './plan-runner.js';
import { DEFAULT_UNIT_PLAN, planStands, planUnitResponse, type UnitPlan, type UnitPlanConfig } from './units.js';

/** Options of {@link startUnitSimulator}. */
export interface UnitSimulatorOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The units' responders' password (the demo accounts': `xiaoan-demo`). */
  password: string;
  units: readonly PolicePost[];
  school: (id: string) => School | undefined;
  /** The responder account of a unit; `unit-<id in lower case>` (the demo accounts) by default. */
  usernameOf?: (unitId: string) => string;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Default 1,000 ms. */
  tickMs?: number;
  plan?: Partial<UnitPlanConfig>;
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

/** Counters since start. */
export type UnitSimulatorStats = PlanStats;

/** A running unit simulator: a dispatch to a unit starts that unit's plan, a move of the alarm cancels it. */
export type UnitSimulator = PlanSimulator<UnitPlan, UnitSimulatorStats>;

/** What of the sign-in answer a unit's phone needs: the CSRF token its writes carry. */
const signInAnswer = z.object({ csrfToken: z.string().min(1) });

interface UnitSession {
  cookie: string;
  csrf: string;
}

/**
 * The units' phones (mocks/simulator/units.ts plans them): each due step is sent through the
 * public responder API (`POST /api/v1/responder/alarms/:id/steps`), signed in as the unit's
 * responder, with the time the plan took it at — so the figures show unit-measured arrivals. A
 * refusal (the alarm moved on) drops the rest of that plan; a failure is tried again next tick.
 */
export function startUnitSimulator(options: UnitSimulatorOptions): UnitSimulator {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const config: UnitPlanConfig = { ...DEFAULT_UNIT_PLAN, ...options.plan };
  const usernameOf = options.usernameOf ?? ((unitId: string) => `unit-${unitId.toLowerCase()}`);
  const units = new Map(options.units.map((unit) => [unit.id, unit]));
  const plans = new Map<string, UnitPlan>();
  const sessions = new Map<string, UnitSession>();
  const counters: UnitSimulatorStats = { planned: 0, sent: 0, refused: 0, errors: 0 };
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const timeout = () => AbortSignal.timeout(timeoutMs);

  async function signIn(unitId: string): Promise<UnitSession | null> {
    const known = sessions.get(unitId);
    if (known) return known;
    const signed = await signInOverHttp(baseUrl, { username: usernameOf(unitId), password: options.password }, timeoutMs, (line) => log(`unit simulator: ${line}`));
    const answer = signed ? signInAnswer.safeParse(signed.body) : null;
    if (!signed || !answer?.success) return null;
    const session = { cookie: signed.cookie, csrf: answer.data.csrfToken };
    sessions.set(unitId, session);
    return session;
  }

  /** Sends a plan's next step; true when the plan may go on to the one after. */
  async function send(plan: UnitPlan): Promise<boolean> {
    const next = plan.steps[0]!;
    const session = await signIn(plan.unitId);
    if (!session) {
      counters.errors++;
      return false;
    }
    const body = { ...next.step, requestId: crypto.randomUUID(), at: new Date(Math.min(next.at, now())).toISOString() };
    const response = await fetch(`${baseUrl}/api/v1/responder/alarms/${encodeURIComponent(plan.alarmId)}/steps`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: timeout(),
    });
    const text = await response.text();
    if (response.status === 200) {
      counters.sent++;
      plan.steps.shift();
      return true;
    }
    if (response.status === 401) {
      sessions.delete(plan.unitId);
      counters.errors++;
      return false;
    }
    if (response.status >= 400 && response.status < 500) {
      counters.refused++;
      plans.delete(plan.alarmId);
      log(`unit simulator: ${plan.unitId} ${next.step.action} on ${plan.alarmId} refused (${response.status}): ${text.slice(0, 200)}`);
      return false;
    }
    counters.errors++;
    return false;
  }

  const runner = runPlans({ plans, now, tickMs: options.tickMs, send, counters, log, label: (plan) => `unit simulator: ${plan.unitId} on ${plan.alarmId}` });

  return {
    observe(alarm) {
      const current = plans.get(alarm.id);
      if (current && !planStands(current, alarm)) plans.delete(alarm.id);
      if (plans.has(alarm.id) || !alarm.unitId) return;
      const unit = units.get(alarm.unitId);
      const school = options.school(alarm.schoolId);
      const plan = unit && school ? planUnitResponse(alarm, unit, school, config) : null;
      if (!plan) return;
      plans.set(alarm.id, plan);
      counters.planned++;
    },
    tick: runner.tick,
    stop: runner.stop,
    stats: () => ({ ...counters }),
    plans: () => [...plans.values()],
  };
}
