import pg from 'pg';
import { POSTGRES_ADMIN_URL } from './engines.js';

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
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  await dropTestDatabases();
}

export async function teardown(): Promise<void> {
  await dropTestDatabases();
}
