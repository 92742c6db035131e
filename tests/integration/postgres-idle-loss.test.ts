import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { availableEngines, freshPostgresDatabase, POSTGRES_ADMIN_URL } from '../helpers/engines.js';
import { sosEvent, startTestServer } from '../helpers/server.js';

const runs = (await availableEngines()).includes('postgres');

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function until(predicate: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * PostgreSQL ends connections the server holds idle in its pool (a restart or failover of the
 * database, an administrator's pg_terminate_backend). The pool hears of it as an 'error' event,
 * which unheard ends the whole process (CI saw it once as an uncaught 57P01 when a suite dropped
 * its database under a server's pool); the server must go on and take the next alarm.
 */
describe.runIf(runs)('PostgreSQL ends the server\u2019s idle connections', () => {
  it('keeps serving: the next SOS is taken and stored on new connections', async () => {
    const databaseUrl = await freshPostgresDatabase();
    const database = new URL(databaseUrl).pathname.slice(1);
    const sut = await startTestServer({ databaseUrl });
    try {
      expect((await sut.post(sosEvent('S0001', { id: 'idle-loss-before' }))).status).toBe(202);
      const backends = async () => (await query<{ pid: number }>(POSTGRES_ADMIN_URL, 'select pid from pg_stat_activity where datname = $1', [database])).map((row) => row.pid);
      await until(async () => (await backends()).length > 0, 'the server holding connections');

      const ended = await query<{ pid: number; ok: boolean }>(POSTGRES_ADMIN_URL, 'select pid, pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1', [database]);
      expect(ended.length).toBeGreaterThan(0);
      expect(ended.every((row) => row.ok)).toBe(true);
      // Wait for the ended backends to be gone, not for none at all: the server's own timers may
      // open a fresh connection meanwhile (CI saw one do so on a slow machine), which is the very
      // behaviour under test.
      const endedPids = new Set(ended.map((row) => row.pid));
      await until(async () => (await backends()).every((pid) => !endedPids.has(pid)), 'the connections ended');

      expect((await sut.post(sosEvent('S0002', { id: 'idle-loss-after' }))).status).toBe(202);
      const stored = await query<{ school_id: string }>(databaseUrl, 'select school_id from alarms order by school_id');
      expect(stored.map((row) => row.school_id)).toEqual(['S0001', 'S0002']);
    } finally {
      await sut.close();
    }
  });
});
