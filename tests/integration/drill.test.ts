import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../shared/admin.js';
import type { DrillView, SchoolComplianceAnswer } from '../../shared/compliance.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { DrillAnswer, DrillDetail } from '../../shared/drill.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { DrillService } from '../../server/services/drill.service.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { startDrillTestbed, type DrillTestbed } from '../helpers/drill.js';
import { availableEngines } from '../helpers/engines.js';
import { startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/** Monday 2026-11-30, 10:00 in Asia/Shanghai: mid-term, no drill held yet. */
const T0 = Date.parse('2026-11-30T02:00:00Z');
let now = T0;
const clock = { now: () => now };
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe.each(engines)(`${DrillService.name} on %s`, (engine) => {
  let bed: DrillTestbed;
  let sut: TestServer;
  let operator: Session;
  let observer: Session;
  let console_: RecordingClient;
  let drillEvents: DrillDetail[] = [];

  beforeAll(async () => {
    now = T0;
    bed = await startDrillTestbed({ engine, clock, operator: { username: 'op-zhang', displayName: '张警官' } });
    ({ sut, operator, console_, drillEvents } = bed);
    observer = await signInAs(sut, { role: 'education_staff', username: 'obs-li', displayName: '李老师' });
  });
  afterAll(async () => {
    await bed?.close();
  });

  const json = answerOf;
  const command = (event: 'alarm:ack' | 'alarm:arrive' | 'alarm:dispatch' | 'alarm:resolve' | 'alarm:handoff', payload: Record<string, unknown>) =>
    (console_.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; code?: string; error?: string; data?: Alarm }>)(event, payload);
  const drillItem = async () => (await json<SchoolComplianceAnswer>(operator.get('/api/v1/schools/S0001/compliance'))).body.items.find((i) => i.rule === 'drill')!;

  let drillId = '';
  let drillAlarm: Alarm;

  it('plans a drill with the 1-3-5 targets and the default observer checklist; refuses a bad plan field by field', async () => {
    const bad = await json<{ error: string; fields: Record<string, string> }>(operator.send('POST', '/api/v1/drills', { schoolId: 'S0001', plannedFor: 'tomorrow' }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['plannedFor', 'scenario']);
    expect((await operator.send('POST', '/api/v1/drills', { schoolId: 'S9999', scenario: 'x', plannedFor: at(0) })).status).toBe(404);

    const planned = await json<DrillAnswer>(operator.send('POST', '/api/v1/drills', { schoolId: 'S0001', scenario: '持刀人员闯入校门', participants: '门卫 2 人', plannedFor: at(300) }));
    expect(planned.status).toBe(201);
    expect(planned.body.drill).toMatchObject({ state: 'planned', createdBy: '张警官', targets: { acknowledged: 60, dispatched: 120, on_scene: 180, handled: 780 } });
    expect(planned.body.drill.checklist.map((i) => i.id)).toEqual(['alarm_button', 'guards_in_place', 'gate_sealed', 'students_evacuated', 'headcount', 'police_arrived']);
    drillId = planned.body.drill.id;
    expect((await drillItem()).status).not.toBe('pass');
  });

  it('keeps drills to their scope: a county viewer elsewhere neither lists nor reads it, and a viewer cannot plan', async () => {
    const elsewhere = await signInAs(sut, { role: 'viewer', districtCode: '410403', username: 'viewer-weidong' });
    expect((await elsewhere.get(`/api/v1/drills/${drillId}`)).status).toBe(403);
    expect((await json<{ drills: unknown[] }>(elsewhere.get('/api/v1/drills'))).body.drills).toEqual([]);
    expect((await elsewhere.send('POST', '/api/v1/drills', { schoolId: 'S0002', scenario: 'x', plannedFor: at(0) })).status).toBe(403);
    const countyPolice = await signInAs(sut, { role: 'police_operator', districtCode: '410403', username: 'police-weidong' });
    expect((await countyPolice.send('POST', `/api/v1/drills/${drillId}/start`, {})).status).toBe(403);
  });

  it("starts it; the school's next alarm is a drill alarm (even unflagged), linked, and never a real figure or row", async () => {
    const started = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${drillId}/start`, { raiseAlarm: false }));
    expect(started.status).toBe(200);
    expect(started.body.drill).toMatchObject({ state: 'running', startedBy: '张警官', startedAt: at(0), alarmId: null });
    expect((await operator.send('POST', `/api/v1/drills/${drillId}/start`, {})).status).toBe(409);

    now = T0 + 5_000;
    // The school presses its button without saying "drill"; a real alarm comes in elsewhere at the same time.
    expect((await sut.post([{ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: at(5) }, { type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: at(5) }])).status).toBe(202);
    await waitFor(() => drillEvents.some((d) => d.drill.id === drillId && d.alarm !== null), 'the drill alarm linked');
    const detail = (await json<DrillAnswer>(operator.get(`/api/v1/drills/${drillId}`))).body;
    drillAlarm = detail.alarm!;
    expect(drillAlarm).toMatchObject({ schoolId: 'S0001', drill: true, state: 'new' });
    expect(detail.drill.alarmOrigin).toBe('device');
    expect(detail.score.timeline[0]).toMatchObject({ milestone: 'initiated', at: at(5), actor: 'device:SOS-S0001-1', source: 'device' });

    const real = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&drill=false'))).body.alarms;
    expect(real.map((a) => a.schoolId)).toEqual(['S0002']);
    const stats = (await json<AlarmLoadReport>(operator.get(`/api/v1/alarms/stats?from=${at(-3600)}&to=${at(60)}`))).body;
    expect(stats.alarms).toBe(1);
    expect(stats.priorityMix[1]).toBe(1);
    const wall = (await json<WallSnapshot>(operator.get('/api/v1/wall'))).body;
    expect(wall.statuses).toContainEqual({ schoolId: 'S0001', status: 'drill' });
    expect(wall.statuses).toContainEqual({ schoolId: 'S0002', status: 'alarm' });
  });

  it('refuses to hand the drill alarm to 110', async () => {
    const refused = await command('alarm:handoff', { id: drillAlarm.id, step: 'sent' });
    expect(refused).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(refused.error).toContain('110');
  });

  it('scores the milestones from the stored steps as the console drives them, and ticks the checklist with who and when', async () => {
    now = T0 + 45_000;
    expect(await command('alarm:ack', { id: drillAlarm.id })).toMatchObject({ ok: true });
    now = T0 + 95_000;
    expect(await command('alarm:dispatch', { id: drillAlarm.id, unitId: 'P001' })).toMatchObject({ ok: true });
    now = T0 + 215_000; // 210 s after initiation: over the 180 s on-scene target
    expect(await command('alarm:arrive', { id: drillAlarm.id })).toMatchObject({ ok: true });
    now = T0 + 300_000;
    const ticked = await json<DrillAnswer>(observer.send('PUT', `/api/v1/drills/${drillId}/checklist/gate_sealed`, { checked: true }));
    expect(ticked.status).toBe(200);
    expect(ticked.body.drill.checklist.find((i) => i.id === 'gate_sealed')).toMatchObject({ checkedBy: '李老师', checkedAt: at(300) });
    expect((await observer.send('PUT', `/api/v1/drills/${drillId}/checklist/nope`, { checked: true })).status).toBe(404);
    now = T0 + 405_000;
    expect(await command('alarm:resolve', { id: drillAlarm.id, disposition: 'handled_on_site' })).toMatchObject({ ok: true });

    await waitFor(() => drillEvents.some((d) => d.drill.id === drillId && d.alarm?.state === 'resolved'), 'the drill event of the resolved alarm');
    now = T0 + 500_000;
    const { score } = (await json<DrillAnswer>(operator.get(`/api/v1/drills/${drillId}`))).body;
    expect(score.milestones.map((m) => [m.milestone, m.elapsedSeconds, m.outcome, m.points])).toEqual([
      ['acknowledged', 40, 'on_time', 15],
      ['dispatched', 90, 'on_time', 15],
      ['on_scene', 210, 'late', 7],
      ['handled', 400, 'on_time', 15],
    ]);
    expect(score.timeline[1]).toMatchObject({ milestone: 'acknowledged', actor: '张警官', source: 'console' });
    expect(score.clockSeconds).toBe(495);
    expect(score).toMatchObject({ checklistPoints: 8, total: 60, final: false });
  });

  it("ends it: the compliance desk gets its drill record and the drill-each-semester rule passes; the school's alarms are real again", async () => {
    now = T0 + 600_000;
    const ended = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${drillId}/end`, {}));
    expect(ended.status).toBe(200);
    expect(ended.body.drill).toMatchObject({ state: 'ended', endedBy: '张警官', endedAt: at(600) });
    expect(ended.body.score).toMatchObject({ final: true, clockSeconds: 595, total: 60 });
    expect(ended.body.score.timeline.at(-1)).toMatchObject({ milestone: 'ended', actor: '张警官', source: 'drill_screen' });
    expect((await operator.send('POST', `/api/v1/drills/${drillId}/end`, {})).status).toBe(409);

    const records = (await json<{ drills: DrillView[] }>(operator.get('/api/v1/schools/S0001/drills'))).body.drills;
    expect(records).toContainEqual(expect.objectContaining({ id: ended.body.drill.recordId, date: '2026-11-30', scenario: '持刀人员闯入校门', recordedBy: '张警官' }));
    expect((await drillItem()).status).toBe('pass');

    now = T0 + 700_000;
    await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: at(700) });
    const open = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&schoolId=S0001'))).body.alarms;
    expect(open.map((a) => a.drill)).toEqual([false]);
  });

  it('starts a drill that raises its own alarm from the school button, credited to the drill screen; cancelling closes it without a record', async () => {
    const planned = await json<DrillAnswer>(operator.send('POST', '/api/v1/drills', { schoolId: 'S0003', scenario: '消防疏散', plannedFor: at(800) }));
    now = T0 + 800_000;
    const started = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${planned.body.drill.id}/start`, {}));
    expect(started.body.alarm).toMatchObject({ schoolId: 'S0003', deviceId: 'SOS-S0003-1', drill: true, state: 'new' });
    expect(started.body.drill.alarmOrigin).toBe('drill_screen');
    expect(started.body.score.timeline[0]).toMatchObject({ actor: '张警官', source: 'drill_screen', at: at(800) });
    expect(started.body.drill.targets.on_scene).toBe(300); // 叶县: 5 minutes

    const cancelled = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${planned.body.drill.id}/cancel`, { note: '天气原因' }));
    expect(cancelled.body.drill).toMatchObject({ state: 'cancelled', cancelNote: '天气原因', recordId: null });
    expect(cancelled.body.alarm?.state).toBe('cancelled');
    expect((await json<{ drills: DrillView[] }>(operator.get('/api/v1/schools/S0003/drills'))).body.drills).toEqual([]);
  });

  it('exports the score card as CSV (BOM, Chinese) and as a PDF made with the shipped font', async () => {
    const csv = await operator.get(`/api/v1/drills/${drillId}/export.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const raw = Buffer.from(await csv.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads the Chinese right
    const text = raw.toString('utf8');
    expect(text).toContain('平顶山市新华区第一小学');
    expect(text).toContain('到场 On scene,2026-11-30 10:03:35,T+03:30,T+03:00,超时 +0:30 late +0:30,7/15,张警官,接警台 console');
    expect(text).toContain('总分 Total,60 / 100');

    const pdf = await operator.get(`/api/v1/drills/${drillId}/export.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(5_000);

    const viewer = await signInAs(sut, { role: 'viewer', username: 'viewer-city' });
    expect((await viewer.get(`/api/v1/drills/${drillId}/export.csv`)).status).toBe(403);
    expect((await viewer.get(`/api/v1/drills/${drillId}`)).status).toBe(200);
  });

  it('puts every drill action and export on the audit log, with who and which drill', async () => {
    const admin = await signInAs(sut, { role: 'admin' });
    const page = async (action: string) => ((await (await admin.get(`/api/v1/admin/audit?action=${action}&limit=1000`)).json()) as AuditPage).entries;
    const drillEntries = await page('drill.');
    for (const action of ['drill.plan', 'drill.start', 'drill.checklist', 'drill.end', 'drill.cancel']) {
      expect(drillEntries.some((e) => e.action === action), action).toBe(true);
    }
    expect(drillEntries.find((e) => e.action === 'drill.end' && e.target === drillId)).toMatchObject({ actor: 'op-zhang', details: { schoolId: 'S0001', state: 'ended' } });
    const exports = await page('export.drill');
    expect(exports.filter((e) => e.target === drillId).map((e) => e.action).sort()).toEqual(['export.drill_csv', 'export.drill_pdf']);
    // A refused export (the viewer's) is not an export.
    expect(exports.every((e) => e.actor !== 'viewer-city')).toBe(true);
  });
});

describe(`${DrillService.name} across a restart`, () => {
  it("keeps flagging the school's alarms as drill alarms after the server restarts mid-drill, and links the first one", async () => {
    now = T0;
    const first = await startTestServer({ clock });
    const operator = await signInAs(first, { role: 'police_operator', username: 'op-restart', displayName: '王警官' });
    const planned = (await (await operator.send('POST', '/api/v1/drills', { schoolId: 'S0002', scenario: '夜间入侵', plannedFor: at(0) })).json()) as DrillAnswer;
    await operator.send('POST', `/api/v1/drills/${planned.drill.id}/start`, { raiseAlarm: false });
    await first.close();

    now = T0 + 60_000;
    const second = await startTestServer({ clock, dataDir: first.dataDir });
    try {
      expect((await second.post({ type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: at(60) })).status).toBe(202);
      const again = await signInAs(second, { role: 'police_operator', username: 'op-restart', displayName: '王警官' });
      let detail: DrillAnswer | null = null;
      for (let i = 0; i < 100 && !detail?.alarm; i++) {
        detail = (await (await again.get(`/api/v1/drills/${planned.drill.id}`)).json()) as DrillAnswer;
        if (!detail.alarm) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(detail?.drill.state).toBe('running');
      expect(detail?.alarm).toMatchObject({ type: 'intrusion', schoolId: 'S0002', drill: true });
      expect(detail?.score.timeline[0]).toMatchObject({ at: at(60), source: 'device' });
    } finally {
      await second.close();
    }
  });
});
