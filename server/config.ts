import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../shared/ingest.js';
import type { SemesterRule } from '../shared/rules/compliance/types.js';
import { DEFAULT_RESPONSE_TARGETS, type ResponseTargets } from '../shared/rules/response.js';

const onOff = z.enum(['on', 'off']);

/** One priority's targets: `P3=600/-/-` — acknowledge/on scene urban/on scene elsewhere, seconds, `-` for none. */
const TARGET_ENTRY = /^P([1-4])=(\d{1,5}|-)\/(\d{1,5}|-)\/(\d{1,5}|-)$/;

/** `P1=60/180/300,P3=600/-/-`: the priorities named replace the defaults; the others keep them. */
function parseResponseTargets(text: string): ResponseTargets {
  const targets: ResponseTargets = { ...DEFAULT_RESPONSE_TARGETS };
  const seconds = (value: string): number | null => (value === '-' ? null : Number(value));
  for (const entry of text.split(',').filter(Boolean)) {
    const [, priority, acknowledge, urban, other] = TARGET_ENTRY.exec(entry.trim()) ?? [];
    if (!priority || !acknowledge || !urban || !other) continue;
    targets[Number(priority) as keyof ResponseTargets] = { acknowledgeSeconds: seconds(acknowledge), onSceneUrbanSeconds: seconds(urban), onSceneOtherSeconds: seconds(other) };
  }
  return targets;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  XIAOAN_DATA_DIR: z.string().min(1).default('./data'),
  XIAOAN_SIMULATOR: onOff.default('on'),
  XIAOAN_INGEST_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  XIAOAN_ADMIN_PASSWORD: z.string().min(1).optional(),
  XIAOAN_DATASET_SEED: z.coerce.number().int().default(20200222),
  XIAOAN_DATASET_SCALE: z.enum(['city', 'province']).default('city'),
  XIAOAN_TILE_URL: z.url().optional(),
  XIAOAN_TILE_ATTRIBUTION: z.string().optional(),
  XIAOAN_INGEST_MAX_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  XIAOAN_REPLAY_LIMIT: z.coerce.number().int().min(1).default(5000),
  XIAOAN_SEMESTERS: z
    .string()
    .regex(/^(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\.\.(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:,|$))+$/, 'must be terms MM-DD..MM-DD separated by commas, e.g. 09-01..01-31,03-01..07-15')
    .default('09-01..01-31,03-01..07-15'),
  XIAOAN_DEMO: onOff.default('on'),
  XIAOAN_RESPONSE_TARGETS: z
    .string()
    .refine((text) => text.split(',').filter(Boolean).every((entry) => TARGET_ENTRY.test(entry.trim())), 'must be entries P<1-4>=ack/onSceneUrban/onSceneOther in seconds (- for none), separated by commas, e.g. P1=60/180/300,P3=600/-/-')
    .default(''),
  XIAOAN_POST_GRACE_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
  XIAOAN_POST_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  XIAOAN_INGEST_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  XIAOAN_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  XIAOAN_WORKER_QUEUE: z.coerce.number().int().min(1).max(100_000).default(200),
  XIAOAN_HEAVY_READS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  NODE_ENV: z.string().optional(),
  XIAOAN_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  XIAOAN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().optional(),
  MQTT_URL: z.string().optional(),
});

/** The server's typed configuration; see README's configuration table. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  simulator: boolean;
  /** Fixed ingest token; when absent one is generated and kept in the database. */
  ingestToken: string | null;
  adminPassword: string | null;
  /** Sign-in attempts allowed per client address per minute. */
  loginsPerMinute: number;
  /** Seed the documented demo accounts (never when NODE_ENV=production). */
  demo: boolean;
  /** Ingest requests (not events) allowed per ingest token per minute. */
  ingestRatePerMinute: number;
  dataset: { seed: number; scale: 'city' | 'province' };
  tileUrl: string | null;
  tileAttribution: string | null;
  ingestMaxBytes: number;
  /** A reconnecting screen further behind than this many alarm changes gets a snapshot instead of a replay. */
  replayLimit: number;
  logLevel: string;
  /** School terms (学期) by month-day; drills and inspections are counted per term. */
  semesters: SemesterRule[];
  /** Response targets per alarm priority (1-3-5 for P1/P2 by default), served to the screens. */
  responseTargets: ResponseTargets;
  /**
   * 护学岗: minutes into a duty window without a check-in before the post is absent (缺岗) and
   * an alarm is raised; seconds after a start before absences are raised at all (devices re-send
   * their check-ins meanwhile; the built-in simulator's start-up batch ends the wait earlier).
   */
  posts: { graceMinutes: number; settleSeconds: number };
  /**
   * Heavy reads (issue 12): worker threads for compliance trends, matrices over history and the
   * exports (0 computes them on the event loop, as before), tasks allowed to wait for one, and
   * expensive reads allowed per session per minute.
   */
  heavy: { workers: number; maxQueue: number; readsPerMinute: number };
  databaseUrl: string | null;
  redisUrl: string | null;
  mqttUrl: string | null;
}

/** Worker threads by default: one core is the event loop's, the others (up to 4) the pool's; at least one. */
function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/** Reads configuration from the environment (the only reader of process.env); throws a readable error on nonsense. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.XIAOAN_DATA_DIR),
    simulator: e.XIAOAN_SIMULATOR === 'on',
    ingestToken: e.XIAOAN_INGEST_TOKEN ?? null,
    adminPassword: e.XIAOAN_ADMIN_PASSWORD ?? null,
    loginsPerMinute: e.XIAOAN_LOGIN_RATE_PER_MINUTE,
    demo: e.XIAOAN_DEMO === 'on' && e.NODE_ENV !== 'production',
    ingestRatePerMinute: e.XIAOAN_INGEST_RATE_PER_MINUTE,
    dataset: { seed: e.XIAOAN_DATASET_SEED, scale: e.XIAOAN_DATASET_SCALE },
    tileUrl: e.XIAOAN_TILE_URL ?? null,
    tileAttribution: e.XIAOAN_TILE_ATTRIBUTION ?? null,
    ingestMaxBytes: e.XIAOAN_INGEST_MAX_BYTES,
    replayLimit: e.XIAOAN_REPLAY_LIMIT,
    logLevel: e.XIAOAN_LOG_LEVEL,
    semesters: e.XIAOAN_SEMESTERS.split(',').filter(Boolean).map((term) => ({ start: term.slice(0, 5), end: term.slice(7) })),
    responseTargets: parseResponseTargets(e.XIAOAN_RESPONSE_TARGETS),
    posts: { graceMinutes: e.XIAOAN_POST_GRACE_MINUTES, settleSeconds: e.XIAOAN_POST_SETTLE_SECONDS },
    heavy: { workers: e.XIAOAN_WORKERS ?? defaultWorkers(), maxQueue: e.XIAOAN_WORKER_QUEUE, readsPerMinute: e.XIAOAN_HEAVY_READS_PER_MINUTE },
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    mqttUrl: e.MQTT_URL ?? null,
  };
}
