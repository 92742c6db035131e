import type { Device } from '../../shared/domain/index.js';
import { type IngestEvent, type IngestResult, MAX_EVENTS_PER_BATCH } from '../../shared/ingest.js';
import { createPlannerState, DEFAULT_PLANNER_CONFIG, type PlannerConfig, type PlannerState, planStartup, planTick, type PostSchedule } from './planner.js';

export { createPlannerState, DEFAULT_PLANNER_CONFIG, planStartup, planTick } from './planner.js';
export type { PlannerConfig, PlannerState, PostSchedule } from './planner.js';
export { DEFAULT_WINDOWS, shanghaiDayStart } from './daily.js';

/** Options of {@link startSimulator}; every rate not given takes {@link DEFAULT_PLANNER_CONFIG}. */
export interface SimulatorOptions extends Partial<Omit<PlannerConfig, 'seed'>> {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Ingest token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The registry to simulate; when absent it is read from `GET /api/v1/devices` (retried every tick until it answers). */
  devices?: Device[];
  /** 护学岗 schedules and persons (the registry's devices do not carry them); terminals of unknown posts use the usual three windows. */
  guardPosts?: PostSchedule[];
  /**
   * Events per request, at most 1,000 (the default): the server limits requests per ingest token
   * (XIAOAN_INGEST_RATE_PER_MINUTE), not events, so full batches keep a province's keepalives under it.
   */
  batchSize?: number;
  /** Default 1,000 ms. */
  tickMs?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Default 10 s. */
  requestTimeoutMs?: number;
  /** Alarms sent on start so that a fresh wall shows something (intrusion, one-key, …). Default 0. */
  initialAlarms?: number;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Default 1. */
  seed?: number;
  log?: (message: string) => void;
}

/** Counters since start: events posted, accepted and rejected by the server, and failed requests. */
export interface SimulatorStats {
  devices: number;
  requests: number;
  sent: number;
  accepted: number;
  rejected: number;
  /** Requests that failed: network error, timeout, or a status other than 202/400. */
  errors: number;
  lastError: string | null;
}

/** A running simulator. */
export interface Simulator {
  /** Resolves once the registry is loaded and the first tick (with the start-up events) is sent. */
  ready: Promise<void>;
  /** Runs one tick now, after any tick in progress; the timer runs the same. */
  tick(): Promise<void>;
  /** Stops the timer and waits for the tick in progress. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
}

/**
 * Drives the public ingest API exactly as a vendor gateway would: every tick it plans what the
 * simulated devices did since the last one and POSTs it to `/api/v1/events` in batches.
 * A tick never throws: failures are counted in {@link SimulatorStats.errors} and logged.
 */
export function startSimulator(options: SimulatorOptions): Simulator {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const batchSize = Math.max(1, Math.min(MAX_EVENTS_PER_BATCH, options.batchSize ?? MAX_EVENTS_PER_BATCH));
  const config: PlannerConfig = { ...DEFAULT_PLANNER_CONFIG, ...definedOnly(options), seed: options.seed ?? 1 };
  const headers = { authorization: `Bearer ${options.token}` };
  const counters: SimulatorStats = { devices: 0, requests: 0, sent: 0, accepted: 0, rejected: 0, errors: 0, lastError: null };
  let state: PlannerState | null = null;
  let stopped = false;
  let busy = false;
  let queue = Promise.resolve();

  const fail = (message: string) => {
    counters.errors++;
    counters.lastError = message;
    log(`simulator: ${message}`);
  };

  async function loadRegistry(): Promise<Device[] | null> {
    if (options.devices) return options.devices;
    try {
      const response = await fetch(`${baseUrl}/api/v1/devices`, { headers, signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000) });
      if (!response.ok) {
        await response.body?.cancel();
        fail(`GET /api/v1/devices answered ${response.status}`);
        return null;
      }
      const body = (await response.json()) as { devices?: Device[] };
      if (!Array.isArray(body.devices)) throw new Error('GET /api/v1/devices: no devices array');
      return body.devices;
    } catch (error) {
      fail(`registry: ${describe(error)}`);
      return null;
    }
  }

  async function post(batch: IngestEvent[]): Promise<void> {
    counters.requests++;
    counters.sent += batch.length;
    try {
      const response = await fetch(`${baseUrl}/api/v1/events`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
      });
      if (response.status !== 202 && response.status !== 400) {
        await response.body?.cancel();
        fail(`POST /api/v1/events answered ${response.status} for ${batch.length} events`);
        return;
      }
      const result = (await response.json()) as IngestResult;
      counters.accepted += result.accepted;
      counters.rejected += result.rejected.length;
      const first = result.rejected[0];
      if (first) log(`simulator: ${result.rejected.length} of ${batch.length} rejected, first: ${first.error}`);
    } catch (error) {
      fail(`POST /api/v1/events: ${describe(error)}`);
    }
  }

  async function send(events: IngestEvent[]): Promise<void> {
    const batches: IngestEvent[][] = [];
    for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
    // alarms are planned first, so the first batch goes out before the rest queue up
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await post(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batches.length) }, worker));
  }

  async function runTick(): Promise<void> {
    if (stopped) return;
    try {
      let events: IngestEvent[];
      if (!state) {
        const devices = await loadRegistry();
        if (!devices || stopped) return;
        const at = now();
        state = createPlannerState(devices, config, at, options.guardPosts);
        counters.devices = devices.length;
        events = planStartup(state, at, options.initialAlarms ?? 0);
      } else {
        events = planTick(state, now());
      }
      if (events.length > 0) await send(events);
    } catch (error) {
      fail(`tick: ${describe(error)}`);
    }
  }

  function tick(): Promise<void> {
    queue = queue.then(async () => {
      busy = true;
      await runTick();
      busy = false;
    });
    return queue;
  }

  const ready = tick();
  const timer = setInterval(() => {
    if (!busy) void tick();
  }, options.tickMs ?? 1000);

  return {
    ready,
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await queue;
    },
    stats: () => ({ ...counters }),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The rate options actually given, so that `undefined` does not override a default. */
function definedOnly(options: SimulatorOptions): Partial<PlannerConfig> {
  const keys = Object.keys(DEFAULT_PLANNER_CONFIG) as (keyof typeof DEFAULT_PLANNER_CONFIG)[];
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}
