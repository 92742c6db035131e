import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { DecodedSnapshot } from '../../shared/snapshot.js';
import type { CameraSummary, SchoolStatusChange } from '../../shared/wall.js';
import { AlarmDelivery } from '../../server/realtime/alarm-delivery.js';
import { HealthFanOut } from '../../server/realtime/health-fan-out.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** County A (新华区, school S0001) and county B (卫东区, school S0002) of the small test dataset. */
const A = { district: '410402', school: 'S0001' };
const B = { district: '410403', school: 'S0002' };

/** A screen that also keeps the snapshots, school statuses and camera summaries it was sent. */
interface Screen extends RecordingClient {
  snapshotsSeen: DecodedSnapshot[];
  statuses: SchoolStatusChange[];
  summaries: CameraSummary[];
}

describe.each(engines)(`${AlarmDelivery.name} and ${HealthFanOut.name}: district scope on %s`, (engine) => {
  let sut: TestServer;
  let city: Session;
  let countyA: Session;
  let countyB: Session;
  let schoolA: Session;
  const screens: Screen[] = [];

  function screen(session: Session, lastSeq: number | null = null): Screen {
    const client = connectClient(sut.url, { cookie: session.cookie, lastSeq });
    const s: Screen = Object.assign(client, { snapshotsSeen: client.decodedSnapshots, statuses: [], summaries: [] });
    client.socket.on('school:status', ({ changes }) => s.statuses.push(...changes));
    client.socket.on('camera:summary', (summary) => s.summaries.push(summary));
    screens.push(s);
    return s;
  }
  const schoolsOf = (s: RecordingClient) => new Set(s.changes.map((c) => c.alarm.schoolId));
  const has = (s: RecordingClient, alarmId: string) => s.changes.some((c) => c.alarm.id === alarmId);

  async function raise(schoolId: string, type: 'alarm.sos' | 'alarm.intrusion' = 'alarm.sos'): Promise<Alarm> {
    const deviceId = type === 'alarm.sos' ? `SOS-${schoolId}-1` : `INT-${schoolId}-1`;
    expect((await sut.post({ type, deviceId, at: new Date().toISOString() })).status).toBe(202);
    const alarms = ((await (await city.get(`/api/v1/alarms?state=open`)).json()) as { alarms: Alarm[] }).alarms;
    const alarm = alarms.find((a) => a.deviceId === deviceId);
    expect(alarm).toBeDefined();
    return alarm!;
  }

  beforeAll(async () => {
    sut = await startTestServer({ engine });
    [city, countyA, countyB, schoolA] = await Promise.all([
      signInAs(sut, { role: 'police_operator' }),
      signInAs(sut, { role: 'police_operator', districtCode: A.district }),
      signInAs(sut, { role: 'police_operator', districtCode: B.district }),
      signInAs(sut, { role: 'school_user', districtCode: A.district, schoolId: A.school }),
    ]);
  });
  afterAll(async () => {
    screens.forEach((s) => s.socket.disconnect());
    await sut.close();
  });

  it("sends an alarm in county A to A's screens and the city's, never to B's", async () => {
    const [cityScreen, aScreen, bScreen, schoolScreen] = [screen(city), screen(countyA), screen(countyB), screen(schoolA)];
    await Promise.all(screens.map((s) => s.live));

    const inA = await raise(A.school);
    await waitFor(() => has(aScreen, inA.id) && has(cityScreen, inA.id) && has(schoolScreen, inA.id), "A's alarm on A's, the school's and the city's screens");
    // B's screen is live and hears its own district: a later alarm in B reaches it, and by then A's would have too.
    const inB = await raise(B.school);
    await waitFor(() => has(bScreen, inB.id) && has(cityScreen, inB.id), "B's alarm on B's and the city's screens");
    await waitFor(() => aScreen.statuses.length > 0 && bScreen.statuses.length > 0, 'school status pushes');
    // The city screen got everything, each change once and in seq order.
    expect(cityScreen.changes.map((c) => c.alarm.id)).toEqual([inA.id, inB.id]);

    expect(schoolsOf(bScreen)).toEqual(new Set([B.school]));
    expect(schoolsOf(aScreen)).toEqual(new Set([A.school]));
    expect(schoolsOf(schoolScreen)).toEqual(new Set([A.school]));
    // seq stays global: a county screen sees only its own changes' numbers, with gaps between them.
    const [seqA, seqB] = cityScreen.changes.map((c) => c.seq);
    expect(aScreen.changes.map((c) => c.seq)).toEqual([seqA]);
    expect(bScreen.changes.map((c) => c.seq)).toEqual([seqB]);
    expect(seqB).toBeGreaterThan(seqA! + 0);

    // The coalesced school statuses are split the same way.
    await waitFor(() => cityScreen.statuses.some((s) => s.schoolId === B.school), "the city's status push of B's school");
    expect(new Set(aScreen.statuses.map((s) => s.schoolId))).toEqual(new Set([A.school]));
    expect(new Set(bScreen.statuses.map((s) => s.schoolId))).toEqual(new Set([B.school]));
  });

  it('gives each county its own camera summary and the city the whole', async () => {
    const [cityScreen, aScreen, bScreen] = [screen(city), screen(countyA), screen(countyB)];
    await Promise.all([cityScreen.live, aScreen.live, bScreen.live]);
    const fault = (device: string) => sut.post({ type: 'camera.fault', deviceId: device, at: new Date().toISOString(), fault: 'video_loss' });
    expect((await fault(`CAM-${A.school}-02`)).status).toBe(202);
    await waitFor(() => aScreen.summaries.some((s) => s.fault === 1), "A's camera summary with the fault");
    expect(aScreen.summaries.at(-1)).toEqual({ total: 3, online: 2, offline: 0, fault: 1 });
    expect((await fault(`CAM-${B.school}-03`)).status).toBe(202);
    await waitFor(() => bScreen.summaries.some((s) => s.fault === 1), "B's camera summary with the fault");
    expect(bScreen.summaries.at(-1)).toEqual({ total: 3, online: 2, offline: 0, fault: 1 });
    await waitFor(() => cityScreen.summaries.some((s) => s.fault === 2), 'the city summary with both faults');
    expect(cityScreen.summaries.at(-1)).toEqual({ total: 9, online: 7, offline: 0, fault: 2 });
    // A's summary never moved for B's camera.
    expect(aScreen.summaries.every((s) => s.total === 3 && s.fault <= 1)).toBe(true);
  });

  it('filters a reconnecting county screen’s replay and a fresh one’s snapshot to its district', async () => {
    const bScreen = screen(countyB);
    await bScreen.live;
    const seen = bScreen.lastSeq();
    bScreen.socket.disconnect();

    const missedA = await raise(A.school, 'alarm.intrusion');
    const missedB = await raise(B.school, 'alarm.intrusion');
    const again = screen(countyB, seen);
    await again.live;
    expect(again.snapshots).toBe(0);
    expect(again.changes.map((c) => c.alarm.id)).toEqual([missedB.id]);
    expect(has(again, missedA.id)).toBe(false);

    const fresh = screen(countyB);
    await fresh.live;
    expect(fresh.snapshotsSeen).toHaveLength(1);
    const snapshot = fresh.snapshotsSeen[0]!;
    expect(snapshot.alarms.length).toBeGreaterThan(0);
    expect(new Set(snapshot.alarms.map((a) => a.districtCode))).toEqual(new Set([B.district]));
    expect(snapshot.seq).toBeGreaterThanOrEqual(again.changes[0]!.seq);
  });

  it("gives a county screen its own district's latest closed alarms, however busy the other districts were", async () => {
    const operator = screen(city);
    await operator.live;
    const closeOne = async (schoolId: string): Promise<string> => {
      const alarm = await raise(schoolId);
      expect(await operator.socket.emitWithAck('alarm:cancel', { id: alarm.id, note: 'snapshot test' })).toMatchObject({ ok: true });
      return alarm.id;
    };
    for (const alarm of ((await (await city.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] }).alarms) {
      await operator.socket.emitWithAck('alarm:cancel', { id: alarm.id, note: 'clean slate' });
    }
    const closedInB = await closeOne(B.school);
    // More closed alarms in A than a snapshot carries: the city's latest closed are all A's now.
    for (let i = 0; i < 101; i++) await closeOne(A.school);
    const fresh = screen(countyB);
    await fresh.live;
    const snapshot = fresh.snapshotsSeen[0]!;
    expect(snapshot.alarms.map((a) => a.id)).toContain(closedInB);
    expect(snapshot.alarms.every((a) => a.districtCode === B.district)).toBe(true);
  }, 60_000);

  it("refuses a county operator's command on another district's alarm and changes nothing", async () => {
    const aScreen = screen(countyA);
    await aScreen.live;
    const inB = await raise(B.school);
    const before = (await (await city.get(`/api/v1/alarms/${inB.id}`)).json()) as Alarm;
    const answer = await aScreen.socket.emitWithAck('alarm:ack', { id: inB.id });
    expect(answer).toMatchObject({ ok: false, code: 'forbidden' });
    const after = (await (await city.get(`/api/v1/alarms/${inB.id}`)).json()) as Alarm;
    expect(after).toEqual(before);
    // The same operator may act in their own district.
    const inA = await raise(A.school, 'alarm.intrusion');
    expect(await aScreen.socket.emitWithAck('alarm:ack', { id: inA.id })).toMatchObject({ ok: true, data: { state: 'acknowledged' } });
  });
});
