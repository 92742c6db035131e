import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the PostgreSQL suites connect: XIAOAN_TEST_POSTGRES_URL, or the local default of the dev and CI machines. */
export const POSTGRES_ADMIN_URL = process.env.XIAOAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The database engines a suite runs against. */
export type Engine = 'sqlite' | 'postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * SQLite always; PostgreSQL when a server answers. In CI (`CI=true`) an unreachable PostgreSQL
 * is an error, not a skip; elsewhere the skip is said out loud.
 */
export async function availableEngines(): Promise<Engine[]> {
  if (await postgresReachable()) return ['sqlite', 'postgres'];
  if (process.env.CI) throw new Error(`PostgreSQL is required in CI but ${POSTGRES_ADMIN_URL} does not answer`);
  console.warn(`[xiaoan tests] PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: PostgreSQL suites skipped (they run in CI).`);
  return ['sqlite'];
}

/** Creates an empty database for one test and returns its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  // Creation time and test run in the name: a concurrent run's cleanup leaves databases still in use alone.
  const name = `xiaoan_test_${Math.floor(Date.now() / 1000)}_${process.env.XIAOAN_TEST_RUN ?? '0'}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
