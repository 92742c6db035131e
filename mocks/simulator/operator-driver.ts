import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import type { Alarm, PolicePost, School } from '../../shared/domain/index.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { runPlans, signInOverHttp, type PlanSimulator, type PlanStats } from './plan-runner.js';
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

/** Counters since start; `handedOver`: plans dropped because a person acted on the alarm first. */
export interface OperatorSimulatorStats extends PlanStats {
  handedOver: number;
}

/** A running simulated duty operator. */
export type OperatorSimulator = PlanSimulator<OperatorPlan, OperatorSimulatorStats>;

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

  async function signIn(): Promise<string | null> {
    const signed = await signInOverHttp(baseUrl, { username: options.username, password: options.password }, timeoutMs, (line) => log(`operator simulator: ${line}`));
    if (!signed) return null;
    const answer = signInAnswer.safeParse(signed.body);
    if (!answer.success) {
      log(`operator simulator: sign-in as ${options.username} answered without a user`);
      return null;
    }
    actorName = answer.data.user.displayName;
    return signed.cookie;
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
    if (!ok || runner.stopped) {
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

  const runner = runPlans({ plans, now, tickMs: options.tickMs, send, counters, log, label: (plan) => `operator simulator: ${plan.alarmId}` });

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
    tick: runner.tick,
    async stop() {
      await runner.stop();
      socket?.disconnect();
      socket = null;
    },
    stats: () => ({ ...counters }),
    plans: () => [...plans.values()],
  };
}
