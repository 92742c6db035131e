import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { nearestUnit } from '../../mocks/simulator/operator.js';
import { startOperatorSimulator, type OperatorSimulator } from '../../mocks/simulator/operator-driver.js';
import { startUnitSimulator, type UnitSimulator } from '../../mocks/simulator/unit-driver.js';
import { signInAs, TEST_PASSWORD, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const [engine] = await availableEngines();
const OPERATOR = 'duty-sim';
/** The name its steps are stored under. */
const OPERATOR_NAME = '模拟值班员（演示）';

describe('the simulated duty operator (mocks/simulator/operator-driver.ts) with the units’ phones, against a real server', () => {
  let now = Date.now();
  const clock = { now: () => now };
  const dataset = offDuty(makeSmallDataset());
  const school = (id: string) => dataset.schools.find((s) => s.id === id);
  let sut: TestServer;
  let person: Session;
  let screen: RecordingClient;
  let operator: OperatorSimulator;
  let units: UnitSimulator;

  /** The alarm as the screen last heard of it. */
  const latest = (id: string): Alarm | undefined => screen.changes.findLast((change) => change.alarm.id === id)?.alarm;
  async function raise(deviceId: string, extra: Record<string, unknown> = {}): Promise<Alarm> {
    const seen = screen.changes.length;
    expect((await sut.post({ type: 'alarm.sos', deviceId, at: new Date(now).toISOString(), ...extra })).status).toBe(202);
    await waitFor(() => screen.changes.slice(seen).some((change) => change.alarm.deviceId === deviceId), `the alarm of ${deviceId}`);
    return screen.changes.slice(seen).find((change) => change.alarm.deviceId === deviceId)!.alarm;
  }

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset });
    person = await signInAs(sut, { role: 'police_operator', username: 'op' });
    await signInAs(sut, { role: 'police_operator', username: OPERATOR, displayName: OPERATOR_NAME });
    for (const post of dataset.policePosts) await signInAs(sut, { role: 'responder', unitId: post.id, username: `unit-${post.id.toLowerCase()}` });
    screen = connectClient(sut.url, { cookie: person.cookie });
    await screen.live;
    const common = { baseUrl: sut.url, password: TEST_PASSWORD, units: dataset.policePosts, school, now: clock.now, tickMs: 3_600_000 };
    operator = startOperatorSimulator({ ...common, username: OPERATOR });
    units = startUnitSimulator({ ...common, plan: { phoneShare: 1 } });
    sut.services.events.on('alarm.changed', (changes) =>
      changes.forEach((change) => {
        operator.observe(change.alarm);
        units.observe(change.alarm);
      }),
    );
  });
  afterAll(async () => {
    await operator.stop();
    await units.stop();
    screen.socket.disconnect();
    await sut.close();
  });

  it('acknowledges and dispatches the nearest post at its planned times on the injectable clock; the unit then arrives and the figures count the unit’s arrival', async () => {
    const alarm = await raise('SOS-S0001-1');
    await waitFor(() => operator.plans().length === 1, 'the operator’s plan');
    const [ack, dispatch] = operator.plans()[0]!.steps;
    const post = nearestUnit(school(alarm.schoolId)!, dataset.policePosts)!;
    expect(dispatch).toMatchObject({ command: 'dispatch', unitId: post.id });

    await operator.tick();
    expect(operator.stats().sent).toBe(0); // nothing due yet
    expect(latest(alarm.id)?.state).toBe('new');

    now = ack!.at + 300;
    await operator.tick();
    await waitFor(() => latest(alarm.id)?.state === 'acknowledged', 'the acknowledgement');
    now = dispatch!.at + 300;
    await operator.tick();
    await waitFor(() => latest(alarm.id)?.state === 'dispatched', 'the dispatch');
    expect(operator.stats()).toMatchObject({ planned: 1, sent: 2, refused: 0, handedOver: 0, errors: 0 });
    expect(operator.plans()).toHaveLength(0);

    const dispatched = latest(alarm.id)!;
    expect(dispatched.unitId).toBe(post.id);
    expect(dispatched.transitions.map((t) => [t.action, t.actor, Date.parse(t.at)])).toEqual([
      ['raise', 'device:SOS-S0001-1', Date.parse(alarm.receivedAt)],
      ['ack', OPERATOR_NAME, ack!.at + 300],
      ['dispatch', OPERATOR_NAME, dispatch!.at + 300],
    ]);

    // The unit's phone takes it from there: accept, arrive, report.
    await waitFor(() => units.plans().length === 1, 'the unit’s plan');
    const planned = units.plans()[0]!.steps.map((s) => s.at);
    now = planned[2]! + 500;
    await units.tick();
    expect(units.stats()).toMatchObject({ sent: 3, refused: 0, errors: 0 });
    const stored = (await (await person.get(`/api/v1/alarms/${alarm.id}`)).json()) as Alarm;
    expect(stored.state).toBe('on_scene');
    const stats = (await (await person.get(`/api/v1/alarms/stats?from=${new Date(Date.parse(stored.receivedAt) - 60_000).toISOString()}&to=${new Date(now).toISOString()}`)).json()) as AlarmLoadReport;
    expect(stats.onSceneByUnit).toBe(1);
  });

  it('leaves an alarm to the person at the console who acts first, and never touches a drill', async () => {
    const taken = await raise('SOS-S0002-1');
    const drill = await raise('SOS-S0003-1', { drill: true });
    await waitFor(() => operator.plans().length === 1, 'the operator’s plan for the real alarm only');
    expect(operator.plans()[0]!.alarmId).toBe(taken.id);
    expect(drill.drill).toBe(true);

    // The person acknowledges before the simulated operator would: the plan is dropped, nothing is sent.
    const before = operator.stats();
    expect(await screen.socket.emitWithAck('alarm:ack', { id: taken.id })).toMatchObject({ ok: true });
    await waitFor(() => operator.plans().length === 0, 'the hand-over');
    now += 10 * 60_000;
    await operator.tick();
    expect(operator.stats()).toMatchObject({ sent: before.sent, refused: 0, handedOver: before.handedOver + 1, errors: 0 });
    const stored = (await (await person.get(`/api/v1/alarms/${taken.id}`)).json()) as Alarm;
    expect(stored.state).toBe('acknowledged');
    expect(stored.transitions.map((t) => t.actor)).toEqual(['device:SOS-S0002-1', 'op']); // the person's name (signInAs: the username)
    expect(latest(drill.id)?.state).toBe('new');
  });
});
