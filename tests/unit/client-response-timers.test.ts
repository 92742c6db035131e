// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { responseTimers } from '../../client/response-timers.js';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';
import { DEFAULT_RESPONSE_TARGETS, priorityTargets, responseTarget, type ResponseTargets } from '../../shared/rules/response.js';

const RECEIVED = '2025-03-02T08:00:00.000Z';
/** The pinned clock: `seconds` after the server received the alarm. */
const at = (seconds: number): number => Date.parse(RECEIVED) + seconds * 1000;
const iso = (seconds: number): string => new Date(at(seconds)).toISOString();

function step(action: string, from: Alarm['state'] | null, to: Alarm['state'], seconds: number): AlarmTransition {
  return { action, from, to, actor: action === 'raise' ? 'device:SOS-S0001-1' : '张伟', at: iso(seconds), note: null };
}

function makeAlarm(overrides: Partial<Alarm> = {}): Alarm {
  return {
    id: 'A1',
    type: 'sos',
    priority: 1,
    state: 'new',
    schoolId: 'S0001',
    deviceId: 'SOS-S0001-1',
    districtCode: '410402', // 新华区: urban, 3-minute on-scene target
    openedAt: RECEIVED,
    receivedAt: RECEIVED,
    updatedAt: RECEIVED,
    count: 1,
    lastSeenAt: RECEIVED,
    drill: false,
    unitId: null,
    disposition: null,
    transitions: [step('raise', null, 'new', 0)],
    ...overrides,
  };
}

const acknowledgedAt = (seconds: number, overrides: Partial<Alarm> = {}): Alarm =>
  makeAlarm({ state: 'acknowledged', transitions: [step('raise', null, 'new', 0), step('ack', 'new', 'acknowledged', seconds)], ...overrides });

describe(responseTimers.name, () => {
  it('runs a P1 acknowledge clock to 1:00: amber from 48 s, still in time at 59 and 60 s, late by 1 s at 61 s', () => {
    const alarm = makeAlarm();
    expect(responseTimers(alarm, at(47)).acknowledge).toEqual({ targetSeconds: 60, elapsedSeconds: 47, overrunSeconds: 0, level: 'ok', phase: 'running' });
    expect(responseTimers(alarm, at(48)).acknowledge?.level).toBe('warn');
    expect(responseTimers(alarm, at(59)).acknowledge).toMatchObject({ level: 'warn', overrunSeconds: 0 });
    expect(responseTimers(alarm, at(60)).acknowledge).toMatchObject({ level: 'warn', overrunSeconds: 0 });
    expect(responseTimers(alarm, at(61)).acknowledge).toMatchObject({ level: 'late', overrunSeconds: 1 });
    expect(responseTimers(alarm, at(143)).onScene).toEqual({ targetSeconds: 180, elapsedSeconds: 143, overrunSeconds: 0, level: 'ok', phase: 'running' });
    expect(responseTimers(alarm, at(144)).onScene?.level).toBe('warn');
    expect(responseTimers(alarm, at(181)).onScene).toMatchObject({ level: 'late', overrunSeconds: 1 });
  });

  it('scores a P1 acknowledged at 59, 60 and 61 s: met in time twice, then late by 0:01', () => {
    expect(responseTimers(acknowledgedAt(59), at(3600)).acknowledge).toMatchObject({ phase: 'met', elapsedSeconds: 59, overrunSeconds: 0, level: 'warn' });
    expect(responseTimers(acknowledgedAt(60), at(3600)).acknowledge).toMatchObject({ phase: 'met', elapsedSeconds: 60, overrunSeconds: 0, level: 'warn' });
    expect(responseTimers(acknowledgedAt(61), at(3600)).acknowledge).toMatchObject({ phase: 'met', elapsedSeconds: 61, overrunSeconds: 1, level: 'late' });
  });

  it('keeps a late acknowledgement late with its overrun (5:21 against 1:00 is 4:21 over)', () => {
    expect(responseTimers(acknowledgedAt(321), at(9999)).acknowledge).toEqual({ targetSeconds: 60, elapsedSeconds: 321, overrunSeconds: 261, level: 'late', phase: 'met' });
  });

  it('gives the on-scene timer 3 minutes at a city-setting school and 5 at a town or rural one, whatever its district', () => {
    expect(responseTarget(DEFAULT_RESPONSE_TARGETS, 1, 'onScene', 'city')).toBe(180);
    expect(responseTarget(DEFAULT_RESPONSE_TARGETS, 1, 'onScene', 'town')).toBe(300);
    expect(responseTarget(DEFAULT_RESPONSE_TARGETS, 1, 'onScene', 'rural')).toBe(300);
    const county = makeAlarm({ districtCode: '410423' }); // 鲁山县
    expect(responseTimers(county, at(200), DEFAULT_RESPONSE_TARGETS, 'rural').onScene).toMatchObject({ targetSeconds: 300, level: 'ok' });
    expect(responseTimers(county, at(240), DEFAULT_RESPONSE_TARGETS, 'rural').onScene?.level).toBe('warn');
    // A city-setting school in a county: 3 minutes, not the county's 5.
    expect(responseTimers(county, at(181), DEFAULT_RESPONSE_TARGETS, 'city').onScene).toMatchObject({ targetSeconds: 180, level: 'late' });
    // Before the registry is known, the district decides (city districts as city, counties as town).
    expect(responseTimers(county, at(200)).onScene?.targetSeconds).toBe(300);
    expect(responseTimers(makeAlarm({ districtCode: '410402' }), at(200)).onScene?.targetSeconds).toBe(180);
  });

  it('runs a P3 on its own 10-minute acknowledge target with no on-scene clock, never red at 1:00', () => {
    for (const type of ['post_absent', 'access_anomaly'] as const) {
      const p3 = makeAlarm({ type, priority: 3 });
      expect(responseTimers(p3, at(61))).toEqual({ acknowledge: { targetSeconds: 600, elapsedSeconds: 61, overrunSeconds: 0, level: 'ok', phase: 'running' }, onScene: null });
      expect(responseTimers(p3, at(480)).acknowledge?.level).toBe('warn');
      expect(responseTimers(p3, at(600)).acknowledge?.level).toBe('warn');
      expect(responseTimers(p3, at(601)).acknowledge).toMatchObject({ level: 'late', overrunSeconds: 1 });
    }
  });

  it('runs no clock at all for a P4 camera fault (its target is the 24 h restore)', () => {
    expect(responseTimers(makeAlarm({ type: 'camera_fault', priority: 4 }), at(86_400))).toEqual({ acknowledge: null, onScene: null });
  });

  it('gives P2 intrusion the same 1-3-5 clocks as P1', () => {
    const timers = responseTimers(makeAlarm({ type: 'intrusion', priority: 2 }), at(10));
    expect(timers.acknowledge?.targetSeconds).toBe(60);
    expect(timers.onScene?.targetSeconds).toBe(180);
  });

  it('follows configured targets: a P3 with an on-scene clock, a P1 with a 2-minute acknowledge', () => {
    const targets: ResponseTargets = {
      ...DEFAULT_RESPONSE_TARGETS,
      1: priorityTargets(120, { city: 300, town: 600, rural: 600 }),
      3: priorityTargets(900, { city: 1800, town: 2400, rural: 2400 }),
    };
    expect(responseTimers(makeAlarm(), at(90), targets).acknowledge).toMatchObject({ targetSeconds: 120, level: 'ok' });
    expect(responseTimers(makeAlarm({ type: 'post_absent', priority: 3 }), at(90), targets).onScene).toMatchObject({ targetSeconds: 1800 });
  });

  it('freezes a met target at the time of the step, however late it is now', () => {
    const alarm = makeAlarm({
      state: 'on_scene',
      transitions: [step('raise', null, 'new', 0), step('ack', 'new', 'acknowledged', 42), step('dispatch', 'acknowledged', 'dispatched', 50), step('arrive', 'dispatched', 'on_scene', 200)],
    });
    const timers = responseTimers(alarm, at(3600));
    expect(timers.acknowledge).toEqual({ targetSeconds: 60, elapsedSeconds: 42, overrunSeconds: 0, level: 'ok', phase: 'met' });
    // Met, but late: it stays red so the record shows the miss.
    expect(timers.onScene).toEqual({ targetSeconds: 180, elapsedSeconds: 200, overrunSeconds: 20, level: 'late', phase: 'met' });
  });

  it('stops the timers of an alarm closed before the step, at the moment it closed', () => {
    const alarm = makeAlarm({
      state: 'false_alarm',
      transitions: [step('raise', null, 'new', 0), step('false_alarm', 'new', 'false_alarm', 30)],
    });
    const timers = responseTimers(alarm, at(900));
    expect(timers.acknowledge).toMatchObject({ elapsedSeconds: 30, phase: 'stopped', level: 'ok' });
    expect(timers.onScene).toMatchObject({ elapsedSeconds: 30, phase: 'stopped' });
  });

  it('never shows negative time when the screen clock is behind the server', () => {
    expect(responseTimers(makeAlarm(), at(-5)).acknowledge?.elapsedSeconds).toBe(0);
  });
});
