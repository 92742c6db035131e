import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './schema.js';
import { watchDialect, type StorageHealth } from './storage-health.js';
import type { Logger } from '../logger.js';
import { initialMigration } from './migrations/0001_initial.js';
import { cameraFaultsMigration } from './migrations/0002_camera_faults.js';
import { complianceMigration } from './migrations/0003_compliance.js';
import { authMigration } from './migrations/0004_auth.js';
import { transitionUnitMigration } from './migrations/0005_transition_unit.js';
import { accessMigration } from './migrations/0006_access.js';
import { drillsMigration } from './migrations/0007_drills.js';
import { transitionNoteEnMigration } from './migrations/0008_transition_note_en.js';
import { shelvesMigration } from './migrations/0009_shelves.js';
import { drillLimitsMigration } from './migrations/0010_drill_limits.js';
import { eventScopeMigration } from './migrations/0011_event_scope.js';
import { schoolPlansMigration } from './migrations/0012_school_plans.js';
import { fieldStepsMigration } from './migrations/0013_field_steps.js';
import { deviceFaultsMigration } from './migrations/0014_device_faults.js';
import { inspectionCampaignsMigration } from './migrations/0015_inspection_campaigns.js';
import { riskHistoryMigration } from './migrations/0016_risk_history.js';
import { reportsMigration } from './migrations/0017_reports.js';
import { gbCodesMigration } from './migrations/0018_gb_codes.js';
import { complianceFiguresMigration } from './migrations/0019_compliance_figures.js';

/** The two engines the data layer runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** An open database: the query builder and which engine is behind it. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Where the data lives: a PostgreSQL URL, or the embedded SQLite file in the data directory. */
export interface StoreOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** Told of every failed query and committed write (GET /health reports failing writes). */
  storage?: StorageHealth;
  /** Where a PostgreSQL connection lost while idle is noted (default: a process warning). */
  log?: Pick<Logger, 'warn'>;
}

/** Opens the configured database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options.storage, undefined, options.log) : openSqlite(options.dataDir, options.storage);
  await migrate(store);
  return store;
}

/**
 * A second, read-only connection to the same database for a worker thread (issue 12): the SQLite
 * file opened read-only (WAL lets it read while the server writes), or a small PostgreSQL pool
 * whose transactions are read-only. No migration: the server that started the worker ran them.
 */
export function openReadOnlyStore(options: StoreOptions): Store {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, undefined, { max: 2, readOnly: true }, options.log);
  const file = new SQLite(path.join(options.dataDir, 'xiaoan.sqlite'), { readonly: true, fileMustExist: true });
  file.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openSqlite(dataDir: string, storage?: StorageHealth): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'xiaoan.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const dialect = new SqliteDialect({ database: withStatementCache(file) });
  const db = new Kysely<Database>({ dialect: storage ? watchDialect(dialect, storage, { inTransaction: () => file.inTransaction }) : dialect });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** How many distinct SQL texts keep their prepared statement (the hot ones are a few dozen). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as Kysely sees it, with its prepared statements kept. Kysely's SQLite driver
 * prepares every query afresh, and SQLite's parse-and-plan is most of a small query's cost
 * (≈ 30–200 µs, against ≈ 15 µs to bind and step a prepared one); raising an alarm takes five
 * queries and a transaction. Kysely compiles to SQL with placeholders, so one query shape is one
 * entry whatever its values. Shapes that vary with their input (an `in (…)` list of any length)
 * could fill it: when full it starts again, and the hot shapes are prepared anew at once.
 * Safe to share because the driver runs one statement at a time to completion (no streaming here).
 * PostgreSQL needs none of this: pg sends the text and the server caches plans itself.
 */
export function withStatementCache(file: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => file.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= size) cache.clear();
        statement = file.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, storage?: StorageHealth, options: { max: number; readOnly: boolean } = { max: 10, readOnly: false }, log?: Pick<Logger, 'warn'>): Store {
  // bigserial comes back as text by default; our seq numbers fit a JS number for centuries.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: options.max, ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}) });
  // A connection the server ends while it sits idle in the pool (PostgreSQL restarted or failed
  // over, an administrator's pg_terminate_backend, a dropped database) is an 'error' on the pool:
  // unheard, Node would end the whole process — every screen and device with it. The pool drops
  // that connection and opens another for the next query; a query that fails meanwhile is
  // answered as any failed query is.
  pool.on('error', (error: Error & { code?: string }) => {
    if (log) log.warn({ err: error, code: error.code }, 'PostgreSQL ended an idle connection; the pool opens another when needed');
    else process.emitWarning(`PostgreSQL ended an idle connection (${error.code ?? error.message}); the pool opens another when needed`);
  });
  const dialect = new PostgresDialect({ pool });
  const db = new Kysely<Database>({ dialect: storage ? watchDialect(dialect, storage) : dialect });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Versioned migrations, in order. Each is written once against both engines. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_camera_faults': cameraFaultsMigration(dialect),
    '0003_compliance': complianceMigration(dialect),
    '0004_auth': authMigration(dialect),
    '0005_transition_unit': transitionUnitMigration,
    '0006_access': accessMigration(dialect),
    '0007_drills': drillsMigration,
    '0008_transition_note_en': transitionNoteEnMigration,
    '0009_shelves': shelvesMigration,
    '0010_drill_limits': drillLimitsMigration,
    '0011_event_scope': eventScopeMigration,
    '0012_school_plans': schoolPlansMigration,
    '0013_field_steps': fieldStepsMigration(dialect),
    '0014_device_faults': deviceFaultsMigration(),
    '0015_inspection_campaigns': inspectionCampaignsMigration,
    '0016_risk_history': riskHistoryMigration,
    '0017_reports': reportsMigration(dialect),
    '0018_gb_codes': gbCodesMigration,
    '0019_compliance_figures': complianceFiguresMigration,
  };
}

async function migrate(store: Store): Promise<void> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store.dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
