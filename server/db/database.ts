import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import type { Database } from './schema.js';
import { initialMigration } from './migrations/0001_initial.js';
import { cameraFaultsMigration } from './migrations/0002_camera_faults.js';
import { complianceMigration } from './migrations/0003_compliance.js';
import { authMigration } from './migrations/0004_auth.js';
import { transitionUnitMigration } from './migrations/0005_transition_unit.js';
import { drillsMigration } from './migrations/0007_drills.js';

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
}

/** Opens the configured database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  await migrate(store);
  return store;
}

function openSqlite(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'xiaoan.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openPostgres(url: string): Store {
  // bigserial comes back as text by default; our seq numbers fit a JS number for centuries.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
    '0007_drills': drillsMigration,
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
