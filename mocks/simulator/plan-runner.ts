import type { Alarm } from '../../shared/domain/index.js';

/** A simulated person's plan for one alarm: its steps in time order, each due at `at` (ms). */
export interface TimedPlan {
  alarmId: string;
  steps: { at: number }[];
}

/** The loop of a simulated person (the units' phones, the duty operator). */
export interface PlanRunner {
  /** Sends the steps that are due now, after any tick in progress. */
  tick(): Promise<void>;
  /** Stops the timer and waits for the tick in progress. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/**
 * Every `tickMs`, sends each plan's due steps in order through `send` (true: go on to the next
 * step; false: stop this plan for this tick — a refusal has removed it, a failure tries again
 * next tick). Ticks never overlap; a plan that is done is forgotten; an error thrown is counted and logged.
 */
export function runPlans<P extends TimedPlan>(options: {
  plans: Map<string, P>;
  now: () => number;
  /** Default 1,000 ms. */
  tickMs?: number | undefined;
  send: (plan: P) => Promise<boolean>;
  /** Counts an error that `send` threw (its `errors`). */
  counters: PlanStats;
  /** Logs an error that `send` threw, after `label(plan)`. */
  log: (message: string) => void;
  label: (plan: P) => string;
}): PlanRunner {
  const { plans } = options;
  let queue = Promise.resolve();
  let stopped = false;

  async function runTick(): Promise<void> {
    const at = options.now();
    for (const plan of [...plans.values()]) {
      try {
        while (!stopped && plans.get(plan.alarmId) === plan && plan.steps[0] && plan.steps[0].at <= at) {
          if (!(await options.send(plan))) break;
        }
        if (plan.steps.length === 0) plans.delete(plan.alarmId);
      } catch (error) {
        options.counters.errors++;
        options.log(`${options.label(plan)}: ${error instanceof Error ? error.message : String(error)}`);
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
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
    },
    get stopped() {
      return stopped;
    },
  };
}

/** A session signed in over the public API: its cookies as one `cookie` header, and the answer's body. */
export interface SignedIn {
  cookie: string;
  body: unknown;
}

/** Signs in over `POST /api/v1/auth/login`; null (and a logged line) when the server says no. */
export async function signInOverHttp(baseUrl: string, credentials: { username: string; password: string }, timeoutMs: number, log: (message: string) => void): Promise<SignedIn | null> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    log(`sign-in as ${credentials.username} answered ${response.status}`);
    return null;
  }
  const body: unknown = await response.json();
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  return { cookie, body };
}

/** Counters of a simulated person since start. */
export interface PlanStats {
  planned: number;
  sent: number;
  /** Steps the server refused (somebody else moved the alarm meanwhile): the rest of that plan is dropped. */
  refused: number;
  /** Failed sign-ins, connections or requests: the step is tried again next tick. */
  errors: number;
}

/** A running simulated person. */
export interface PlanSimulator<P extends TimedPlan, S extends PlanStats> {
  /** Tell it of an alarm as it now stands (every alarm change): it may start, keep or drop a plan. */
  observe(alarm: Alarm): void;
  /** Sends the steps that are due now, after any tick in progress. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  stats(): S;
  /** Plans in progress (for tests). */
  plans(): readonly P[];
}
