import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { IngestService } from '../../server/ingest/ingest.service.js';
import { availableEngines } from '../helpers/engines.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { sosEvent, startTestServer, TEST_TOKEN, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** A city-level police operator, signed in per suite. */
let reader: Session;

async function alarms(sut: TestServer, query = 'state=all'): Promise<Alarm[]> {
  const response = await fetch(`${sut.url}/api/v1/alarms?${query}`, { headers: reader.headers() });
  return ((await response.json()) as { alarms: Alarm[] }).alarms;
}

async function eventCount(sut: TestServer): Promise<number> {
  const row = await sut.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(engines)(`${IngestService.name} on %s`, (engine) => {
  let sut: TestServer;
  beforeAll(async () => {
    sut = await startTestServer({ engine, env: { XIAOAN_INGEST_MAX_BYTES: '200000' } });
    reader = await signInAs(sut, { role: 'police_operator' });
  });
  afterAll(async () => {
    await sut.close();
  });

  it('refuses a request without a valid token with 401 and stores nothing', async () => {
    const before = await eventCount(sut);
    const wrong = await sut.post(sosEvent(), 'not-the-token');
    const missing = await fetch(`${sut.url}/api/v1/events`, { method: 'POST', body: JSON.stringify(sosEvent()) });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(await eventCount(sut)).toBe(before);
  });

  it('answers a body that is not JSON with 400 and a readable error', async () => {
    const result = await sut.post('{"type": "alarm.sos",');
    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(/not valid JSON/);
  });

  it('answers an empty array and a batch over 1,000 events with a clear refusal', async () => {
    expect((await sut.post([])).status).toBe(400);
    const tooMany = await sut.post(Array.from({ length: 1001 }, () => ({ type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at: new Date().toISOString() })));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatch(/at most 1000/);
  });

  it('answers a body over the byte limit with 413', async () => {
    const huge = [{ ...sosEvent(), note: 'x'.repeat(300_000) }];
    const result = await sut.post(huge);
    expect(result.status).toBe(413);
  });

  it('stores the good items of a mixed batch and names each bad one', async () => {
    const batch = [
      sosEvent('S0002', { id: 'mixed-good-1' }),
      { type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: 'yesterday' },
      { type: 'alarm.sos', deviceId: 'NO-SUCH-DEVICE', at: new Date().toISOString() },
      { type: 'alarm.sos', deviceId: 'CAM-S0002-01', at: new Date().toISOString() },
      { type: 'alarm.teleport', deviceId: 'SOS-S0002-1', at: new Date().toISOString() },
      'not an object',
      { type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: new Date().toISOString(), id: 'mixed-good-2', zone: '财务室' },
    ];
    const result = await sut.post(batch);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(2);
    const rejected = result.body.rejected as { index: number; error: string }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(rejected[0]?.error).toMatch(/^at: /);
    expect(rejected[1]?.error).toMatch(/unknown device 'NO-SUCH-DEVICE'/);
    expect(rejected[2]?.error).toMatch(/sos device; 'CAM-S0002-01' is a camera/);
    expect(rejected[3]?.error).toMatch(/^type: /);
    const stored = await alarms(sut);
    const kinds = stored.filter((a) => a.schoolId === 'S0002').map((a) => a.type).sort();
    expect(kinds).toEqual(['intrusion', 'sos']);
  });

  it('answers 400 with per-item errors when nothing was acceptable', async () => {
    const before = await eventCount(sut);
    const result = await sut.post([{ type: 'alarm.sos' }, { deviceId: 'SOS-S0001-1' }]);
    expect(result.status).toBe(400);
    expect(result.body.accepted).toBe(0);
    expect((result.body.rejected as unknown[]).length).toBe(2);
    expect(await eventCount(sut)).toBe(before);
  });

  it('changes nothing when an event with a stored id is sent again', async () => {
    const event = sosEvent('S0003', { id: 'idem-1' });
    const first = await sut.post(event);
    const before = await eventCount(sut);
    const again = await sut.post([event, event]);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.accepted).toBe(2);
    expect(await eventCount(sut)).toBe(before);
    const open = (await alarms(sut, 'state=open')).filter((a) => a.deviceId === 'SOS-S0003-1');
    expect(open).toHaveLength(1);
    expect(open[0]?.count).toBe(1);
  });

  it('folds a repeat from the same device into the open alarm instead of opening another', async () => {
    await sut.post(sosEvent('S0001', { id: 'fold-1' }));
    await sut.post(sosEvent('S0001', { id: 'fold-2' }));
    const open = (await alarms(sut, 'state=open')).filter((a) => a.deviceId === 'SOS-S0001-1' && !a.drill);
    expect(open).toHaveLength(1);
    expect(open[0]?.count).toBe(2);
    expect(open[0]?.transitions.map((t) => t.to)).toEqual(['new']);
  });

  it('keeps a drill alarm apart from a real one from the same button', async () => {
    await sut.post(sosEvent('S0001', { id: 'drill-1', drill: true }));
    const open = (await alarms(sut, 'state=open')).filter((a) => a.deviceId === 'SOS-S0001-1');
    expect(open.map((a) => a.drill).sort()).toEqual([false, true]);
  });

  it('raises an access-control anomaly (门禁异常) below SOS and intrusion, folding repeats from the same door', async () => {
    const at = new Date().toISOString();
    const first = await sut.post({ id: 'access-1', type: 'alarm.access', deviceId: 'ACC-S0003-1', at, reason: 'forced', doorId: 'gate-east' });
    expect(first.body).toEqual({ accepted: 1, rejected: [] });
    await sut.post({ id: 'access-2', type: 'alarm.access', deviceId: 'ACC-S0003-1', at, reason: 'held_open' });
    const open = (await alarms(sut, 'state=open')).filter((a) => a.deviceId === 'ACC-S0003-1');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ type: 'access_anomaly', priority: 3, schoolId: 'S0003', count: 2, drill: false });
    expect(open[0]?.transitions.map((t) => [t.to, t.note])).toEqual([['new', 'forced @ gate-east']]);
    const sos = (await alarms(sut, 'state=open')).find((a) => a.type === 'sos');
    expect(sos?.priority).toBeLessThan(open[0]!.priority);
    // Only an access-control device may report it, and only with a known reason.
    const wrong = await sut.post([
      { type: 'alarm.access', deviceId: 'SOS-S0003-1', at, reason: 'forced' },
      { type: 'alarm.access', deviceId: 'ACC-S0003-1', at, reason: 'opened' },
    ]);
    expect(wrong.status).toBe(400);
    expect((wrong.body.rejected as { error: string }[]).map((r) => r.error)).toEqual([
      expect.stringMatching(/access device; 'SOS-S0003-1' is a sos/),
      expect.stringMatching(/^reason: /),
    ]);
    const doors = await fetch(`${sut.url}/api/v1/devices?kind=access&schoolId=S0003`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(((await doors.json()) as { devices: { id: string }[] }).devices.map((d) => d.id)).toEqual(['ACC-S0003-1']);
  });

  it('folds camera keepalives into state without storing them', async () => {
    const before = await eventCount(sut);
    const beats = Array.from({ length: 3 }, (_, i) => ({ type: 'camera.heartbeat', deviceId: `CAM-S0001-0${i + 1}`, at: new Date().toISOString() }));
    const result = await sut.post(beats);
    expect(result.body).toEqual({ accepted: 3, rejected: [] });
    expect(await eventCount(sut)).toBe(before);
  });

  it('checks keepalives in a large batch exactly as the schema does, and applies the good ones', async () => {
    await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0003-02', at: new Date().toISOString(), fault: 'video_loss' });
    const at = new Date().toISOString();
    const good = Array.from({ length: 900 }, (_, i) => ({ type: 'camera.heartbeat', deviceId: `CAM-S000${(i % 3) + 1}-0${(i % 3) + 1}`, at, retentionDays: 30 }));
    const odd = [
      { type: 'camera.heartbeat', deviceId: ' CAM-S0003-02 ', at, extra: 'ignored' }, // trimmed by the schema: accepted
      { type: 'camera.heartbeat', deviceId: 'CAM-S0009-01', at },
      { type: 'camera.heartbeat', deviceId: 'SOS-S0001-1', at },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at: '2026-02-30T10:00:00Z' },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at, retentionDays: 4000 },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at, retentionDays: 2.5 },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at, id: 'hb-twice' },
      { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at, id: 'hb-twice' },
    ];
    const result = await sut.post([...good, ...odd]);
    expect(result.status).toBe(202);
    expect(result.body.accepted).toBe(900 + 3);
    const rejected = result.body.rejected as { index: number; error: string }[];
    expect(rejected.map((r) => r.index)).toEqual([901, 902, 903, 904, 905]);
    expect(rejected[0]?.error).toMatch(/unknown device 'CAM-S0009-01'/);
    expect(rejected[1]?.error).toMatch(/camera device; 'SOS-S0001-1' is a sos/);
    expect(rejected[2]?.error).toMatch(/^at: /);
    expect(rejected[3]?.error).toMatch(/^retentionDays: /);
    expect(rejected[4]?.error).toMatch(/^retentionDays: /);
    const devices = async (school: string) =>
      ((await (await fetch(`${sut.url}/api/v1/schools/${school}/devices`, { headers: reader.headers() })).json()) as { devices: { id: string; state: string | null; retentionDays: number | null }[] }).devices;
    expect((await devices('S0003')).find((d) => d.id === 'CAM-S0003-02')?.state).toBe('online');
    expect((await devices('S0002')).find((d) => d.id === 'CAM-S0002-02')?.retentionDays).toBe(30);
  });

  it('filters alarms by state and since, and refuses a bad filter', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await alarms(sut, `state=all&since=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await alarms(sut, 'state=closed')).length).toBe(0);
    const bad = await fetch(`${sut.url}/api/v1/alarms?state=maybe`, { headers: reader.headers() });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^state: /);
  });

  it('searches alarms by school name, type, district and drill flag', async () => {
    const byName = await alarms(sut, `q=${encodeURIComponent('叶县第一')}`);
    expect(byName.length).toBeGreaterThan(0);
    expect(new Set(byName.map((a) => a.schoolId))).toEqual(new Set(['S0003']));
    const intrusions = await alarms(sut, 'type=intrusion');
    expect(intrusions.map((a) => a.type)).toEqual(['intrusion']);
    expect((await alarms(sut, 'type=sos,intrusion&districtCode=410403')).map((a) => a.schoolId)).toEqual(['S0002', 'S0002']);
    expect((await alarms(sut, 'drill=true')).every((a) => a.drill)).toBe(true);
    expect(await alarms(sut, 'q=nowhere-school')).toEqual([]);
    expect((await fetch(`${sut.url}/api/v1/alarms?type=meteor`, { headers: reader.headers() })).status).toBe(400);
  });

  it("lists a school's devices with each camera's live state", async () => {
    await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0002-01', at: new Date().toISOString(), fault: 'video_loss' });
    const response = await fetch(`${sut.url}/api/v1/schools/S0002/devices`, { headers: reader.headers() });
    const { devices } = (await response.json()) as { devices: { id: string; kind: string; state: string | null }[] };
    expect(devices.find((d) => d.id === 'CAM-S0002-01')?.state).toBe('fault');
    expect(devices.find((d) => d.id === 'CAM-S0002-02')?.state).toBe('online');
    expect(devices.find((d) => d.kind === 'sos')?.state).toBeNull();
    expect((await fetch(`${sut.url}/api/v1/schools/S9999/devices`, { headers: reader.headers() })).status).toBe(404);
  });

  it('lists the registry for integrators, filtered by kind and school', async () => {
    const response = await fetch(`${sut.url}/api/v1/devices?kind=sos&schoolId=S0002`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const { devices } = (await response.json()) as { devices: { id: string }[] };
    expect(devices.map((d) => d.id)).toEqual(['SOS-S0002-1']);
    const schools = (await (await fetch(`${sut.url}/api/v1/schools?districtCode=410422`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as { schools: { id: string }[] };
    expect(schools.schools.map((s) => s.id)).toEqual(['S0003']);
    expect((await fetch(`${sut.url}/api/v1/devices?kind=toaster`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(400);
    // A person with `read` sees it too; nobody else does, and a wrong token is refused outright.
    expect((await fetch(`${sut.url}/api/v1/devices?kind=sos&schoolId=S0002`, { headers: reader.headers() })).status).toBe(200);
    expect((await fetch(`${sut.url}/api/v1/devices`)).status).toBe(401);
    expect((await fetch(`${sut.url}/api/v1/schools`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
  });
});
