import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../shared/ingest.js';
import type { SemesterRule } from '../shared/rules/compliance/types.js';
import { GUARD_POST_REACH_M } from '../shared/rules/guard-post-setup.js';
import { DEFAULT_RESPONSE_TARGETS, priorityTargets, type ResponseTargets } from '../shared/rules/response.js';
import { DEFAULT_DRILL_MARGIN_MINUTES } from '../shared/rules/drill-window.js';
import { VIDEO_PLACEHOLDERS, videoLinkFor } from '../shared/cameras.js';
import type { RiskModel } from '../shared/rules/risk.js';
import { parseRiskModel } from './risk-config.js';

const onOff = z.enum(['on', 'off']);

/**
 * One priority's targets, seconds, `-` for none: `P1=60/180/300/300` — acknowledge / on scene at a
 * city-setting school / town / rural (School.setting); the older three-field form `P1=60/180/300`
 * (acknowledge / city / elsewhere) still reads, its last figure for town and rural alike.
 */
const TARGET_ENTRY = /^P([1-4])=(\d{1,5}|-)\/(\d{1,5}|-)\/(\d{1,5}|-)(?:\/(\d{1,5}|-))?$/;

/** `P1=60/180/300/300,P3=600/-/-/-`: the priorities named replace the defaults; the others keep them. */
const responseTargetsSchema = z
  .string()
  .transform((text, ctx): ResponseTargets => {
    const targets: ResponseTargets = { ...DEFAULT_RESPONSE_TARGETS };
    const seconds = (value: string): number | null => (value === '-' ? null : Number(value));
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const [, priority, acknowledge = '-', city = '-', town = '-', rural] = TARGET_ENTRY.exec(entry) ?? [];
      if (!priority) {
        ctx.addIssue({ code: 'custom', message: `"${entry}": must be entries P<1-4>=ack/city/town/rural in seconds (- for none), separated by commas, e.g. P1=60/180/300/300,P3=600/-/-/-` });
        return z.NEVER;
      }
      targets[Number(priority) as keyof ResponseTargets] = priorityTargets(seconds(acknowledge), { city: seconds(city), town: seconds(town), rural: seconds(rural ?? town) });
    }
    return targets;
  });

/**
 * XIAOAN_VIDEO_URL_TEMPLATE: an http(s) address with `{cameraId}` (and optionally `{schoolId}`) and
 * no other `{…}`: anything else would open a broken or foreign page from every camera tile.
 */
function videoTemplateProblem(text: string): string | null {
  const unknown = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((name) => !(VIDEO_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) return `unknown placeholder {${unknown[0]}}: only {cameraId} and {schoolId}`;
  if (!text.includes('{cameraId}')) return 'must contain {cameraId}';
  let url: URL;
  try {
    url = new URL(videoLinkFor(text, { id: 'CAM-1', schoolId: 'S1' }));
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// address, not ${url.protocol}`;
  return null;
}

/** Express's named address ranges for `trust proxy`. */
const TRUST_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address or subnet Express's `trust proxy` takes: `10.0.0.1`, `10.0.0.0/8`, `::1`, `fc00::/7`, or a preset name. */
function trustEntryValid(entry: string): boolean {
  if (TRUST_PRESETS.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * XIAOAN_TRUST_PROXY → Express's `trust proxy`: `off` (the default: the peer's address is the
 * client's, X-Forwarded-For ignored), a hop count (`1`), or addresses, subnets and presets
 * (`loopback`, `10.0.0.0/8, ::1`). `on` (trust any peer) is refused: it lets any client forge its address.
 */
export type TrustProxy = false | number | string[];

function parseTrustProxy(text: string): TrustProxy {
  if (text === 'off') return false;
  if (/^\d+$/.test(text)) return Number(text);
  return text.split(',').map((entry) => entry.trim()).filter(Boolean);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  XIAOAN_DATA_DIR: z.string().min(1).default('./data'),
  XIAOAN_SIMULATOR: onOff.default('on'),
  XIAOAN_SIMULATOR_UNITS: onOff.default('on'),
  XIAOAN_SIMULATOR_OPERATOR: onOff.default('on'),
  XIAOAN_INGEST_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  XIAOAN_ADMIN_PASSWORD: z.string().min(1).optional(),
  XIAOAN_DATASET_SEED: z.coerce.number().int().default(20200222),
  XIAOAN_DATASET_SCALE: z.enum(['city', 'province']).default('city'),
  XIAOAN_TILE_URL: z.url().optional(),
  XIAOAN_TILE_ATTRIBUTION: z.string().optional(),
  XIAOAN_VIDEO_URL_TEMPLATE: z
    .string()
    .trim()
    .max(2000)
    .superRefine((text, ctx) => {
      const problem = videoTemplateProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. https://video.example.cn/live?camera={cameraId})` });
    })
    .optional(),
  XIAOAN_INGEST_MAX_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  XIAOAN_REPLAY_LIMIT: z.coerce.number().int().min(1).default(5000),
  XIAOAN_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(10_000).default(16),
  XIAOAN_CATCHUP_CHUNK: z.coerce.number().int().min(1).max(10_000).default(100),
  XIAOAN_CATCHUPS_AT_ONCE: z.coerce.number().int().min(1).max(1_000).default(4),
  XIAOAN_SEMESTERS: z
    .string()
    .regex(/^(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\.\.(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:,|$))+$/, 'must be terms MM-DD..MM-DD separated by commas, e.g. 09-01..01-31,03-01..07-15')
    .default('09-01..01-31,03-01..07-15'),
  XIAOAN_DEMO: onOff.default('on'),
  XIAOAN_RESPONSE_TARGETS: responseTargetsSchema.prefault(''),
  XIAOAN_POST_GRACE_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
  XIAOAN_POST_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  XIAOAN_GUARD_POST_REACH_M: z.coerce.number().int().min(50).max(2000).default(GUARD_POST_REACH_M),
  XIAOAN_DRILL_MARGIN_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(DEFAULT_DRILL_MARGIN_MINUTES),
  XIAOAN_INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  XIAOAN_REPORT_SCHEDULE: onOff.default('on'),
  XIAOAN_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  XIAOAN_WORKER_QUEUE: z.coerce.number().int().min(1).max(100_000).default(200),
  XIAOAN_HEAVY_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  NODE_ENV: z.string().optional(),
  XIAOAN_CHECK_ANSWERS: z.enum(['on', 'off']).optional(),
  XIAOAN_TRUST_PROXY: z
    .string()
    .trim()
    .refine(
      (text) => text === 'off' || /^\d{1,2}$/.test(text) || (text.split(',').some((e) => e.trim()) && text.split(',').every((e) => !e.trim() || trustEntryValid(e.trim()))),
      'must be off, a hop count (e.g. 1), or addresses/subnets/presets separated by commas (e.g. loopback or 10.0.0.0/8,::1)',
    )
    .default('off'),
  XIAOAN_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  XIAOAN_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  XIAOAN_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(5_000),
  XIAOAN_IDLE_TIMEOUT_MS: z.coerce.number().int().min(50_000).max(3_600_000).default(120_000),
  XIAOAN_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  XIAOAN_LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  XIAOAN_LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(100_000).default(30),
  XIAOAN_LOGIN_FIRST_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  XIAOAN_LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  XIAOAN_SOCKET_COMMAND_BURST: z.coerce.number().int().min(1).max(100_000).default(100),
  XIAOAN_SOCKET_COMMAND_RATE: z.coerce.number().min(0.1).max(100_000).default(20),
  XIAOAN_SOCKET_FLOOD_CLOSE: z.coerce.number().int().min(0).max(10_000_000).default(200),
  XIAOAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  XIAOAN_RISK_MODEL: z.string().max(20_000).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().optional(),
  MQTT_URL: z.string().optional(),
  // GB/T 28181 (issue 16): the SIP endpoint cameras, NVRs and alarm inputs register with.
  XIAOAN_GB28181: z.enum(['on', 'off']).default('off'),
  XIAOAN_GB28181_ID: z.string().regex(/^\d{20}$/, 'must be the platform\'s 20-digit GB/T 28181 code').default('41040000002000000001'),
  XIAOAN_GB28181_DOMAIN: z.string().regex(/^\d{10}$/, 'must be the 10-digit SIP domain (the platform code\'s first 10 digits)').default('4104000000'),
  XIAOAN_GB28181_HOST: z.string().min(1).default('0.0.0.0'),
  XIAOAN_GB28181_PORT: z.coerce.number().int().min(0).max(65_535).default(5060),
  XIAOAN_GB28181_PASSWORD: z.string().min(1).max(128).optional(),
  XIAOAN_GB28181_ANNOUNCE_HOST: z.string().min(1).max(253).optional(),
  XIAOAN_GB28181_MAX_BYTES: z.coerce.number().int().min(1024).max(65_507).default(32_768),
  XIAOAN_GB28181_RATE: z.coerce.number().min(1).max(1_000_000).default(200),
  XIAOAN_KEEPALIVE_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(60),
});

/** The server's typed configuration; see README's configuration table. */
/** Limits on the work one screen can cause (XIAOAN_SOCKETS_PER_SESSION, XIAOAN_CATCHUP_CHUNK, XIAOAN_CATCHUPS_AT_ONCE). */
export interface RealtimeLimits {
  /** Sockets one signed-in session may hold open on a node; one more is refused at the handshake. */
  socketsPerSession: number;
  /** Alarm changes replayed per step of a catch-up; the event loop is yielded between steps. */
  catchUpChunk: number;
  /** Catch-ups (replays and snapshots) served at once; the others wait their turn. */
  catchUpsAtOnce: number;
}

/** The defaults, for a server assembled without a config (tests of single parts). */
export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = { socketsPerSession: 16, catchUpChunk: 100, catchUpsAtOnce: 4 };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  simulator: boolean;
  /**
   * The simulated units' phones (issue 14): with the simulator and the demo accounts, a dispatch to
   * a police post is accepted, arrived at and reported on by its demo responder. `off` leaves the
   * units to real phones (or the operator's marks).
   */
  simulatorUnits: boolean;
  /**
   * The simulated duty operator (issue 14 item 5): with the simulator and the demo accounts, a new
   * real P1/P2 alarm nobody at the console has touched is acknowledged and dispatched to the police
   * post nearest the school by the demo's `duty-sim` operator. `off` leaves every alarm to people.
   */
  simulatorOperator: boolean;
  /** Fixed ingest token; when absent one is generated and kept in the database. */
  ingestToken: string | null;
  adminPassword: string | null;
  /** Sign-in attempts allowed per client address per minute. */
  loginsPerMinute: number;
  /**
   * Sign-in throttling (instead of a lock): failures per (account, address) and per address across
   * accounts before waits start, doubling up to `maxDelaySeconds`.
   */
  loginThrottle: { freeFailures: number; addressFreeFailures: number; firstDelaySeconds: number; maxDelaySeconds: number };
  /** Commands each socket may send: a burst, a steady rate per second, and how many over it (in 10 s) close the socket (0: never). */
  socketCommands: { burst: number; perSecond: number; floodClose: number };
  /** Seed the documented demo accounts (never when NODE_ENV=production). */
  demo: boolean;
  /**
   * Check every REST answer against its route's schema (shared/api): XIAOAN_CHECK_ANSWERS, on by
   * default in development and tests (NODE_ENV development/test), off otherwise (it costs time on big answers).
   */
  checkAnswers: boolean;
  /** Ingest requests (not events) allowed per ingest token per minute. */
  ingestRatePerMinute: number;
  dataset: { seed: number; scale: 'city' | 'province' };
  tileUrl: string | null;
  tileAttribution: string | null;
  /** The video platform's live-view address per camera (XIAOAN_VIDEO_URL_TEMPLATE), null without one. */
  videoUrlTemplate: string | null;
  ingestMaxBytes: number;
  /** A reconnecting screen further behind than this many alarm changes gets a snapshot instead of a replay. */
  replayLimit: number;
  /** Bounded socket work (issue 12): sockets one session may hold open, catch-up chunk size, catch-ups served at once. */
  realtime: RealtimeLimits;
  logLevel: string;
  /** School terms (学期) by month-day; drills and inspections are counted per term. */
  semesters: SemesterRule[];
  /** Response targets per alarm priority, on scene by school setting (1-3-5 for P1/P2 by default: city 3 min, town and rural 5), served to the screens. */
  responseTargets: ResponseTargets;
  /**
   * 护学岗: minutes into a duty window without a check-in before the post is absent (缺岗) and
   * an alarm is raised; seconds after a start before absences are raised at all (devices re-send
   * their check-ins meanwhile; the built-in simulator's start-up batch ends the wait earlier).
   */
  posts: { graceMinutes: number; settleSeconds: number };
  /** Minutes past a drill's planned length before it ends itself (a forgotten drill never masks real alarms for long). */
  drillMarginMinutes: number;
  /** THE 护学岗 rule's reach (docs/figures.md): an unlisted post this near a school counts as its 护学岗. */
  guardPostReachM: number;
  /**
   * Heavy reads (issue 12): worker threads for compliance trends, matrices over history and the
   * exports (0 computes them on the event loop, as before), tasks allowed to wait for one, and
   * expensive reads allowed per session per minute.
   */
  heavy: { workers: number; maxQueue: number; readsPerMinute: number };
  /** Make the weekly and monthly reports on schedule (XIAOAN_REPORT_SCHEDULE, on by default). */
  reportSchedule: boolean;
  /** The school risk model (XIAOAN_RISK_MODEL, JSON merged over DEFAULT_RISK_MODEL; docs/risk.md). */
  riskModel: RiskModel;
  databaseUrl: string | null;
  redisUrl: string | null;
  mqttUrl: string | null;
  /** The GB/T 28181 SIP endpoint; null when XIAOAN_GB28181 is off. */
  gb28181: Gb28181Config | null;
  /** The keepalive interval expected of cameras (XIAOAN_KEEPALIVE_INTERVAL_S); offline after 3 missed. */
  keepaliveIntervalMs: number;
  /** Express's `trust proxy`: off unless configured (XIAOAN_TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** HTTP server timeouts (ms): headers, whole request (body included), idle keep-alive between requests, idle socket. */
  timeouts: ServerTimeouts;
}

/** The HTTP server's timeouts, in ms (server/http/timeouts.ts applies them). */
export interface ServerTimeouts {
  /** All request headers must arrive within this (Node `headersTimeout`). */
  headersMs: number;
  /** The whole request, body included, must arrive within this (Node `requestTimeout`): slow bodies are cut off. */
  requestMs: number;
  /** An idle keep-alive connection between requests is closed after this (Node `keepAliveTimeout`). */
  keepAliveMs: number;
  /** A socket with no traffic either way is closed after this (Node `server.timeout`); Socket.IO's pings keep its connections alive. */
  idleMs: number;
}

/** Worker threads by default: one core is the event loop's, the others (up to 4) the pool's; at least one. */
function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/** The GB/T 28181 endpoint's settings (docs/gb28181.md). */
export interface Gb28181Config {
  /** The platform's own 20-digit SIP id. */
  id: string;
  /** The SIP domain and digest realm. */
  domain: string;
  host: string;
  /** The address devices reach the platform at, written in the Via of the platform's own requests; null: the listen address, or the machine's first outside IPv4 address when that is a wildcard. */
  announceHost: string | null;
  /** UDP and TCP; 0 takes a free port each. */
  port: number;
  /** The password every device authenticates with. */
  password: string;
  /** Largest SIP message read; a larger one is refused (TCP) or dropped (UDP). */
  maxBytes: number;
  /** Messages a second one source address may send before the rest are dropped (burst twice that). */
  ratePerSecond: number;
}

function gb28181Config(e: z.infer<typeof envSchema>): Gb28181Config | null {
  if (e.XIAOAN_GB28181 === 'off') return null;
  if (!e.XIAOAN_GB28181_PASSWORD) throw new Error('Invalid configuration: XIAOAN_GB28181=on needs XIAOAN_GB28181_PASSWORD (the password devices register with)');
  if (!e.XIAOAN_GB28181_ID.startsWith(e.XIAOAN_GB28181_DOMAIN)) throw new Error('Invalid configuration: XIAOAN_GB28181_DOMAIN must be the first 10 digits of XIAOAN_GB28181_ID');
  return {
    id: e.XIAOAN_GB28181_ID, domain: e.XIAOAN_GB28181_DOMAIN, host: e.XIAOAN_GB28181_HOST, announceHost: e.XIAOAN_GB28181_ANNOUNCE_HOST ?? null, port: e.XIAOAN_GB28181_PORT,
    password: e.XIAOAN_GB28181_PASSWORD, maxBytes: e.XIAOAN_GB28181_MAX_BYTES, ratePerSecond: e.XIAOAN_GB28181_RATE,
  };
}

/** Reads configuration from the environment (the only reader of process.env); throws a readable error on nonsense. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  if (e.XIAOAN_HEADERS_TIMEOUT_MS > e.XIAOAN_REQUEST_TIMEOUT_MS) {
    throw new Error('Invalid configuration: XIAOAN_HEADERS_TIMEOUT_MS must not be longer than XIAOAN_REQUEST_TIMEOUT_MS');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.XIAOAN_DATA_DIR),
    simulator: e.XIAOAN_SIMULATOR === 'on',
    simulatorUnits: e.XIAOAN_SIMULATOR === 'on' && e.XIAOAN_SIMULATOR_UNITS === 'on',
    simulatorOperator: e.XIAOAN_SIMULATOR === 'on' && e.XIAOAN_SIMULATOR_OPERATOR === 'on',
    ingestToken: e.XIAOAN_INGEST_TOKEN ?? null,
    adminPassword: e.XIAOAN_ADMIN_PASSWORD ?? null,
    loginsPerMinute: e.XIAOAN_LOGIN_RATE_PER_MINUTE,
    loginThrottle: { freeFailures: e.XIAOAN_LOGIN_FREE_FAILURES, addressFreeFailures: e.XIAOAN_LOGIN_ADDRESS_FREE_FAILURES, firstDelaySeconds: e.XIAOAN_LOGIN_FIRST_DELAY_SECONDS, maxDelaySeconds: e.XIAOAN_LOGIN_MAX_DELAY_SECONDS },
    socketCommands: { burst: e.XIAOAN_SOCKET_COMMAND_BURST, perSecond: e.XIAOAN_SOCKET_COMMAND_RATE, floodClose: e.XIAOAN_SOCKET_FLOOD_CLOSE },
    demo: e.XIAOAN_DEMO === 'on' && e.NODE_ENV !== 'production',
    checkAnswers: (e.XIAOAN_CHECK_ANSWERS ?? (e.NODE_ENV === 'development' || e.NODE_ENV === 'test' ? 'on' : 'off')) === 'on',
    ingestRatePerMinute: e.XIAOAN_INGEST_RATE_PER_MINUTE,
    dataset: { seed: e.XIAOAN_DATASET_SEED, scale: e.XIAOAN_DATASET_SCALE },
    tileUrl: e.XIAOAN_TILE_URL ?? null,
    tileAttribution: e.XIAOAN_TILE_ATTRIBUTION ?? null,
    videoUrlTemplate: e.XIAOAN_VIDEO_URL_TEMPLATE ?? null,
    ingestMaxBytes: e.XIAOAN_INGEST_MAX_BYTES,
    replayLimit: e.XIAOAN_REPLAY_LIMIT,
    realtime: { socketsPerSession: e.XIAOAN_SOCKETS_PER_SESSION, catchUpChunk: e.XIAOAN_CATCHUP_CHUNK, catchUpsAtOnce: e.XIAOAN_CATCHUPS_AT_ONCE },
    logLevel: e.XIAOAN_LOG_LEVEL,
    semesters: e.XIAOAN_SEMESTERS.split(',').filter(Boolean).map((term) => ({ start: term.slice(0, 5), end: term.slice(7) })),
    responseTargets: e.XIAOAN_RESPONSE_TARGETS,
    posts: { graceMinutes: e.XIAOAN_POST_GRACE_MINUTES, settleSeconds: e.XIAOAN_POST_SETTLE_SECONDS },
    drillMarginMinutes: e.XIAOAN_DRILL_MARGIN_MINUTES,
    guardPostReachM: e.XIAOAN_GUARD_POST_REACH_M,
    reportSchedule: e.XIAOAN_REPORT_SCHEDULE === 'on',
    heavy: { workers: e.XIAOAN_WORKERS ?? defaultWorkers(), maxQueue: e.XIAOAN_WORKER_QUEUE, readsPerMinute: e.XIAOAN_HEAVY_READS_PER_MINUTE },
    riskModel: parseRiskModel(e.XIAOAN_RISK_MODEL),
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    mqttUrl: e.MQTT_URL ?? null,
    gb28181: gb28181Config(e),
    keepaliveIntervalMs: e.XIAOAN_KEEPALIVE_INTERVAL_S * 1000,
    trustProxy: parseTrustProxy(e.XIAOAN_TRUST_PROXY),
    timeouts: {
      headersMs: e.XIAOAN_HEADERS_TIMEOUT_MS,
      requestMs: e.XIAOAN_REQUEST_TIMEOUT_MS,
      keepAliveMs: e.XIAOAN_KEEPALIVE_TIMEOUT_MS,
      idleMs: e.XIAOAN_IDLE_TIMEOUT_MS,
    },
  };
}
