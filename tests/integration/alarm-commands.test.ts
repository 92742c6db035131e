import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { Ack } from '../../shared/events.js';
import { AlarmService } from '../../server/services/alarm.service.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

describe.each(engines)(`${AlarmService.name} commands on %s`, (engine) => {
  let sut: TestServer;
  let alice: RecordingClient;
  let bob: RecordingClient;
  let reader: Session;

  beforeAll(async () => {
    sut = await startTestServer({ engine });
    const [aliceSession, bobSession] = await Promise.all([
      signInAs(sut, { role: 'police_operator', username: 'li', displayName: '李警官' }),
      signInAs(sut, { role: 'police_operator', username: 'wang', displayName: '王警官' }),
    ]);
    reader = aliceSession;
    alice = connectClient(sut.url, { cookie: aliceSession.cookie });
    bob = connectClient(sut.url, { cookie: bobSession.cookie });
    await Promise.all([alice.live, bob.live]);
  });
  async function stored(id: string): Promise<Alarm> {
    return (await (await reader.get(`/api/v1/alarms/${id}`)).json()) as Alarm;
  }
  afterAll(async () => {
    alice.socket.disconnect();
    bob.socket.disconnect();
    await sut.close();
  });

  async function openSos(schoolId: string, extra: Record<string, unknown> = {}): Promise<Alarm> {
    const before = alice.changes.length;
    await sut.post(sosEvent(schoolId, extra));
    await waitFor(() => alice.changes.length > before, 'the new alarm');
    return alice.changes.at(-1)!.alarm;
  }

  it('takes an SOS from new to resolved, storing every step with who did it', async () => {
    const alarm = await openSos('S0001');
    const ack = await alice.socket.emitWithAck('alarm:ack', { id: alarm.id });
    expect(ack).toMatchObject({ ok: true, data: { state: 'acknowledged' } });
    expect(await alice.socket.emitWithAck('alarm:handoff', { id: alarm.id, step: 'sent' })).toMatchObject({ ok: true });
    expect(await alice.socket.emitWithAck('alarm:handoff', { id: alarm.id, step: 'acked', note: '110 接警员 0371' })).toMatchObject({ ok: true });
    expect(await alice.socket.emitWithAck('alarm:dispatch', { id: alarm.id, unitId: 'P001' })).toMatchObject({ ok: true, data: { state: 'dispatched', unitId: 'P001' } });
    expect(await bob.socket.emitWithAck('alarm:arrive', { id: alarm.id })).toMatchObject({ ok: true, data: { state: 'on_scene' } });
    const resolved = await bob.socket.emitWithAck('alarm:resolve', { id: alarm.id, disposition: 'handled_on_site', note: '已处置' });
    expect(resolved).toMatchObject({ ok: true, data: { state: 'resolved', disposition: 'handled_on_site' } });

    const final = await stored(alarm.id);
    expect(final.transitions.map((t) => [t.action, t.to, t.actor])).toEqual([
      ['raise', 'new', 'device:SOS-S0001-1'],
      ['ack', 'acknowledged', '李警官'],
      ['handoff_sent', 'acknowledged', '李警官'],
      ['handoff_acked', 'acknowledged', '李警官'],
      ['dispatch', 'dispatched', '李警官'],
      ['arrive', 'on_scene', '王警官'],
      ['resolve', 'resolved', '王警官'],
    ]);
    expect(final.transitions.at(-1)?.note).toBe('已处置');
    expect(final.transitions.find((t) => t.action === 'dispatch')?.unitId).toBe('P001');
    await waitFor(() => bob.changes.some((c) => c.alarm.id === alarm.id && c.alarm.state === 'resolved'), 'bob sees it resolved');
  });

  it('lets exactly one of two operators acknowledging at once win; the other is told and nothing changes twice', async () => {
    const alarm = await openSos('S0002');
    const [a, b] = await Promise.all([
      alice.socket.emitWithAck('alarm:ack', { id: alarm.id }),
      bob.socket.emitWithAck('alarm:ack', { id: alarm.id }),
    ]);
    const results: Ack<Alarm>[] = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser).toMatchObject({ ok: false, code: 'not_allowed', state: 'acknowledged', error: expect.stringMatching(/cannot ack this alarm: it is acknowledged/) });
    expect((await stored(alarm.id)).transitions.filter((t) => t.action === 'ack')).toHaveLength(1);
  });

  it('refuses illegal steps and bad payloads with a reason, changing nothing', async () => {
    const alarm = await openSos('S0003');
    const before = alice.changes.length;
    expect(await alice.socket.emitWithAck('alarm:resolve', { id: alarm.id, disposition: 'other' })).toEqual({ ok: false, code: 'not_allowed', state: 'new', error: 'cannot resolve this alarm: it is new', message: { zh: '无法处置完毕：该报警待确认', en: 'cannot resolve this alarm: it is new' } });
    expect(await alice.socket.emitWithAck('alarm:arrive', { id: alarm.id })).toMatchObject({ ok: false });
    expect(await alice.socket.emitWithAck('alarm:dispatch', { id: alarm.id, unitId: 'NOPE' })).toEqual({ ok: false, code: 'invalid', error: "unknown unit 'NOPE'", message: { zh: '未知的出警单位“NOPE”', en: "unknown unit 'NOPE'" } });
    expect(await alice.socket.emitWithAck('alarm:false', { id: alarm.id, note: ' ' })).toMatchObject({ ok: false, code: 'invalid', error: expect.stringMatching(/^note: say why/), message: { zh: 'note：请说明为何是误报' } });
    expect(await alice.socket.emitWithAck('alarm:ack', { id: 'no-such-alarm' })).toEqual({ ok: false, code: 'not_found', error: 'no alarm no-such-alarm', message: { zh: '没有编号为 no-such-alarm 的报警', en: 'no alarm no-such-alarm' } });
    const unchanged = await stored(alarm.id);
    expect(unchanged.state).toBe('new');
    expect(unchanged.transitions).toHaveLength(1);
    expect(alice.changes.length).toBe(before);
  });

  it('refuses commands from a signed-in person whose role may not act on alarms', async () => {
    const viewer = connectClient(sut.url, { cookie: (await signInAs(sut, { role: 'viewer' })).cookie });
    await viewer.live;
    const alarm = await openSos('S0001', { drill: true });
    expect(await viewer.socket.emitWithAck('alarm:ack', { id: alarm.id })).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await stored(alarm.id)).state).toBe('new');
    viewer.socket.disconnect();
  });

  it('puts every command that changed something on the audit record: who, from where, what, from which state to which', async () => {
    const alarm = await openSos('S0001');
    expect(alarm.state).toBe('new');
    expect(await alice.socket.emitWithAck('alarm:dispatch', { id: alarm.id, unitId: 'P001', note: '就近派警' })).toMatchObject({ ok: true });
    expect(await bob.socket.emitWithAck('alarm:ack', { id: alarm.id })).toMatchObject({ ok: false, code: 'not_allowed' });
    const entries = await sut.services.audit.search({ action: 'alarm.dispatch', limit: 100 });
    const entry = entries.find((e) => e.target === alarm.id);
    expect(entry).toMatchObject({
      actor: 'li',
      action: 'alarm.dispatch',
      target: alarm.id,
      address: expect.stringMatching(/127\.0\.0\.1/),
      details: { displayName: '李警官', from: 'new', to: 'dispatched', unitId: 'P001', note: '就近派警' },
    });
    const refused = await sut.services.audit.search({ actor: 'wang', action: 'alarm.ack', limit: 100 });
    expect(refused.filter((e) => e.target === alarm.id)).toEqual([]);
  });

  it('never hands a drill alarm to 110', async () => {
    const drill = alice.changes.map((c) => c.alarm).find((a) => a.drill && a.state === 'new');
    expect(drill).toBeDefined();
    expect(await alice.socket.emitWithAck('alarm:handoff', { id: drill!.id, step: 'sent' })).toEqual({ ok: false, code: 'not_allowed', state: 'new', error: 'a drill alarm is never handed to 110', message: { zh: '演练报警不移交110', en: 'a drill alarm is never handed to 110' } });
  });

  it.runIf(engine === 'postgres')('keeps one winner when the two operators sit on two server nodes over one database', async () => {
    const second = await startTestServer({ databaseUrl: sut.config.databaseUrl! });
    const carol = connectClient(second.url, { cookie: (await signInAs(second, { role: 'police_operator', username: 'zhao', displayName: '赵警官' })).cookie });
    try {
      await carol.live;
      for (let round = 0; round < 5; round++) {
        const alarm = await openSos('S0003', { drill: round % 2 === 0 });
        const results = await Promise.all([
          alice.socket.emitWithAck('alarm:ack', { id: alarm.id }),
          carol.socket.emitWithAck('alarm:ack', { id: alarm.id }),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect((await stored(alarm.id)).transitions.filter((t) => t.action === 'ack')).toHaveLength(1);
        await alice.socket.emitWithAck('alarm:cancel', { id: alarm.id, note: 'test round over' });
      }
    } finally {
      carol.socket.disconnect();
      await second.close();
    }
  });

  it('reports the alarm load with the measured time to acknowledge', async () => {
    const response = await reader.get('/api/v1/alarms/stats?operators=2');
    const report = (await response.json()) as { alarms: number; toAcknowledge: { count: number; meanSeconds: number | null }; priorityMix: Record<string, number> };
    expect(response.status).toBe(200);
    expect(report.alarms).toBeGreaterThanOrEqual(3);
    expect(report.toAcknowledge.count).toBeGreaterThanOrEqual(2);
    expect(report.toAcknowledge.meanSeconds).not.toBeNull();
    expect(report.priorityMix['1']).toBe(report.alarms);
    const bad = await reader.get('/api/v1/alarms/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/from must be before to/);
  });
});
