// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { onSceneTargetSeconds, responseTimers } from '../../client/response-timers.js';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';

const RECEIVED = '2025-03-02T08:00:00.000Z';
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

describe(responseTimers.name, () => {
  it('runs green, turns amber at 80 % of the target and red at the target', () => {
    const alarm = makeAlarm();
    expect(responseTimers(alarm, at(47)).acknowledge).toEqual({ targetSeconds: 60, elapsedSeconds: 47, level: 'ok', phase: 'running' });
    expect(responseTimers(alarm, at(48)).acknowledge.level).toBe('warn');
    expect(responseTimers(alarm, at(59.9)).acknowledge.level).toBe('warn');
    expect(responseTimers(alarm, at(60)).acknowledge.level).toBe('late');
    expect(responseTimers(alarm, at(143)).onScene).toEqual({ targetSeconds: 180, elapsedSeconds: 143, level: 'ok', phase: 'running' });
    expect(responseTimers(alarm, at(144)).onScene?.level).toBe('warn');
    expect(responseTimers(alarm, at(181)).onScene?.level).toBe('late');
  });

  it('gives the on-scene timer 3 minutes in the city districts and 5 elsewhere', () => {
    expect(onSceneTargetSeconds('410402')).toBe(180);
    expect(onSceneTargetSeconds('410423')).toBe(300); // 鲁山县
    const rural = makeAlarm({ districtCode: '410423' });
    expect(responseTimers(rural, at(200)).onScene).toMatchObject({ targetSeconds: 300, level: 'ok' });
    expect(responseTimers(rural, at(240)).onScene?.level).toBe('warn');
  });

  it('freezes a met target at the time of the step, however late it is now', () => {
    const alarm = makeAlarm({
      state: 'on_scene',
      transitions: [step('raise', null, 'new', 0), step('ack', 'new', 'acknowledged', 42), step('dispatch', 'acknowledged', 'dispatched', 50), step('arrive', 'dispatched', 'on_scene', 200)],
    });
    const timers = responseTimers(alarm, at(3600));
    expect(timers.acknowledge).toEqual({ targetSeconds: 60, elapsedSeconds: 42, level: 'ok', phase: 'met' });
    // Met, but late: it stays red so the record shows the miss.
    expect(timers.onScene).toEqual({ targetSeconds: 180, elapsedSeconds: 200, level: 'late', phase: 'met' });
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

  it('sets no on-scene target for alarms that send nobody (camera faults, absent gate posts)', () => {
    expect(responseTimers(makeAlarm({ type: 'camera_fault', priority: 4 }), at(10)).onScene).toBeNull();
    expect(responseTimers(makeAlarm({ type: 'post_absent', priority: 3 }), at(10)).onScene).toBeNull();
    expect(responseTimers(makeAlarm({ type: 'intrusion', priority: 2 }), at(10)).onScene).not.toBeNull();
  });

  it('never shows negative time when the screen clock is behind the server', () => {
    expect(responseTimers(makeAlarm(), at(-5)).acknowledge.elapsedSeconds).toBe(0);
  });
});
