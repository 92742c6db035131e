import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedIngestToken } from '../../shared/admin.js';
import type { Alarm } from '../../shared/domain/index.js';
import { ID_REUSED_ERROR } from '../../shared/ingest.js';
import { migrations } from '../../server/db/database.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines, freshPostgresDatabase, type Engine } from '../helpers/engines.js';
import { offDuty, startTestServer, TEST_TOKEN, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** The server's clock, pinned: event times are judged against it, not against the machine's. */
const NOW = Date.parse('2026-06-03T02:00:00.000Z');
const clock = { now: () => NOW };
const at = (offsetMs = 0) => new Date(NOW + offsetMs).toISOString();
const HOUR = 3_600_000;

type Rejected = { index: number; error: string; message?: { zh: string; en: string } };

describe.each(engines)('ingest ids unique per integration on %s', (engine) => {
  let sut: TestServer;
  let admin: Session;
  let reader: Session;
  let other: CreatedIngestToken;

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset: offDuty(makeSmallDataset()) });
    admin = await signInAs(sut, { role: 'admin' });
    reader = await signInAs(sut, { role: 'police_operator' });
    const created = await admin.send('POST', '/api/v1/admin/tokens', { name: '第二个接入方' });
    expect(created.status).toBe(201);
    other = (await created.json()) as CreatedIngestToken;
  });
  afterAll(async () => {
    await sut.close();
  });

  const alarmsOf = async (deviceId: string): Promise<Alarm[]> => {
    const response = await reader.get('/api/v1/alarms?state=all');
    return ((await response.json()) as { alarms: Alarm[] }).alarms.filter((a) => a.deviceId === deviceId);
  };
  const eventRows = async (id: string) => sut.store.db.selectFrom('events').select(['source', 'device_id']).where('id', '=', id).orderBy('source').execute();

  it('stores both alarms when two integrations send the same id from different devices', async () => {
    const intrusion = await sut.post({ id: '1', type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: at(-60_000), zone: '围墙' });
    const sos = await sut.post({ id: '1', type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: at() }, other.token);
    expect(intrusion).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect(sos).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect(await alarmsOf('INT-S0001-1')).toHaveLength(1);
    const sosAlarms = await alarmsOf('SOS-S0002-1');
    expect(sosAlarms).toHaveLength(1);
    expect(sosAlarms[0]).toMatchObject({ type: 'sos', state: 'new', count: 1 });
    // Each id is kept under the token that numbered it (by the token's stored id, not its secret).
    const rows = await eventRows('1');
    expect(rows.map((r) => r.device_id).sort()).toEqual(['INT-S0001-1', 'SOS-S0002-1']);
    expect(rows.every((r) => /^token:\d+$/.test(r.source))).toBe(true);
    expect(rows.some((r) => r.source.includes(other.token) || r.source.includes(TEST_TOKEN))).toBe(false);
  });

  it('refuses the same id with other content from the same integration, item by item, and keeps the good ones beside it', async () => {
    const first = await sut.post({ id: 'reuse-1', type: 'alarm.sos', deviceId: 'SOS-S0003-1', at: at(), note: '门卫室' });
    expect(first.status).toBe(202);
    const before = await alarmsOf('SOS-S0003-1');
    const batch = [
      { id: 'reuse-good-1', type: 'alarm.intrusion', deviceId: 'INT-S0003-1', at: at() },
      { id: 'reuse-1', type: 'alarm.sos', deviceId: 'SOS-S0003-1', at: at(), note: '另一件事' },
      { id: 'reuse-good-2', type: 'camera.fault', deviceId: 'CAM-S0003-01', at: at(), fault: 'video_loss' },
    ];
    const result = await sut.post(batch);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(2);
    const rejected = result.body.rejected as Rejected[];
    expect(rejected).toEqual([{ index: 1, error: ID_REUSED_ERROR, message: { zh: expect.stringMatching(/编号/), en: ID_REUSED_ERROR } }]);
    expect(await alarmsOf('INT-S0003-1')).toHaveLength(1);
    expect(await alarmsOf('CAM-S0003-01')).toHaveLength(1);
    // Nothing overwritten: the first event's alarm and stored row are as they were.
    expect(await alarmsOf('SOS-S0003-1')).toEqual(before);
    const stored = await sut.store.db.selectFrom('events').select('payload').where('id', '=', 'reuse-1').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.payload)).toMatchObject({ note: '门卫室' });
    // Alone, it is a 400 with the same reason: nothing was acceptable.
    const alone = await sut.post({ id: 'reuse-1', type: 'alarm.sos', deviceId: 'SOS-S0003-1', at: at(1000) });
    expect(alone.status).toBe(400);
    expect((alone.body.rejected as Rejected[])[0]?.error).toBe(ID_REUSED_ERROR);
  });

  it('changes nothing on a true re-send, even with fields in another order and the time in another offset', async () => {
    const event = { id: 'resend-1', type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: '2026-06-03T10:00:00+08:00', note: '一键报警' };
    expect((await sut.post(event)).body).toEqual({ accepted: 1, rejected: [] });
    const again = await sut.post([{ note: '一键报警', at: '2026-06-03T02:00:00Z', deviceId: 'SOS-S0001-1', type: 'alarm.sos', id: 'resend-1', unknown: 'ignored' }, event]);
    expect(again).toEqual({ status: 202, body: { accepted: 2, rejected: [] } });
    const sos = (await alarmsOf('SOS-S0001-1')).filter((a) => !a.drill);
    expect(sos).toHaveLength(1);
    expect(sos[0]?.count).toBe(1);
    expect(await eventRows('resend-1')).toHaveLength(1);
  });

  it('within one batch: a repeat is a re-send, the same id with other content is refused', async () => {
    const a = { id: 'batch-1', type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: at(), zone: 'A' };
    const result = await sut.post([a, { ...a }, { ...a, zone: 'B' }, { id: 'batch-2', type: 'patrol.scan', deviceId: 'PAT-S0002-1', at: at() }]);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(3);
    expect((result.body.rejected as Rejected[]).map((r) => [r.index, r.error])).toEqual([[2, ID_REUSED_ERROR]]);
    expect(await alarmsOf('INT-S0002-1')).toHaveLength(1);
    expect((await alarmsOf('INT-S0002-1'))[0]?.count).toBe(1);
  });

  it('refuses event times before 2000 or more than a day ahead of the server clock, per item', async () => {
    const beat = (when: string) => ({ type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at: when });
    const result = await sut.post([
      beat('0000-01-01T00:00:00Z'),
      beat('1999-12-31T23:59:59Z'),
      beat('9999-12-31T23:59:59Z'),
      beat(at(25 * HOUR)),
      beat(at(23 * HOUR)),
      beat('2000-01-01T00:00:00Z'),
      { type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: at(26 * HOUR) },
    ]);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(2);
    const rejected = result.body.rejected as Rejected[];
    expect(rejected.map((r) => r.index)).toEqual([0, 1, 2, 3, 6]);
    for (const r of rejected) {
      expect(r.error).toMatch(/^at: .* is outside the accepted window/);
      expect(r.message?.zh).toMatch(/^at：时间/);
    }
  });

  it('refuses an item carrying a NUL character, as everywhere else, and keeps the others', async () => {
    const result = await sut.post([
      { type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: at(), drill: true, note: 'a\u0000b' },
      { type: 'patrol.scan', deviceId: 'PAT-S0001-1', at: at(), guard: '张三' },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-02', at: at(), vendor: '\u0000' },
    ]);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(1);
    expect((result.body.rejected as Rejected[]).map((r) => [r.index, r.error])).toEqual([
      [0, 'text may not contain NUL (\\u0000) characters'],
      [2, 'text may not contain NUL (\\u0000) characters'],
    ]);
    expect((await alarmsOf('SOS-S0001-1')).filter((a) => a.drill)).toHaveLength(0);
  });
});

/** Opens a store at the schema before ids were scoped, writes rows there, and closes it. */
async function legacyStore(engine: Engine): Promise<{ dataDir: string; databaseUrl?: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-legacy-'));
  const databaseUrl = engine === 'postgres' ? await freshPostgresDatabase() : undefined;
  const db = databaseUrl
    ? new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }) })
    : new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(path.join(dataDir, 'xiaoan.sqlite')) }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(engine) } });
    const { error } = await migrator.migrateTo('0009_shelves');
    if (error) throw error instanceof Error ? error : new Error(String(error));
    const legacy = { id: 'old-7', type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: '2026-06-02T01:00:00.000Z', note: '旧数据' };
    await sql`insert into events (id, type, device_id, at, received_at, payload) values
      ('old-7', 'alarm.sos', 'SOS-S0001-1', '2026-06-02T01:00:00.000Z', '2026-06-02T01:00:01.000Z', ${JSON.stringify(legacy)}),
      ('drill:run-1:start', 'system.sos', 'SOS-S0002-1', '2026-06-02T01:00:00.000Z', '2026-06-02T01:00:01.000Z', '{"note":null}')`.execute(db);
  } finally {
    await db.destroy();
  }
  return { dataDir, ...(databaseUrl ? { databaseUrl } : {}) };
}

describe.each(engines)('events stored before ids were scoped, on %s', (engine) => {
  let sut: TestServer;
  let reader: Session;
  beforeAll(async () => {
    const { dataDir, databaseUrl } = await legacyStore(engine);
    sut = await startTestServer({ engine, dataDir, ...(databaseUrl ? { databaseUrl } : {}), clock, dataset: offDuty(makeSmallDataset()) });
    reader = await signInAs(sut, { role: 'police_operator' });
  });
  afterAll(async () => {
    await sut.close();
  });

  it('keeps old rows under `legacy` (server keys under `system`), a re-send of one changes nothing, other content with its id is stored', async () => {
    const rows = await sut.store.db.selectFrom('events').select(['id', 'source', 'digest']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'drill:run-1:start', source: 'system', digest: null },
      { id: 'old-7', source: 'legacy', digest: null },
    ]);
    const sos = async () => ((await (await reader.get('/api/v1/alarms?state=all')).json()) as { alarms: Alarm[] }).alarms.filter((a) => a.deviceId === 'SOS-S0001-1');
    // A gateway re-sending its buffer after the upgrade: the same content, so nothing new.
    const resend = await sut.post({ id: 'old-7', type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: '2026-06-02T09:00:00+08:00', note: '旧数据' });
    expect(resend).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect(await sos()).toHaveLength(0);
    // Another integration's event that happens to share the id: stored, never dropped (the
    // built-in token is integration `token:0`).
    const fresh = await sut.post({ id: 'old-7', type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: at(), note: '新报警' });
    expect(fresh).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect(await sos()).toHaveLength(1);
    expect((await sut.store.db.selectFrom('events').select('source').where('id', '=', 'old-7').execute()).map((r) => r.source).sort()).toEqual(['legacy', 'token:0']);
  });
});
