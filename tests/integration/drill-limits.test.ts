import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, AuditPage } from '../../shared/admin.js';
import { auditSentence } from '../../shared/audit-text.js';
import type { DrillView } from '../../shared/compliance.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { DrillAnswer, DrillDetail } from '../../shared/drill.js';
import type { Ack } from '../../shared/events.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { startDrillTestbed, type DrillTestbed } from '../helpers/drill.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/** Wednesday 2026-12-02, 09:00 in Asia/Shanghai (01:00 UTC): a school day. */
const T0 = Date.parse('2026-12-02T01:00:00Z');
const DAY = 86_400_000;
let now = T0;
const clock = { now: () => now };
const iso = (ms: number) => new Date(ms).toISOString();
const MARGIN = 10;

type Refused = { error: string; message: { zh: string; en: string }; fields?: Record<string, string> };

/**
 * Issue 12, drills that cannot mask a real emergency: a drill starts only on its planned day (or
 * after a re-plan), ends itself at its planned length plus the margin (and says so), and a drill
 * alarm is turned into a real one in one action (转为真实警情). Beside it, a county operator sends
 * only their own district's units.
 */
describe.each(engines)('drill limits, 转为真实警情 and dispatch scope on %s', (engine) => {
  let bed: DrillTestbed;
  let sut: TestServer;
  let operator: Session;
  let admin: Session;
  let console_: RecordingClient;
  let drillEvents: DrillDetail[] = [];

  beforeAll(async () => {
    now = T0;
    bed = await startDrillTestbed({ engine, clock, operator: { username: 'op-zhao', displayName: '赵警官' }, env: { XIAOAN_DRILL_MARGIN_MINUTES: String(MARGIN) } });
    ({ sut, operator, console_, drillEvents } = bed);
    admin = await signInAs(sut, { role: 'admin' });
  });
  afterAll(async () => {
    await bed?.close();
  });

  const json = answerOf;
  const send = (client: RecordingClient, event: string, payload: Record<string, unknown>) =>
    (client.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<Alarm> & { code?: string; message?: { zh: string; en: string } }>)(event, payload);
  const plan = (body: Record<string, unknown>) => json<DrillAnswer & Refused>(operator.send('POST', '/api/v1/drills', { scenario: '持刀人员闯入校门', ...body }));
  const audit = async (action: string) => ((await (await admin.get(`/api/v1/admin/audit?action=${action}&limit=1000`)).json()) as AuditPage).entries;
  const sentence = (entry: AuditEntryView) => auditSentence(entry, { person: () => null, school: () => null });

  it('refuses to start a plan dated 30 days ago, and one planned for tomorrow, in both languages; a re-plan to today lets it start', async () => {
    // Planned a month ago for that day, then forgotten.
    now = T0 - 30 * DAY;
    const old = await plan({ schoolId: 'S0001', plannedFor: iso(T0 - 30 * DAY + 3_600_000) });
    expect(old.status).toBe(201);
    now = T0;
    const refused = await json<Refused>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/start`, {}));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('this drill is planned for 2026-11-02 and today is 2026-12-02: a drill starts only on its planned day; re-plan it to run today');
    expect(refused.body.message.zh).toContain('演练只能在计划当天开始');
    expect((await json<DrillAnswer>(operator.get(`/api/v1/drills/${old.body.drill.id}`))).body.drill.state).toBe('planned');
    // Nothing at the school turned into a drill alarm meanwhile.
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: iso(now) })).status).toBe(202);
    const open = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&schoolId=S0001'))).body.alarms;
    expect(open.map((a) => a.drill)).toEqual([false]);
    expect(await send(console_, 'alarm:cancel', { id: open[0]!.id, note: '测试' })).toMatchObject({ ok: true });

    const tomorrow = await plan({ schoolId: 'S0001', plannedFor: iso(T0 + DAY) });
    expect((await json<Refused>(operator.send('POST', `/api/v1/drills/${tomorrow.body.drill.id}/start`, {}))).status).toBe(409);

    // Planning (or re-planning) for a day already past is refused field by field.
    const past = await plan({ schoolId: 'S0001', plannedFor: iso(T0 - DAY) });
    expect(past.status).toBe(400);
    expect(past.body.fields).toHaveProperty('plannedFor');
    expect(past.body.message.zh).toContain('已过');
    expect((await json<Refused>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/replan`, { plannedFor: iso(T0 - DAY) }))).status).toBe(400);

    const replanned = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/replan`, { plannedFor: iso(T0 + 600_000), note: '上月因雨顺延' }));
    expect(replanned.status).toBe(200);
    expect(replanned.body.drill.plannedFor).toBe(iso(T0 + 600_000));
    expect(replanned.body.drill.notes).toEqual([expect.objectContaining({ kind: 'replanned', by: '赵警官', text: { zh: '计划时间由 2026-11-02 10:00:00 改为 2026-12-02 09:10:00：上月因雨顺延', en: expect.stringContaining('re-planned from 2026-11-02 10:00:00 to 2026-12-02 09:10:00') } })]);
    const started = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/start`, { raiseAlarm: false }));
    expect(started.status).toBe(200);
    expect(started.body.drill.state).toBe('running');
    // A running drill is not re-planned.
    expect((await json<Refused>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/replan`, { plannedFor: iso(T0 + DAY) }))).status).toBe(409);
    expect((await audit('drill.replan')).filter((e) => e.target === old.body.drill.id)).toHaveLength(1);
    expect((await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${old.body.drill.id}/cancel`, { note: '测试结束' }))).status).toBe(200);
    expect((await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${tomorrow.body.drill.id}/cancel`, { note: '测试结束' }))).status).toBe(200);
  });

  it('ends a drill by itself at its planned length plus the margin on the server tick, says so on the drill event, the record, the report and the audit log; the school is real again', async () => {
    now = T0 + 3_600_000; // 10:00
    const planned = await plan({ schoolId: 'S0001', plannedFor: iso(now), lengthMinutes: 20 });
    expect(planned.body.drill.lengthMinutes).toBe(20);
    const id = planned.body.drill.id;
    const started = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${id}/start`, {}));
    expect(started.body.alarm).toMatchObject({ drill: true, state: 'new' });
    const startedAt = now;

    now = startedAt + (20 + MARGIN) * 60_000 - 1_000; // one second before the limit
    await sut.tick();
    expect((await json<DrillAnswer>(operator.get(`/api/v1/drills/${id}`))).body.drill.state).toBe('running');

    now = startedAt + (20 + MARGIN) * 60_000;
    await sut.tick();
    await waitFor(() => drillEvents.some((d) => d.drill.id === id && d.drill.state === 'ended'), 'the drill event of the end at the time limit');
    const event = drillEvents.findLast((d) => d.drill.id === id)!;
    expect(event.drill).toMatchObject({ state: 'ended', endReason: 'time_limit', endedBy: 'system', endedAt: iso(now) });
    expect(event.drill.notes).toEqual([
      expect.objectContaining({ kind: 'auto_ended', by: 'system', text: { zh: expect.stringContaining('系统已自动结束演练'), en: expect.stringContaining('the system ended it') } }),
    ]);
    // The drill alarm left open is closed with the drill; the record of a drill held is written.
    expect(event.alarm?.state).toBe('cancelled');
    expect(event.alarm?.transitions.at(-1)).toMatchObject({ actor: 'system', note: expect.stringContaining('演练超时自动结束') });
    expect((await audit('alarm.cancel')).filter((e) => e.target === event.alarm?.id)).toEqual([expect.objectContaining({ actor: 'system', details: expect.objectContaining({ drillId: id, to: 'cancelled' }) })]);
    const records = (await json<{ drills: DrillView[] }>(operator.get('/api/v1/schools/S0001/drills'))).body.drills;
    expect(records.map((r) => r.id)).toContain(event.drill.recordId);

    const csv = await (await operator.get(`/api/v1/drills/${id}/export.csv`)).text();
    expect(csv).toContain('系统已自动结束演练');
    expect(csv).toContain('the system ended it');
    const entries = (await audit('drill.auto_end')).filter((e) => e.target === id);
    expect(entries).toEqual([expect.objectContaining({ actor: 'system' })]);
    expect(sentence(entries[0]!).zh).toContain('system 在演练超过计划时长及宽限后自动结束了演练');

    // A later tick does nothing more; the school's next alarm is real.
    now += 60_000;
    await sut.tick();
    expect((await audit('drill.auto_end')).filter((e) => e.target === id)).toHaveLength(1);
    await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: iso(now) });
    const open = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&schoolId=S0001'))).body.alarms;
    expect(open.map((a) => a.drill)).toEqual([false]);
    for (const alarm of open) expect(await send(console_, 'alarm:cancel', { id: alarm.id, note: '测试' })).toMatchObject({ ok: true });
  });

  it('turns a drill alarm into a real one in one action (转为真实警情): re-broadcast with drill:false and its opening time, in the real figures, handed to 110, noted on the drill', async () => {
    now = T0 + 3 * 3_600_000; // 12:00
    const planned = await plan({ schoolId: 'S0001', plannedFor: iso(now) });
    const id = planned.body.drill.id;
    await operator.send('POST', `/api/v1/drills/${id}/start`, { raiseAlarm: false });
    now += 5_000;
    const openedAt = iso(now - 2_000);
    expect((await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: openedAt })).status).toBe(202);
    await waitFor(() => drillEvents.some((d) => d.drill.id === id && d.alarm !== null), 'the drill alarm linked');
    const drillAlarm = (await json<DrillAnswer>(operator.get(`/api/v1/drills/${id}`))).body.alarm!;
    expect(drillAlarm).toMatchObject({ drill: true, openedAt });
    expect(await send(console_, 'alarm:handoff', { id: drillAlarm.id, step: 'sent' })).toMatchObject({ ok: false, code: 'not_allowed' });

    // Someone outside the school's district may not; a viewer may not.
    const elsewhere = await signInAs(sut, { role: 'police_operator', districtCode: '410403', username: 'op-weidong' });
    const elsewhereClient = connectClient(sut.url, { cookie: elsewhere.cookie });
    const viewer = await signInAs(sut, { role: 'viewer', username: 'viewer-convert' });
    const viewerClient = connectClient(sut.url, { cookie: viewer.cookie });
    try {
      await Promise.all([elsewhereClient.live, viewerClient.live]);
      expect(await send(elsewhereClient, 'alarm:convert', { id: drillAlarm.id })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await send(viewerClient, 'alarm:convert', { id: drillAlarm.id })).toMatchObject({ ok: false, code: 'forbidden' });
    } finally {
      elsewhereClient.socket.close();
      viewerClient.socket.close();
    }

    now += 10_000;
    const before = console_.changes.length;
    const converted = await send(console_, 'alarm:convert', { id: drillAlarm.id });
    expect(converted).toMatchObject({ ok: true, data: { id: drillAlarm.id, drill: false, state: 'new', openedAt } });
    await waitFor(() => console_.changes.slice(before).some((c) => c.alarm.id === drillAlarm.id), 'the alarm re-broadcast');
    const broadcast = console_.changes.slice(before).find((c) => c.alarm.id === drillAlarm.id)!;
    expect(broadcast.alarm).toMatchObject({ drill: false, openedAt, state: 'new' });
    expect(broadcast.alarm.transitions.at(-1)).toMatchObject({ action: 'convert_real', actor: '赵警官', from: 'new', to: 'new', note: '演练报警转为真实警情', noteEn: 'drill alarm turned into a real alarm' });
    expect(await send(console_, 'alarm:convert', { id: drillAlarm.id })).toMatchObject({ ok: false, code: 'not_allowed' });

    // The real queue and figures count it, from the time it was raised.
    const real = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&drill=false&schoolId=S0001'))).body.alarms;
    expect(real.map((a) => a.id)).toEqual([drillAlarm.id]);
    const stats = (await json<AlarmLoadReport>(operator.get(`/api/v1/alarms/stats?from=${iso(now - 3_600_000)}&to=${iso(now + 60_000)}`))).body;
    expect(stats.priorityMix[1]).toBeGreaterThanOrEqual(1);
    const wall = (await json<WallSnapshot>(operator.get('/api/v1/wall'))).body;
    expect(wall.statuses).toContainEqual({ schoolId: 'S0001', status: 'alarm' });

    // And it goes to 110.
    expect(await send(console_, 'alarm:handoff', { id: drillAlarm.id, step: 'sent' })).toMatchObject({ ok: true });

    // The drill's record notes it, and the drill screen hears of it.
    await waitFor(() => drillEvents.some((d) => d.drill.id === id && d.drill.notes.some((n) => n.kind === 'alarm_converted')), 'the drill event noting the conversion');
    const detail = (await json<DrillAnswer>(operator.get(`/api/v1/drills/${id}`))).body;
    expect(detail.drill.notes).toEqual([expect.objectContaining({ kind: 'alarm_converted', by: '赵警官', alarmId: drillAlarm.id, text: { zh: expect.stringContaining('转为真实警情'), en: expect.stringContaining('into a real alarm') } })]);
    const entries = (await audit('alarm.convert')).filter((e) => e.target === drillAlarm.id);
    expect(entries).toEqual([expect.objectContaining({ actor: 'op-zhao' })]);
    expect(sentence(entries[0]!)).toMatchObject({ zh: expect.stringContaining('赵警官 将演练报警转为真实警情'), en: expect.stringContaining('赵警官 turned a drill alarm into a real alarm') });

    // Ending the drill leaves the real alarm open in the real queue.
    now += 60_000;
    const ended = await json<DrillAnswer>(operator.send('POST', `/api/v1/drills/${id}/end`, {}));
    expect(ended.body.drill).toMatchObject({ state: 'ended', endReason: 'operator' });
    expect(ended.body.alarm).toMatchObject({ id: drillAlarm.id, drill: false, state: 'new' });
    const csv = await (await operator.get(`/api/v1/drills/${id}/export.csv`)).text();
    expect(csv).toContain('转为真实警情');
    expect(await send(console_, 'alarm:cancel', { id: drillAlarm.id, note: '测试结束' })).toMatchObject({ ok: true });
  });

  it("refuses a county operator dispatching another county's police post, in both languages; their own district's unit goes", async () => {
    now = T0 + 5 * 3_600_000;
    // S0003 is in 叶县 (410422); P001 is a 新华区 (410402) room, P002 a 叶县 booth.
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0003-1', at: iso(now) })).status).toBe(202);
    const alarm = (await json<{ alarms: Alarm[] }>(operator.get('/api/v1/alarms?state=open&schoolId=S0003'))).body.alarms[0]!;
    const county = await signInAs(sut, { role: 'police_operator', districtCode: '410422', username: 'op-yexian', displayName: '叶县值班员' });
    const countyClient = connectClient(sut.url, { cookie: county.cookie });
    try {
      await countyClient.live;
      const refused = await send(countyClient, 'alarm:dispatch', { id: alarm.id, unitId: 'P001' });
      expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
      expect(refused.ok ? '' : refused.error).toContain('unit P001 belongs to Xinhua');
      expect(refused.ok ? null : refused.message?.zh).toContain('不在您的派警范围');
      const after = (await json<Alarm>(operator.get(`/api/v1/alarms/${alarm.id}`))).body;
      expect(after).toMatchObject({ state: 'new', unitId: null });
      expect(after.transitions).toHaveLength(1);

      expect(await send(countyClient, 'alarm:dispatch', { id: alarm.id, unitId: 'P002' })).toMatchObject({ ok: true, data: { state: 'dispatched', unitId: 'P002' } });
      // A city-level operator may send any district's unit.
      expect(await send(console_, 'alarm:dispatch', { id: alarm.id, unitId: 'P001' })).toMatchObject({ ok: true, data: { unitId: 'P001' } });
    } finally {
      countyClient.socket.close();
    }
  });
});
