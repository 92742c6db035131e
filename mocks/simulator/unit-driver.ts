import type { Alarm, PolicePost, School } from '../../shared/domain/index.js';
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
export interface UnitSimulatorStats {
  planned: number;
  sent: number;
  /** Steps the server refused (the alarm moved on: the operator marked the arrival, closed it, sent another unit). */
  refused: number;
  /** Requests that failed (network, 5xx): the step is tried again next tick. */
  errors: number;
}

/** A running unit simulator. */
export interface UnitSimulator {
  /** Tell it of an alarm as it now stands (every alarm change): a dispatch to a unit starts that unit's plan, a move cancels it. */
  observe(alarm: Alarm): void;
  /** Sends the steps that are due now, after any tick in progress. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  stats(): UnitSimulatorStats;
  /** Plans in progress (for tests). */
  plans(): readonly UnitPlan[];
}

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
  const timeout = () => AbortSignal.timeout(options.requestTimeoutMs ?? 10_000);
  let queue = Promise.resolve();
  let stopped = false;

  async function signIn(unitId: string): Promise<UnitSession | null> {
    const known = sessions.get(unitId);
    if (known) return known;
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: usernameOf(unitId), password: options.password }),
      signal: timeout(),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      log(`unit simulator: sign-in as ${usernameOf(unitId)} answered ${response.status}`);
      return null;
    }
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    const session = { cookie, csrf: csrfToken };
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

  async function runTick(): Promise<void> {
    const at = now();
    for (const plan of [...plans.values()]) {
      try {
        while (!stopped && plans.get(plan.alarmId) === plan && plan.steps[0] && plan.steps[0].at <= at) {
          if (!(await send(plan))) break;
        }
        if (plan.steps.length === 0) plans.delete(plan.alarmId);
      } catch (error) {
        counters.errors++;
        log(`unit simulator: ${plan.unitId} on ${plan.alarmId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function tick(): Promise<void> {
    queue = queue.then(() => (stopped ? undefined : runTick()));
    return queue;
  }

  const timer = setInterval(() => void tick(), options.tickMs ?? 1000);
  timer.unref?.();

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
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
    },
    stats: () => ({ ...counters }),
    plans: () => [...plans.values()],
  };
}
