import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { startUnitSimulator, type UnitSimulator } from '../../mocks/simulator/unit-driver.js';
import { signInAs, TEST_PASSWORD, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const [engine] = await availableEngines();

describe('the simulated units’ phones (mocks/simulator/unit-driver.ts) against a real server', () => {
  let now = Date.now();
  const clock = { now: () => now };
  const dataset = offDuty(makeSmallDataset());
  let sut: TestServer;
  let operator: Session;
  let screen: RecordingClient;
  let units: UnitSimulator;

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset });
    operator = await signInAs(sut, { role: 'police_operator', username: 'op' });
    // The unit's responder, as the demo mode makes it (here with the tests' password).
    await signInAs(sut, { role: 'responder', unitId: 'P001', username: 'unit-p001' });
    screen = connectClient(sut.url, { cookie: operator.cookie });
    await screen.live;
    units = startUnitSimulator({ baseUrl: sut.url, password: TEST_PASSWORD, units: dataset.policePosts, school: (id) => dataset.schools.find((s) => s.id === id), now: clock.now, tickMs: 3_600_000, plan: { phoneShare: 1 } });
    sut.services.events.on('alarm.changed', (changes) => changes.forEach((change) => units.observe(change.alarm)));
  });
  afterAll(async () => {
    await units.stop();
    screen.socket.disconnect();
    await sut.close();
  });

  it('accepts, arrives near the gate and reports on the injectable clock, each step at its planned time, and the figures count the unit’s arrival', async () => {
    expect((await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: new Date(now).toISOString() })).status).toBe(202);
    await waitFor(() => screen.changes.length > 0, 'the alarm');
    const alarm = screen.changes[0]!.alarm;
    expect(await screen.socket.emitWithAck('alarm:dispatch', { id: alarm.id, unitId: 'P001' })).toMatchObject({ ok: true });
    await waitFor(() => units.plans().length === 1, 'the unit’s plan');
    const planned = units.plans()[0]!.steps.map((s) => s.at);

    await units.tick();
    expect(units.stats().sent).toBe(0); // nothing is due yet
    now = planned[0]! + 500;
    await units.tick();
    now = planned[2]! + 500;
    await units.tick();
    expect(units.stats()).toMatchObject({ sent: 3, refused: 0, errors: 0 });

    const stored = (await (await operator.get(`/api/v1/alarms/${alarm.id}`)).json()) as Alarm;
    const steps = stored.transitions.filter((t) => t.field);
    expect(steps.map((t) => [t.action, Date.parse(t.at)])).toEqual([
      ['accept', planned[0]],
      ['arrive', planned[1]],
      ['report', planned[2]],
    ]);
    expect(stored.state).toBe('on_scene');
    expect(steps[1]!.field!.distanceM).toBeLessThanOrEqual(61);
    const stats = (await (await operator.get(`/api/v1/alarms/stats?from=${new Date(Date.parse(stored.receivedAt) - 60_000).toISOString()}&to=${new Date(now).toISOString()}`)).json()) as AlarmLoadReport;
    expect(stats.onSceneByUnit).toBe(1);
    expect(stats.toOnScene.meanSeconds).toBe(Math.round((planned[1]! - Date.parse(stored.receivedAt)) / 100) / 10);
  });
});
