import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import type { Alarm, PolicePost, School } from '../../shared/domain/index.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { DEFAULT_OPERATOR_PLAN, operatorPlanStands, planOperatorResponse, type OperatorPlan, type OperatorPlanConfig, type PlannedOperatorStep } from './operator.js';

/** Options of {@link startOperatorSimulator}. */
export interface OperatorSimulatorOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The simulated operator's account (a city-level police operator; the demo's `duty-sim`). */
  username: string;
  password: string;
  units: readonly PolicePost[];
  school: (id: string) => School | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Default 1,000 ms. */
  tickMs?: number;
  plan?: Partial<OperatorPlanConfig>;
  /** How long a sign-in or a command may take. Default 10,000 ms. */
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

/** Counters since start. */
export interface OperatorSimulatorStats {
  planned: number;
  sent: number;
  /** Commands the server refused (somebody else moved the alarm meanwhile): the rest of that plan is dropped. */
  refused: number;
  /** Plans dropped because a person acted on the alarm first. */
  handedOver: number;
  /** Failed sign-ins, connections or unanswered commands: the step is tried again next tick. */
  errors: number;
}

/** A running simulated duty operator. */
export interface OperatorSimulator {
  /** Tell it of an alarm as it now stands (every alarm change). */
  observe(alarm: Alarm): void;
  /** Sends the commands that are due now, after any tick in progress. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  stats(): OperatorSimulatorStats;
  /** Plans in progress (for tests). */
  plans(): readonly OperatorPlan[];
}

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What of the sign-in answer the operator needs: the name its steps are stored under. */
const signInAnswer = z.object({ user: z.object({ displayName: z.string().min(1) }) });

/**
 * The simulated duty operator (operator.ts plans it): signs in as its own operator account over
 * the public HTTP API and sends each due step as the console does — a Socket.IO command
 * (`alarm:ack`, `alarm:dispatch`) answered by the server's acknowledgement — so its steps are
 * stored under its own name on the timeline. A refusal drops the plan; a failure is tried again.
 */
export function startOperatorSimulator(options: OperatorSimulatorOptions): OperatorSimulator {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const config: OperatorPlanConfig = { ...DEFAULT_OPERATOR_PLAN, ...options.plan };
  const plans = new Map<string, OperatorPlan>();
  const counters: OperatorSimulatorStats = { planned: 0, sent: 0, refused: 0, handedOver: 0, errors: 0 };
  let socket: ConsoleSocket | null = null;
  /** The name the server stores the operator's steps under (its display name), known once signed in; before that nothing is its own. */
  let actorName: string | null = null;
  let queue = Promise.resolve();
  let stopped = false;

  async function signIn(): Promise<string | null> {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: options.username, password: options.password }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      log(`operator simulator: sign-in as ${options.username} answered ${response.status}`);
      return null;
    }
    const answer = signInAnswer.safeParse(await response.json());
    if (!answer.success) {
      log(`operator simulator: sign-in as ${options.username} answered without a user`);
      return null;
    }
    actorName = answer.data.user.displayName;
    return response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
  }

  /** The console's connection, signed in; null when it cannot be had now (tried again next tick). */
  async function connected(): Promise<ConsoleSocket | null> {
    if (socket?.connected) return socket;
    socket?.disconnect();
    socket = null;
    const cookie = await signIn();
    if (!cookie) return null;
    const next: ConsoleSocket = io(baseUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      next.once('connect', () => (clearTimeout(timer), resolve(true)));
      next.once('connect_error', (error) => (clearTimeout(timer), log(`operator simulator: connection refused: ${error.message}`), resolve(false)));
    });
    if (!ok || stopped) {
      next.disconnect();
      return null;
    }
    socket = next;
    return socket;
  }

  function command(connection: ConsoleSocket, alarmId: string, step: PlannedOperatorStep): Promise<Ack<Alarm>> {
    const timed = connection.timeout(timeoutMs);
    return step.command === 'ack' ? timed.emitWithAck('alarm:ack', { id: alarmId }) : timed.emitWithAck('alarm:dispatch', { id: alarmId, unitId: step.unitId });
  }

  /** Sends a plan's next step; true when the plan may go on to the one after. */
  async function send(plan: OperatorPlan): Promise<boolean> {
    const connection = await connected();
    if (!connection) {
      counters.errors++;
      return false;
    }
    const step = plan.steps[0]!;
    const answer = await command(connection, plan.alarmId, step);
    if (answer.ok) {
      counters.sent++;
      // observe() may have taken it off already: the change can arrive before the answer.
      if (plan.steps[0] === step) plan.steps.shift();
      return true;
    }
    counters.refused++;
    plans.delete(plan.alarmId);
    log(`operator simulator: ${step.command} on ${plan.alarmId} refused: ${answer.error}`);
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
        log(`operator simulator: ${plan.alarmId}: ${error instanceof Error ? error.message : String(error)}`);
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
      if (current) {
        if (!operatorPlanStands(current, alarm, actorName)) {
          plans.delete(alarm.id);
          counters.handedOver++;
        } else if (current.steps[0]?.command === 'ack' && alarm.state !== 'new') {
          // Its own acknowledgement landed though the answer was lost (a timeout): not sent twice.
          current.steps.shift();
        }
        return;
      }
      const school = options.school(alarm.schoolId);
      const plan = school ? planOperatorResponse(alarm, school, options.units, config) : null;
      if (!plan) return;
      plans.set(alarm.id, plan);
      counters.planned++;
    },
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
      socket?.disconnect();
      socket = null;
    },
    stats: () => ({ ...counters }),
    plans: () => [...plans.values()],
  };
}
