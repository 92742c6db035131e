import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponderAlarms } from '../../shared/api/responder.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { StoredPhoto } from '../../shared/responder.js';
import { MAX_PHOTO_BYTES, MAX_QUEUED_MS } from '../../shared/responder.js';
import { ResponderService } from '../../server/services/responder.service.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** S0001 of the small dataset, and a point 40 m north of it (1° of latitude ≈ 111,195 m). */
const SCHOOL = { lat: 33.737, lng: 113.294 };
const NEAR_GATE = { lat: SCHOOL.lat + 40 / 111_195, lng: SCHOOL.lng, accuracyM: 8 };

/** A PNG whose header (IHDR) says `width` × `height`, 8-bit RGB, with one row of data: what a decoder reads first. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(width * 3 + 1))), chunk('IEND', Buffer.alloc(0))]);
}

/** A clock the test moves by hand (the server's steps and their checks read it). */
function movableClock() {
  let now = Date.now();
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000), iso: (offsetSeconds = 0) => new Date(now + offsetSeconds * 1000).toISOString() };
}

describe.each(engines)(`${ResponderService.name}: the unit's phone on %s`, (engine) => {
  const clock = movableClock();
  let sut: TestServer;
  let operator: Session;
  let console_: RecordingClient;
  let unitA: Session;
  let unitB: Session;
  let phoneA: RecordingClient;
  let phoneB: RecordingClient;

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset: offDuty(makeSmallDataset()) });
    [operator, unitA, unitB] = await Promise.all([
      signInAs(sut, { role: 'police_operator', username: 'op', displayName: '李警官' }),
      signInAs(sut, { role: 'responder', unitId: 'P001', username: 'p001-zhang', displayName: '张警官' }),
      signInAs(sut, { role: 'responder', unitId: 'P002', username: 'p002-zhao', displayName: '赵警官' }),
    ]);
    console_ = connectClient(sut.url, { cookie: operator.cookie });
    phoneA = connectClient(sut.url, { cookie: unitA.cookie });
    phoneB = connectClient(sut.url, { cookie: unitB.cookie });
    await Promise.all([console_.live, phoneA.live, phoneB.live]);
  });
  afterAll(async () => {
    for (const c of [console_, phoneA, phoneB]) c.socket.disconnect();
    await sut.close();
  });

  async function raise(type: 'alarm.sos' | 'alarm.intrusion', deviceId: string): Promise<Alarm> {
    const before = console_.changes.length;
    expect((await sut.post({ type, deviceId, at: new Date(clock.now()).toISOString() })).status).toBe(202);
    await waitFor(() => console_.changes.slice(before).some((c) => c.alarm.deviceId === deviceId), 'the new alarm on the console');
    return console_.changes.slice(before).find((c) => c.alarm.deviceId === deviceId)!.alarm;
  }
  async function dispatch(id: string, unitId: string): Promise<void> {
    expect(await console_.socket.emitWithAck('alarm:dispatch', { id, unitId })).toMatchObject({ ok: true });
  }
  const step = (who: Session, id: string, body: Record<string, unknown>) =>
    answerOf<{ alarm: Alarm; error?: string; message?: { zh: string; en: string } }>(who.send('POST', `/api/v1/responder/alarms/${id}/steps`, { requestId: randomUUID(), at: clock.iso(), ...body }));
  const upload = (who: Session, id: string, bytes: Uint8Array, type = 'image/jpeg') =>
    fetch(`${sut.url}/api/v1/responder/alarms/${id}/photos`, { method: 'POST', headers: { ...who.headers(), 'content-type': type }, body: new Uint8Array(bytes) });
  const stored = async (id: string) => (await (await operator.get(`/api/v1/alarms/${id}`)).json()) as Alarm;

  let sos: Alarm;

  it('lets a responder act only on alarms dispatched to their unit, and puts each step on the console live', async () => {
    sos = await raise('alarm.sos', 'SOS-S0001-1');
    expect((await step(unitA, sos.id, { action: 'accept' })).status).toBe(403);
    await dispatch(sos.id, 'P001');
    await waitFor(() => phoneA.changes.some((c) => c.alarm.id === sos.id && c.alarm.state === 'dispatched'), 'the dispatch on unit A’s phone');
    expect(phoneB.changes.some((c) => c.alarm.id === sos.id)).toBe(false);

    const refused = await step(unitB, sos.id, { action: 'accept' });
    expect(refused.status).toBe(403);
    expect(refused.body.message?.zh).toContain('未派给本单位');

    const listA = await answerOf<ResponderAlarms>(unitA.get('/api/v1/responder/alarms'));
    expect(listA.status).toBe(200);
    expect(listA.body.unit).toMatchObject({ id: 'P001', kind: 'room' });
    expect(listA.body.alarms.map((a) => [a.alarm.id, a.school.id, a.school.address])).toEqual([[sos.id, 'S0001', '新华区测试路1号']]);
    expect((await answerOf<ResponderAlarms>(unitB.get('/api/v1/responder/alarms'))).body.alarms).toEqual([]);

    clock.advance(20);
    const accepted = await step(unitA, sos.id, { action: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.alarm.state).toBe('dispatched');
    await waitFor(() => console_.changes.some((c) => c.alarm.id === sos.id && c.alarm.transitions.some((t) => t.action === 'accept')), 'the acceptance on the console');
    const last = (await stored(sos.id)).transitions.at(-1)!;
    expect(last).toMatchObject({ action: 'accept', actor: '张警官', from: 'dispatched', to: 'dispatched', field: { unitId: 'P001' } });
    expect((await step(unitA, sos.id, { action: 'accept' })).status).toBe(409);
  });

  it('stores offline-queued steps with their original times, in order, and measures the arrival from the school', async () => {
    const arriveAt = clock.iso(60);
    const reportAt = clock.iso(200);
    clock.advance(10 * 60); // the phone was offline: the queue is sent ten minutes later
    const arrive = await step(unitA, sos.id, { action: 'arrive', at: arriveAt, position: NEAR_GATE });
    expect(arrive.status).toBe(200);
    const report = await step(unitA, sos.id, { action: 'report', at: reportAt, disposition: 'handled_on_site', note: '现场已处置，无人受伤' });
    expect(report.status).toBe(200);
    const alarm = await stored(sos.id);
    expect(alarm.state).toBe('on_scene');
    const [arrived, reported] = alarm.transitions.slice(-2);
    expect(arrived).toMatchObject({ action: 'arrive', from: 'dispatched', to: 'on_scene', at: arriveAt, field: { unitId: 'P001', recordedAt: clock.iso() } });
    expect(arrived!.field!.distanceM).toBeGreaterThanOrEqual(39);
    expect(arrived!.field!.distanceM).toBeLessThanOrEqual(41);
    expect(reported).toMatchObject({ action: 'report', at: reportAt, note: '现场已处置，无人受伤', field: { disposition: 'handled_on_site', photoIds: [] } });
    const audit = (await (await (await signInAs(sut, { role: 'admin' })).get('/api/v1/admin/audit?action=alarm.')).json()) as { entries: { action: string; details: Record<string, unknown> }[] };
    expect(audit.entries.filter((e) => e.details.field === true).map((e) => e.action).reverse()).toEqual(['alarm.accept', 'alarm.arrive', 'alarm.report']);
  });

  it('answers a re-sent step (same requestId) with the alarm again and changes nothing', async () => {
    const requestId = randomUUID();
    const first = await step(unitA, sos.id, { action: 'report', requestId, disposition: 'other', note: '补充：家长已到校' });
    expect(first.status).toBe(200);
    const count = (await stored(sos.id)).transitions.length;
    const again = await step(unitA, sos.id, { action: 'report', requestId, disposition: 'other', note: '补充：家长已到校' });
    expect(again.status).toBe(200);
    expect(again.body.alarm.transitions).toHaveLength(count);
    expect((await stored(sos.id)).transitions).toHaveLength(count);
    const other = await raise('alarm.intrusion', 'INT-S0001-1');
    await dispatch(other.id, 'P001');
    expect((await step(unitA, other.id, { action: 'accept', requestId })).status).toBe(409);
  });

  it('refuses a step the alarm has moved past, with the reason, and drops a re-dispatched alarm from the old unit', async () => {
    const alarm = (await answerOf<ResponderAlarms>(unitA.get('/api/v1/responder/alarms'))).body.alarms.find((a) => a.alarm.type === 'intrusion')!.alarm;
    const queuedAccept = clock.iso();
    clock.advance(30);
    await dispatch(alarm.id, 'P002');
    await waitFor(() => phoneA.changes.some((c) => c.alarm.id === alarm.id && c.alarm.unitId === 'P002'), 'the re-dispatch told to the old unit');
    await waitFor(() => phoneB.changes.some((c) => c.alarm.id === alarm.id && c.alarm.unitId === 'P002'), 'the re-dispatch on the new unit’s phone');
    const late = await step(unitA, alarm.id, { action: 'accept', at: queuedAccept });
    expect(late.status).toBe(409);
    expect(late.body.error).toContain('re-dispatched to another unit');
    expect((await answerOf<ResponderAlarms>(unitA.get('/api/v1/responder/alarms'))).body.alarms.map((a) => a.alarm.id)).not.toContain(alarm.id);

    const seenByA = phoneA.changes.filter((c) => c.alarm.id === alarm.id).length;
    expect(await console_.socket.emitWithAck('alarm:arrive', { id: alarm.id })).toMatchObject({ ok: true });
    const arrive = await step(unitB, alarm.id, { action: 'arrive' });
    expect(arrive.status).toBe(409);
    expect(arrive.body.message?.zh).toContain('已记录到场');
    expect(await console_.socket.emitWithAck('alarm:resolve', { id: alarm.id, disposition: 'no_threat_found' })).toMatchObject({ ok: true });
    await waitFor(() => phoneB.changes.some((c) => c.alarm.id === alarm.id && c.alarm.state === 'resolved'), 'the close on the unit’s phone');
    const closed = await step(unitB, alarm.id, { action: 'report', disposition: 'other', note: '补充' });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toContain('resolved');
    // The old unit heard only the change that took the alarm away, nothing after it.
    expect(phoneA.changes.filter((c) => c.alarm.id === alarm.id)).toHaveLength(seenByA);
  });

  it('refuses a time in the future, older than the queue may hold, or before the dispatch', async () => {
    const fresh = await raise('alarm.intrusion', 'INT-S0001-1');
    await dispatch(fresh.id, 'P001');
    expect((await step(unitA, fresh.id, { action: 'accept', at: clock.iso(5 * 60) })).status).toBe(400);
    expect((await step(unitA, fresh.id, { action: 'accept', at: clock.iso(-MAX_QUEUED_MS / 1000 - 60) })).status).toBe(400);
    const early = await step(unitA, fresh.id, { action: 'accept', at: clock.iso(-10 * 60) });
    expect(early.status).toBe(400);
    expect(early.body.error).toContain('before the alarm was dispatched');
    expect((await step(unitA, fresh.id, { action: 'teleport' })).status).toBe(400);
    // A phone clock a minute slow is clock error, not history: stored at the dispatch, never before it.
    const slow = await step(unitA, fresh.id, { action: 'accept', at: clock.iso(-60) });
    expect(slow.status).toBe(200);
    const dispatchedAt = slow.body.alarm.transitions.find((t) => t.action === 'dispatch')!.at;
    expect(slow.body.alarm.transitions.at(-1)!.at).toBe(dispatchedAt);
  });

  it('re-encodes a photo (upright, at most 1600 px, no EXIF), shows it to the console, and refuses oversize or non-image uploads with a reason', async () => {
    const original = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#c03030' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'PhoneMaker', Model: 'X1' } } })
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const response = await upload(unitA, sos.id, original);
    expect(response.status).toBe(201);
    const photo = (await response.json()) as StoredPhoto;
    // Orientation 6 turns the 2400×1200 picture upright (1200×2400), then it is shrunk to 1600 on its longest side.
    expect([photo.width, photo.height]).toEqual([800, 1600]);

    const fetched = await fetch(`${sut.url}/api/v1/alarms/${sos.id}/photos/${photo.id}`, { headers: operator.headers() });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await fetched.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.orientation]).toEqual(['jpeg', 800, 1600, undefined, undefined]);
    expect((await fetch(`${sut.url}/api/v1/alarms/${sos.id}/photos/${photo.id}`, { headers: unitB.headers() })).status).toBe(403);
    expect((await fetch(`${sut.url}/api/v1/alarms/${sos.id}/photos/${photo.id}`, { headers: unitA.headers() })).status).toBe(200);

    const report = await step(unitA, sos.id, { action: 'report', disposition: 'handled_on_site', note: '附现场照片', photoIds: [photo.id] });
    expect(report.status).toBe(200);
    expect(report.body.alarm.transitions.at(-1)!.field!.photoIds).toEqual([photo.id]);
    expect((await step(unitA, sos.id, { action: 'report', disposition: 'other', note: '错号', photoIds: ['no-such-photo'] })).status).toBe(400);

    const notImage = await upload(unitA, sos.id, new TextEncoder().encode('GIF89a… not really a picture'), 'image/png');
    expect(notImage.status).toBe(415);
    expect(((await notImage.json()) as { message: { zh: string } }).message.zh).toContain('不是图片');
    expect((await upload(unitA, sos.id, new TextEncoder().encode('{"a":1}'), 'application/json')).status).toBe(415);
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect((await upload(unitA, sos.id, svg, 'image/png')).status).toBe(415);
    const huge = await upload(unitA, sos.id, new Uint8Array(MAX_PHOTO_BYTES + 1), 'image/jpeg');
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: string }).error).toContain('larger than the 8 MB limit');
    expect((await upload(unitB, sos.id, original)).status).toBe(403);
    // A few bytes whose header says 100 megapixels (a decompression bomb) are refused from the header.
    const bomb = pngHeaderOnly(10_000, 10_000);
    const refusedBomb = await upload(unitA, sos.id, bomb, 'image/png');
    expect(refusedBomb.status).toBe(413);
    expect(((await refusedBomb.json()) as { error: string }).error).toContain('too many pixels');
  });

  it('gives a responder neither the wall nor the alarm list nor the operator’s commands', async () => {
    expect((await unitA.get('/api/v1/wall')).status).toBe(403);
    expect((await unitA.get('/api/v1/alarms')).status).toBe(403);
    expect((await unitA.get(`/api/v1/alarms/${sos.id}`)).status).toBe(403);
    expect(await phoneA.socket.emitWithAck('alarm:resolve', { id: sos.id, disposition: 'handled_on_site' })).toMatchObject({ ok: false });
    expect((await stored(sos.id)).state).toBe('on_scene');
    expect((await operator.get('/api/v1/responder/alarms')).status).toBe(403);
    // A phone reconnecting gets the snapshot of its unit only.
    const again = connectClient(sut.url, { cookie: unitB.cookie });
    await again.live;
    const ids = again.decodedSnapshots.flatMap((s) => s.alarms.map((a) => a.unitId));
    again.socket.disconnect();
    expect(ids.every((unitId) => unitId === 'P002')).toBe(true);
  });

  it('lets the administrator make a responder only with a known unit, whose district it takes', async () => {
    const admin = await signInAs(sut, { role: 'admin' });
    const make = (body: Record<string, unknown>) => answerOf<{ fields?: Record<string, string>; unitId?: string; districtCode?: string }>(admin.send('POST', '/api/v1/admin/users', { displayName: '岗亭民警', password: 'a long password', role: 'responder', ...body }));
    expect(await make({ username: 'unit-none' })).toMatchObject({ status: 400, body: { fields: { unitId: 'a responder must name its unit (a police post)' } } });
    expect(await make({ username: 'unit-ghost', unitId: 'P999' })).toMatchObject({ status: 400, body: { fields: { unitId: 'no police post P999' } } });
    expect(await make({ username: 'unit-op', role: 'police_operator', unitId: 'P002' })).toMatchObject({ status: 400, body: { fields: { unitId: 'only a responder is bound to a unit' } } });
    expect(await make({ username: 'unit-p002-b', unitId: 'P002' })).toMatchObject({ status: 201, body: { unitId: 'P002', districtCode: '410422' } });
  });

  it('says which schools a responder’s unit covers now: those with an alarm dispatched to it (open, or closed in the last 12 h)', async () => {
    const { unitScope } = sut.services;
    expect(await unitScope.coversSchool(unitA.user, 'S0001')).toBe(true);
    expect(await unitScope.coversSchool(unitA.user, 'S0002')).toBe(false);
    // Unit B's intrusion alarm at S0001 was closed minutes ago.
    expect(await unitScope.coversSchool(unitB.user, 'S0001')).toBe(true);
    clock.advance(13 * 3600);
    expect(await unitScope.coversSchool(unitB.user, 'S0001')).toBe(false);
    expect(await unitScope.coversSchool(operator.user, 'S0001')).toBe(false);
  });
});
