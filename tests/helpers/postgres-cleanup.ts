import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './engines.js';

/** This run's id, in the names of the databases its suites make (tests/helpers/engines.ts). */
const RUN = String(process.pid);

/** Drops the throw-away databases the PostgreSQL suites made (vitest globalSetup, before and after a run). */
async function dropTestDatabases(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return; // No server: nothing was made.
  }
  try {
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like 'xiaoan\\_test\\_%'");
    // This run's databases, and others' older than two hours (or from before names carried time
    // and run): another test run on the same machine may be using the younger ones right now.
    const cutoff = Math.floor(Date.now() / 1000) - 2 * 3600;
    const stale = rows.map((r) => r.datname).filter((name) => {
      const [, created, run] = /^xiaoan_test_(\d{10})_(\d+)_/.exec(name) ?? [];
      return created === undefined || run === RUN || Number(created) < cutoff;
    });
    for (const datname of stale) await client.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  // The workers inherit the environment: their databases carry this run's id.
  process.env.XIAOAN_TEST_RUN = RUN;
  await dropTestDatabases();
}

export async function teardown(): Promise<void> {
  await dropTestDatabases();
}
