import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../shared/admin.js';
import type { Device } from '../../shared/domain/index.js';
import type { SipOverview, UnassignedChannel } from '../../shared/sip.js';
import type { DeviceHealth } from '../../shared/wall.js';
import { migrations } from '../../server/db/database.js';
import { schoolToRow } from '../../server/db/registry.repository.js';
import type { Database } from '../../server/db/schema.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines, freshPostgresDatabase, type Engine } from '../helpers/engines.js';
import { offDuty, startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

let now = Date.parse('2026-06-03T02:00:00.000Z');
const clock = { now: () => now };

const small = makeSmallDataset();
const NVR_S0001 = '41040200001180000001';
/** Channels S0001's NVR lists that the registry does not have: a camera, an alarm input, and a code of another type. */
const NEW_CAMERA = '41040200001310000101';
const NEW_INPUT = '41040200001340000101';
const NEW_NVR = '41040200001180000099';

/**
 * A store at migration 0017 (before GB codes) with the small dataset's schools and devices in it,
 * none of them numbered: the server's start runs 0018, which numbers them.
 */
async function storeBeforeCodes(engine: Engine): Promise<{ dataDir: string; databaseUrl?: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-gb-'));
  const databaseUrl = engine === 'postgres' ? await freshPostgresDatabase() : undefined;
  const db = databaseUrl
    ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }) })
    : new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(path.join(dataDir, 'xiaoan.sqlite')) }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(engine) } });
    const { error } = await migrator.migrateTo('0017_reports');
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await db.insertInto('schools').values(small.schools.map(schoolToRow)).execute();
    // The 护学岗 terminal's post is not stored here: only the school devices.
    const devices = small.devices.filter((d) => d.kind !== 'post');
    await db.insertInto('devices').values(devices.map((d) => ({ id: d.id, kind: d.kind, school_id: d.schoolId, post_id: d.postId, place: d.place, name: d.name }))).execute();
  } finally {
    await db.destroy();
  }
  return { dataDir, ...(databaseUrl ? { databaseUrl } : {}) };
}

describe.each(engines)('GB/T 28181 codes and catalog channels on %s', (engine) => {
  let sut: TestServer;
  let admin: Session;
  let reader: Session;

  beforeAll(async () => {
    const { dataDir, databaseUrl } = await storeBeforeCodes(engine);
    sut = await startTestServer({ engine, dataDir, ...(databaseUrl ? { databaseUrl } : {}), clock, dataset: offDuty(small) });
    admin = await signInAs(sut, { role: 'admin' });
    reader = await signInAs(sut, { role: 'police_operator' });
  });
  afterAll(async () => {
    await sut.close();
  });

  const devices = async (): Promise<Device[]> => (await answerOf<{ devices: Device[] }>(reader.get('/api/v1/devices'))).body.devices;
  const overview = async (): Promise<SipOverview> => {
    const answer = await answerOf<SipOverview>(admin.get('/api/v1/admin/sip'));
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const assign = (code: string, body: unknown) => answerOf<{ device: Device; channel: UnassignedChannel; message?: { zh: string; en: string } }>(admin.send('POST', `/api/v1/admin/sip/channels/${code}/assign`, body));

  it('numbers a registry stored before the codes exactly as the generator numbers a new one', async () => {
    const expected = new Map(small.devices.filter((d) => d.kind !== 'post').map((d) => [d.id, [d.gbCode, d.gbParent]]));
    const stored = await devices();
    expect(stored).toHaveLength(expected.size);
    for (const device of stored) expect([device.gbCode, device.gbParent], device.id).toEqual(expected.get(device.id));
    expect(stored.filter((d) => d.gbCode).length).toBe(15);
    const nvrs = await sut.store.db.selectFrom('gb_nvrs').selectAll().orderBy('code').execute();
    expect(nvrs.map((n) => ({ code: n.code, schoolId: n.school_id, name: n.name }))).toEqual(small.nvrs);
    expect(sut.services.registry.byGbCode(NVR_S0001)).toEqual({ nvr: { code: NVR_S0001, schoolId: 'S0001', name: '平顶山市新华区第一小学硬盘录像机' } });
    expect(sut.services.registry.byGbCode('41040200001310000002')).toMatchObject({ device: { id: 'CAM-S0001-02' } });
    expect(sut.services.registry.byGbCode(NEW_CAMERA)).toBeUndefined();
    expect(sut.services.registry.gbChannels(NVR_S0001).map((d) => d.id).sort()).toEqual(['CAM-S0001-01', 'CAM-S0001-02', 'CAM-S0001-03', 'INT-S0001-1', 'SOS-S0001-1']);
  });

  it('lists the channels a catalog names that the registry does not have, with when they were first and last seen', async () => {
    const items = [
      { code: '41040200001310000001', name: '校门' },
      { code: '41040200001310000002', name: '走廊' },
      { code: '41040200001340000001', name: '入侵' },
      { code: NEW_CAMERA, name: '新装摄像机' },
      { code: NEW_INPUT, name: '新装报警按钮' },
      { code: NEW_NVR, name: '' },
      { code: 'not-a-code', name: '坏编码' },
    ];
    const first = new Date(now - 60_000);
    expect(await sut.services.sipChannels.noteCatalog(NVR_S0001, items, first)).toEqual({ known: 3, unknown: 4 });
    expect(await sut.services.sipChannels.noteCatalog(NVR_S0001, items.slice(3, 5), new Date(now))).toEqual({ known: 0, unknown: 2 });
    const view = await overview();
    expect(view).toMatchObject({ enabled: false, platform: null, registrations: [], counters: { messages: 0 } });
    const byCode = new Map(view.unassigned.map((c) => [c.code, c]));
    expect([...byCode.keys()].sort()).toEqual([NEW_NVR, NEW_CAMERA, NEW_INPUT].sort());
    expect(byCode.get(NEW_CAMERA)).toEqual({ code: NEW_CAMERA, parentId: NVR_S0001, name: '新装摄像机', kind: 'camera', firstSeenAt: first.toISOString(), lastSeenAt: new Date(now).toISOString() });
    expect(byCode.get(NEW_INPUT)).toMatchObject({ kind: 'alarm_input', firstSeenAt: first.toISOString(), lastSeenAt: new Date(now).toISOString() });
    expect(byCode.get(NEW_NVR)).toMatchObject({ kind: 'nvr', lastSeenAt: first.toISOString() });
    expect((await answerOf(reader.get('/api/v1/admin/sip'))).status).toBe(403);
  });

  it('refuses an unknown channel, an unknown school, a kind the code does not allow, and a code that is already a device', async () => {
    const place = { place: 'corridor', name: '新装摄像机' };
    const unknown = await assign('41040200001310000777', { schoolId: 'S0001', kind: 'camera', ...place });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toEqual({ zh: '没有待分配的通道 41040200001310000777', en: 'no unassigned channel 41040200001310000777' });
    const noSchool = await assign(NEW_CAMERA, { schoolId: 'S9999', kind: 'camera', ...place });
    expect(noSchool.status).toBe(400);
    expect(noSchool.body.message?.zh).toContain('S9999');
    const cameraAsButton = await assign(NEW_CAMERA, { schoolId: 'S0001', kind: 'sos', ...place });
    expect(cameraAsButton.status).toBe(400);
    expect(cameraAsButton.body.message?.zh).toContain('只能登记为摄像机');
    expect(cameraAsButton.body.message?.en).toContain('can only be a camera');
    const inputAsCamera = await assign(NEW_INPUT, { schoolId: 'S0001', kind: 'camera', ...place });
    expect(inputAsCamera.status).toBe(400);
    expect(inputAsCamera.body.message?.en).toContain('SOS button or an intrusion detector');
    const nvrAsCamera = await assign(NEW_NVR, { schoolId: 'S0001', kind: 'camera', ...place });
    expect(nvrAsCamera.status).toBe(400);
    expect(nvrAsCamera.body.message?.zh).toContain('不是摄像机或报警输入通道');
    const taken = await assign('41040200001310000001', { schoolId: 'S0001', kind: 'camera', ...place });
    expect(taken.status).toBe(409);
    expect(taken.body.message?.en).toBe('code 41040200001310000001 is already a registered device');
    const badBody = await assign(NEW_CAMERA, { schoolId: 'S0001', kind: 'camera', place: 'moon', name: 'x' });
    expect(badBody.status).toBe(400);
    expect((await answerOf(reader.send('POST', `/api/v1/admin/sip/channels/${NEW_CAMERA}/assign`, { schoolId: 'S0001', kind: 'camera', ...place }))).status).toBe(403);
    expect((await overview()).unassigned).toHaveLength(3);
  });

  it('makes an assigned camera a device of the school, online in camera health at once, without moving any other camera', async () => {
    expect((await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0002-01', at: new Date(now).toISOString(), fault: 'video_loss' })).status).toBe(202);
    expect(sut.services.cameras.state('CAM-S0002-01')).toBe('fault');
    const before = sut.services.cameras.summary();
    const assigned = await assign(NEW_CAMERA, { schoolId: 'S0001', kind: 'camera', place: 'corridor', name: '走廊新装摄像机' });
    expect(assigned.status).toBe(200);
    const device = { id: `GB-${NEW_CAMERA}`, kind: 'camera', schoolId: 'S0001', postId: null, place: 'corridor', name: '走廊新装摄像机', gbCode: NEW_CAMERA, gbParent: NVR_S0001 };
    expect(assigned.body.device).toEqual(device);
    expect(assigned.body.channel).toMatchObject({ code: NEW_CAMERA, parentId: NVR_S0001, kind: 'camera' });
    expect((await devices()).find((d) => d.id === device.id)).toEqual(device);
    expect((await overview()).unassigned.map((c) => c.code).sort()).toEqual([NEW_NVR, NEW_INPUT].sort());
    expect(sut.services.registry.byGbCode(NEW_CAMERA)).toEqual({ device });
    expect(sut.services.registry.gbChannels(NVR_S0001).map((d) => d.id)).toContain(device.id);
    // Camera health: one more camera, online; the faulty one still faulty.
    expect(sut.services.cameras.summary()).toEqual({ ...before, total: before.total + 1, online: before.online + 1 });
    expect(sut.services.cameras.state(device.id)).toBe('online');
    expect(sut.services.cameras.state('CAM-S0002-01')).toBe('fault');
    const school = await signInAs(sut, { role: 'school_user', schoolId: 'S0001' });
    const health = (await answerOf<{ devices: DeviceHealth[] }>(school.get('/api/v1/schools/S0001/devices'))).body.devices;
    expect(health.find((d) => d.id === device.id)).toMatchObject({ state: 'online', lastSeenAt: null, gbCode: NEW_CAMERA });
    // Its keepalives are taken; audited under the administrator.
    const at = new Date(now - 1000).toISOString();
    expect(await sut.post({ type: 'camera.heartbeat', deviceId: device.id, at })).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect(sut.services.cameras.lastHeardAt(device.id)).toBe(Date.parse(at));
    const audit = (await answerOf<AuditPage>(admin.get('/api/v1/admin/audit?action=sip.assign&limit=10'))).body.entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: admin.user.username, action: 'sip.assign', target: device.id, details: { code: NEW_CAMERA, schoolId: 'S0001', kind: 'camera' } });
    // Again: it is a device now.
    expect((await assign(NEW_CAMERA, { schoolId: 'S0001', kind: 'camera', place: 'corridor', name: '再来' })).status).toBe(409);
  });

  it('watches the new camera like every other: offline after the missed keepalives, back with the next', async () => {
    now += 3 * 60_000 + 5_000;
    const changes = sut.services.cameras.sweep();
    expect(changes.map((c) => c.deviceId)).toContain(`GB-${NEW_CAMERA}`);
    expect(sut.services.cameras.state(`GB-${NEW_CAMERA}`)).toBe('offline');
    expect(sut.services.cameras.state('CAM-S0002-01')).toBe('fault');
    expect((await sut.post({ type: 'camera.heartbeat', deviceId: `GB-${NEW_CAMERA}`, at: new Date(now).toISOString() })).status).toBe(202);
    expect(sut.services.cameras.state(`GB-${NEW_CAMERA}`)).toBe('online');
  });

  it('makes an assigned alarm input a one-key button whose press raises an alarm, both stored with their codes', async () => {
    const assigned = await assign(NEW_INPUT, { schoolId: 'S0001', kind: 'sos', place: 'gate_room', name: '门卫室新装一键报警' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.device).toMatchObject({ id: `GB-${NEW_INPUT}`, kind: 'sos', gbCode: NEW_INPUT, gbParent: NVR_S0001 });
    expect(sut.services.cameras.state(`GB-${NEW_INPUT}`)).toBeUndefined();
    const pressed = await sut.post({ id: 'gb-press-1', type: 'alarm.sos', deviceId: `GB-${NEW_INPUT}`, at: new Date(now).toISOString() });
    expect(pressed).toEqual({ status: 202, body: { accepted: 1, rejected: [] } });
    expect((await sut.services.alarms.list({ state: 'open', limit: 10 })).map((a) => a.deviceId)).toContain(`GB-${NEW_INPUT}`);
    const stored = await sut.store.db.selectFrom('devices').select(['id', 'gb_code', 'gb_parent']).where('id', 'like', 'GB-%').orderBy('id').execute();
    expect(stored).toEqual([
      { id: `GB-${NEW_CAMERA}`, gb_code: NEW_CAMERA, gb_parent: NVR_S0001 },
      { id: `GB-${NEW_INPUT}`, gb_code: NEW_INPUT, gb_parent: NVR_S0001 },
    ]);
  });
  it('keeps the assigned channels over a restart: in the registry, the unassigned list and camera health', async () => {
    const { dataDir, config } = sut;
    await sut.close();
    sut = await startTestServer({ engine, dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), clock, dataset: offDuty(small) });
    admin = await signInAs(sut, { role: 'admin' });
    reader = await signInAs(sut, { role: 'police_operator' });
    expect(sut.services.registry.byGbCode(NEW_CAMERA)).toMatchObject({ device: { id: `GB-${NEW_CAMERA}`, gbParent: NVR_S0001 } });
    expect(sut.services.registry.gbChannels(NVR_S0001)).toHaveLength(7);
    expect(sut.services.cameras.state(`GB-${NEW_CAMERA}`)).toBe('online');
    expect((await overview()).unassigned.map((c) => c.code)).toEqual([NEW_NVR]);
    // The migration's numbering is not run again: the codes are as they were.
    expect((await devices()).find((d) => d.id === 'CAM-S0003-02')?.gbCode).toBe('41042200001310000002');
  });
});
