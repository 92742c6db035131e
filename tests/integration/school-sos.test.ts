import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchoolSosAnswer } from '../../shared/api/school.js';
import type { AuditEntryView } from '../../shared/admin.js';
import type { Role } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { ClientConfig, DeviceHealth } from '../../shared/wall.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { SchoolSosService } from '../../server/services/school-sos.service.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** A clock the test moves by hand (the press limit is per few seconds). */
function pinnedClock(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, advance: (seconds: number) => void (now += seconds * 1000) };
}

/** The small dataset, with school S0002's one-key button taken out of the registry. */
function withoutButtonAtS0002() {
  const dataset = offDuty(makeSmallDataset());
  return { ...dataset, devices: dataset.devices.filter((device) => !(device.kind === 'sos' && device.schoolId === 'S0002')) };
}

const press = (session: Session, requestId: string) => answerOf<SchoolSosAnswer & { error?: string; message?: { zh: string; en: string } }>(session.send('POST', '/api/v1/school/sos', { requestId }));

describe.each(engines)(`${SchoolSosService.name} on %s`, (engine) => {
  let sut: TestServer;
  let police: RecordingClient;
  let school: Session;
  const clock = pinnedClock('2026-12-07T02:00:00Z');

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset: withoutButtonAtS0002() });
    const operator = await signInAs(sut, { role: 'police_operator' });
    police = connectClient(sut.url, { cookie: operator.cookie });
    await police.live;
    school = await signInAs(sut, { role: 'school_user', schoolId: 'S0001', username: 'duty-s0001', displayName: '值班员王老师' });
  }, 60_000);
  afterAll(async () => {
    police?.socket.close();
    await sut?.close();
  });

  it("raises a normal SOS alarm of the school's own button, pushed to the console, named and audited", async () => {
    const answer = await press(school, 'press-0001-aaaa');
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ alarmId: expect.any(String), deviceId: 'SOS-S0001-1', repeated: false });
    await waitFor(() => police.changes.some((c) => c.alarm.id === answer.body.alarmId), 'the SOS on the console', 1000);
    const alarm = police.changes.find((c) => c.alarm.id === answer.body.alarmId)!.alarm;
    expect(alarm).toMatchObject({ type: 'sos', priority: 1, state: 'new', schoolId: 'S0001', deviceId: 'SOS-S0001-1', drill: false, count: 1 });
    expect(alarm.transitions[0]).toMatchObject({ action: 'raise', actor: 'duty-s0001', note: '学校页面一键报警（值班员王老师）', noteEn: 'SOS from the school’s page (值班员王老师)' });

    const admin = await signInAs(sut, { role: 'admin' });
    const audit = await answerOf<{ entries: AuditEntryView[] }>(admin.get('/api/v1/admin/audit?action=school.sos&limit=10'));
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'duty-s0001', action: 'school.sos', target: answer.body.alarmId });
  });

  it('is idempotent per press: the same press again raises nothing and names the same alarm', async () => {
    const before = police.changes.length;
    const again = await press(school, 'press-0001-aaaa');
    expect(again.status).toBe(202);
    expect(again.body.repeated).toBe(true);
    const { alarms } = (await answerOf<{ alarms: Alarm[] }>(school.get('/api/v1/alarms?state=open'))).body;
    expect(alarms.filter((a) => a.type === 'sos')).toHaveLength(1);
    expect(again.body.alarmId).toBe(alarms[0]!.id);
    expect(alarms[0]!.count).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(police.changes.length).toBe(before);
  });

  it('takes one new press per few seconds per person; a later one folds into the open alarm', async () => {
    const quick = await press(school, 'press-0002-bbbb');
    expect(quick.status).toBe(429);
    expect(quick.body.message?.zh).toContain('请勿重复按下');
    clock.advance(3);
    const later = await press(school, 'press-0003-cccc');
    expect(later.status).toBe(202);
    expect(later.body.repeated).toBe(false);
    const { alarms } = (await answerOf<{ alarms: Alarm[] }>(school.get('/api/v1/alarms?state=open'))).body;
    expect(alarms.filter((a) => a.type === 'sos').map((a) => [a.id, a.count])).toEqual([[later.body.alarmId, 2]]);
  });

  it.each<Role>(['police_operator', 'education_staff', 'viewer', 'admin'])('refuses a %s in both languages', async (role) => {
    const other = await signInAs(sut, { role });
    const answer = await press(other, 'press-9999-zzzz');
    expect(answer.status).toBe(403);
    expect(answer.body.message?.zh).toMatch(/无权/);
    expect(answer.body.message?.en).toMatch(/may not do this/);
  });

  it('refuses a school account without a school, and a school without a registered button, with words to act on', async () => {
    const nowhere = await signInAs(sut, { role: 'school_user', username: 'school-nowhere' });
    const lost = await press(nowhere, 'press-7777-xxxx');
    expect(lost.status).toBe(403);
    expect(lost.body.message).toEqual({ zh: expect.stringContaining('不属于任何学校'), en: expect.stringContaining('not at a school') });

    const bare = await signInAs(sut, { role: 'school_user', schoolId: 'S0002' });
    const refused = await press(bare, 'press-8888-yyyy');
    expect(refused.status).toBe(409);
    expect(refused.body.message?.zh).toContain('没有登记一键报警按钮');
    expect(refused.body.message?.en).toContain('no registered SOS button');
    const { alarms } = (await answerOf<{ alarms: Alarm[] }>(bare.get('/api/v1/alarms?state=open'))).body;
    expect(alarms).toEqual([]);
  });

  it('refuses a press without a proper id', async () => {
    const answer = await answerOf<{ message: { zh: string; en: string } }>(school.send('POST', '/api/v1/school/sos', { requestId: 'x' }));
    expect(answer.status).toBe(400);
    expect(answer.body.message.zh).toContain('requestId');
  });

  it("gives each camera its last keepalive time (none before the first) and no video link without a platform", async () => {
    const devicesOf = async () => (await answerOf<{ devices: DeviceHealth[] }>(school.get('/api/v1/schools/S0001/devices'))).body.devices;
    const camera = (await devicesOf()).find((d) => d.kind === 'camera')!;
    expect(camera.lastSeenAt).toBeNull();
    const at = new Date(clock.now() - 2000).toISOString();
    expect((await sut.post({ type: 'camera.heartbeat', deviceId: camera.id, at })).status).toBe(202);
    expect((await devicesOf()).find((d) => d.id === camera.id)!.lastSeenAt).toBe(at);
    expect((await devicesOf()).find((d) => d.kind === 'sos')!.lastSeenAt).toBeNull();
    const config = (await answerOf<ClientConfig>(fetch(`${sut.url}/api/v1/client-config`))).body;
    expect(config.videoUrlTemplate).toBeNull();
  });
});

describe('XIAOAN_VIDEO_URL_TEMPLATE', () => {
  it('reaches the browser in the client configuration', async () => {
    const template = 'https://video.example.cn/live?school={schoolId}&camera={cameraId}';
    const sut = await startTestServer({ env: { XIAOAN_VIDEO_URL_TEMPLATE: template } });
    try {
      const config = (await answerOf<ClientConfig>(fetch(`${sut.url}/api/v1/client-config`))).body;
      expect(config.videoUrlTemplate).toBe(template);
    } finally {
      await sut.close();
    }
  });

  it('stops the start with a clear error when it is not an http(s) address with {cameraId}', async () => {
    await expect(startTestServer({ env: { XIAOAN_VIDEO_URL_TEMPLATE: 'rtsp://video.example.cn/{cameraId}' } })).rejects.toThrow(/XIAOAN_VIDEO_URL_TEMPLATE.*http:\/\/ or https:\/\//);
    await expect(startTestServer({ env: { XIAOAN_VIDEO_URL_TEMPLATE: 'https://video.example.cn/live' } })).rejects.toThrow(/XIAOAN_VIDEO_URL_TEMPLATE.*\{cameraId\}/);
  });
});
