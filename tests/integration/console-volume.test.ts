import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_MAX, type BulkResult, type Shelf, type ShelfChange } from '../../shared/console.js';
import type { Device } from '../../shared/domain/index.js';
import type { Ack } from '../../shared/events.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { signInAs } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/** 300 extra cameras at S0001: a storm of camera faults, one alarm each. */
const STORM = 300;
/** Monday 2026-12-07 10:00 Shanghai: outside every 护学岗 window of the test dataset, so no absence alarm joins in. */
const START = Date.parse('2026-12-07T02:00:00Z');

function stormDataset() {
  const dataset = makeSmallDataset();
  const extra: Device[] = Array.from({ length: STORM }, (_, i) => ({ id: `CAM-STORM-${i}`, kind: 'camera', schoolId: 'S0001', postId: null, place: 'corridor', name: `走廊摄像机${i}` }));
  return { ...dataset, devices: [...dataset.devices, ...extra] };
}

describe.each(engines)('console at volume: bulk commands and shelving on %s', (engine) => {
  let sut: TestServer;
  let now = START;
  const clients: RecordingClient[] = [];
  const iso = () => new Date(now).toISOString();

  beforeAll(async () => {
    sut = await startTestServer({ engine, dataset: stormDataset(), clock: { now: () => now } });
  });
  afterAll(async () => {
    clients.forEach((client) => client.socket.disconnect());
    await sut.close();
  });

  async function screen(who: Parameters<typeof signInAs>[1]): Promise<RecordingClient> {
    const session = await signInAs(sut, who);
    const client = connectClient(sut.url, { cookie: session.cookie });
    clients.push(client);
    await client.live;
    return client;
  }
  const bulk = (client: RecordingClient, payload: unknown) =>
    (client.socket.emitWithAck as (event: string, payload: unknown) => Promise<Ack<BulkResult>>)('alarm:bulk', payload);
  const shelfCommand = (client: RecordingClient, event: 'shelf:add' | 'shelf:remove', payload: unknown) =>
    (client.socket.emitWithAck as (event: string, payload: unknown) => Promise<Ack<Shelf>>)(event, payload);

  it('acknowledges 300 P4 alarms in one command, each with its own transition and audit entry, and refuses P1/P2 one by one', async () => {
    const operator = await screen({ role: 'police_operator', username: 'bulk-op', displayName: '值班员甲' });
    const events = [
      ...Array.from({ length: STORM }, (_, i) => ({ type: 'camera.fault', deviceId: `CAM-STORM-${i}`, fault: 'video_loss', at: iso() })),
      { type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: iso() },
      { type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: iso() },
    ];
    expect((await sut.post(events)).status).toBe(202);
    const alarms = await sut.services.alarms.list({ state: 'open', limit: 10_000 });
    const storm = alarms.filter((alarm) => alarm.deviceId.startsWith('CAM-STORM-'));
    expect(storm).toHaveLength(STORM);
    const sos = alarms.find((alarm) => alarm.type === 'sos')!;
    const intrusion = alarms.find((alarm) => alarm.type === 'intrusion')!;

    const changesBefore = operator.changes.length;
    const started = performance.now();
    const answer = await bulk(operator, { ids: [...storm.map((a) => a.id), sos.id, intrusion.id, 'no-such-alarm'], action: 'ack', note: '线路故障，已派运维' });
    const took = performance.now() - started;
    if (!answer.ok) throw new Error(answer.error);
    expect(answer.data).toMatchObject({ done: STORM, refused: 3 });
    const refusals = answer.data.results.filter((result) => !result.ok);
    expect(refusals.map((result) => result.id)).toEqual([sos.id, intrusion.id, 'no-such-alarm']);
    expect(refusals[0]).toMatchObject({ message: { zh: 'P1 报警须逐条处置，不可批量操作' } });
    expect(refusals[1]).toMatchObject({ message: { zh: 'P2 报警须逐条处置，不可批量操作' } });
    console.info(`[console-volume] ${engine}: alarm:bulk ack of ${STORM} alarms took ${Math.round(took)} ms`);

    // Every alarm on its own: a transition by the operator with the one reason, a `seq` change pushed, an audit entry.
    const after = await sut.services.alarms.list({ state: 'open', limit: 10_000 });
    for (const alarm of after.filter((a) => a.deviceId.startsWith('CAM-STORM-'))) {
      expect(alarm.state).toBe('acknowledged');
      expect(alarm.transitions.at(-1)).toMatchObject({ action: 'ack', actor: '值班员甲', note: '线路故障，已派运维' });
    }
    expect(after.find((a) => a.id === sos.id)?.state).toBe('new');
    await waitFor(() => operator.changes.length - changesBefore >= STORM, 'one pushed change per alarm');
    const audit = await sut.services.audit.search({ actor: 'bulk-op', action: 'alarm.ack', limit: 1000 });
    expect(audit).toHaveLength(STORM);
    expect(audit[0]?.details).toMatchObject({ from: 'new', to: 'acknowledged', note: '线路故障，已派运维', bulk: { size: STORM + 3 } });

    // Closing as handled takes a disposition, and acknowledges a new alarm first; a repeat is refused per alarm.
    const resolve = await bulk(operator, { ids: storm.slice(0, 5).map((a) => a.id), action: 'resolve', disposition: 'no_threat_found', note: '已修复' });
    expect(resolve).toMatchObject({ ok: true, data: { done: 5, refused: 0 } });
    const again = await bulk(operator, { ids: [storm[0]!.id], action: 'false_alarm', note: '重复' });
    expect(again).toMatchObject({ ok: true, data: { done: 0, refused: 1, results: [{ ok: false, message: { zh: expect.stringContaining('已处置') } }] } });
  }, 120_000);

  it('refuses a malformed bulk command as a whole, and a county operator acts only in their district', async () => {
    const operator = await screen({ role: 'police_operator', username: 'bulk-op' });
    const ids = Array.from({ length: BULK_MAX + 1 }, (_, i) => `A${i}`);
    for (const payload of [
      { ids, action: 'ack', note: 'x' },
      { ids: ['A1'], action: 'resolve', note: 'x' },
      { ids: ['A1'], action: 'ack', note: '   ' },
      { ids: ['A1', 'A1'], action: 'ack', note: 'x' },
      { ids: ['A1'], action: 'dispatch', note: 'x' },
    ]) {
      expect(await bulk(operator, payload)).toMatchObject({ ok: false, code: 'invalid', message: { zh: expect.any(String), en: expect.any(String) } });
    }
    expect((await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0003-02', fault: 'tamper', at: iso() })).status).toBe(202);
    expect((await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0002-02', fault: 'tamper', at: iso() })).status).toBe(202);
    const alarms = await sut.services.alarms.list({ state: 'open', limit: 10_000 });
    const yexian = alarms.find((a) => a.deviceId === 'CAM-S0003-02')!;
    const weidong = alarms.find((a) => a.deviceId === 'CAM-S0002-02')!;
    const county = await screen({ role: 'police_operator', username: 'county-op', districtCode: '410403' });
    const answer = await bulk(county, { ids: [weidong.id, yexian.id], action: 'ack', note: '辖区处置' });
    expect(answer).toMatchObject({ ok: true, data: { done: 1, refused: 1, results: [{ id: weidong.id, ok: true }, { id: yexian.id, ok: false, message: { zh: '该报警不在您的辖区内' } }] } });
    const viewer = await screen({ role: 'viewer' });
    expect(await bulk(viewer, { ids: [yexian.id], action: 'ack', note: 'x' })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('shelves a camera for a set time, pushes it to every console, expires it by itself on the pinned clock, and never shelves an SOS button', async () => {
    const operator = await screen({ role: 'police_operator', username: 'shelf-op', displayName: '值班员乙' });
    const observer = await screen({ role: 'police_operator', username: 'shelf-observer' });
    const seen: ShelfChange[] = [];
    observer.socket.on('shelf', (change) => seen.push(change));

    const sos = await shelfCommand(operator, 'shelf:add', { deviceId: 'SOS-S0001-1', minutes: 60, reason: '误触' });
    expect(sos).toMatchObject({ ok: false, code: 'not_allowed', message: { zh: expect.stringContaining('一键报警设备不可搁置') } });
    expect(await shelfCommand(operator, 'shelf:add', { deviceId: 'INT-S0001-1', minutes: 60, reason: '误报多' })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(await shelfCommand(operator, 'shelf:add', { deviceId: 'CAM-S0001-03', minutes: 24 * 60 + 1, reason: 'x' })).toMatchObject({ ok: false, code: 'invalid' });

    const shelved = await shelfCommand(operator, 'shelf:add', { deviceId: 'CAM-S0001-03', minutes: 15, reason: '反复掉线，已报修' });
    if (!shelved.ok) throw new Error(shelved.error);
    expect(shelved.data).toMatchObject({ deviceId: 'CAM-S0001-03', schoolId: 'S0001', shelvedBy: '值班员乙', until: new Date(now + 15 * 60_000).toISOString() });
    await waitFor(() => seen.length === 1, 'the shelf pushed to another console');
    expect(seen[0]).toMatchObject({ shelf: { id: shelved.data.id }, ended: null });
    expect(await shelfCommand(operator, 'shelf:add', { deviceId: 'CAM-S0001-03', minutes: 15, reason: 'again' })).toMatchObject({ ok: false, code: 'not_allowed' });

    // A screen connecting now hears the shelf in its snapshot (read from the database).
    const late = connectClient(sut.url, { cookie: (await signInAs(sut, { role: 'police_operator', username: 'shelf-late' })).cookie });
    clients.push(late);
    const snapshot = await new Promise<Shelf[]>((resolve) => late.socket.once('shelf:snapshot', ({ shelves }) => resolve(shelves)));
    expect(snapshot.map((shelf) => shelf.deviceId)).toEqual(['CAM-S0001-03']);

    // Its alarms are still stored while shelved.
    expect((await sut.post({ type: 'camera.fault', deviceId: 'CAM-S0001-03', fault: 'video_loss', at: iso() })).status).toBe(202);
    expect((await sut.services.alarms.list({ state: 'open', limit: 10_000 })).some((a) => a.deviceId === 'CAM-S0001-03')).toBe(true);

    // One second before its time it stays; at its time the tick ends it, says so and audits it.
    now += 15 * 60_000 - 1_000;
    await sut.tick();
    expect(await sut.services.shelves.list()).toHaveLength(1);
    now += 1_000;
    await sut.tick();
    expect(await sut.services.shelves.list()).toHaveLength(0);
    await waitFor(() => seen.length === 2, 'the expiry pushed');
    expect(seen[1]).toMatchObject({ shelf: { id: shelved.data.id }, ended: { reason: 'expired', by: 'system' } });
    expect(await sut.services.audit.search({ action: 'shelf.expired', limit: 10 })).toHaveLength(1);
    expect(await sut.services.audit.search({ actor: 'shelf-op', action: 'shelf.add', limit: 10 })).toHaveLength(1);

    // Un-shelving early, by the operator.
    expect((await shelfCommand(operator, 'shelf:add', { deviceId: 'PT-G0001', minutes: 480, reason: '终端故障' })).ok).toBe(true);
    expect(await shelfCommand(operator, 'shelf:remove', { deviceId: 'PT-G0001' })).toMatchObject({ ok: true, data: { deviceId: 'PT-G0001' } });
    await waitFor(() => seen.length === 4, 'the un-shelving pushed');
    expect(seen[3]).toMatchObject({ ended: { reason: 'unshelved', by: '值班员乙' } });
    expect(await shelfCommand(operator, 'shelf:remove', { deviceId: 'PT-G0001' })).toMatchObject({ ok: false, code: 'not_allowed' });
  });

  it('keeps a county operator to their own district', async () => {
    const county = await screen({ role: 'police_operator', username: 'shelf-county', districtCode: '410403' });
    expect(await shelfCommand(county, 'shelf:add', { deviceId: 'CAM-S0003-01', minutes: 15, reason: '越权' })).toMatchObject({ ok: false, code: 'forbidden', message: { zh: '该设备不在您的辖区内' } });
    expect((await shelfCommand(county, 'shelf:add', { deviceId: 'CAM-S0002-01', minutes: 15, reason: '本辖区' })).ok).toBe(true);
  });
});
