import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENE_INTERVAL_MS,
  preemptsRotation,
  SceneScheduler,
  sceneIntervalFromQuery,
  type KioskScene,
} from '../../client/stores/kioskSceneScheduler.js';
import type { Alarm } from '../../shared/domain/index.js';

const DISTRICTS = ['410402', '410403', '410404'];
const INTERVAL = 30_000;
const PIN = 120_000;

/** A clock the test moves by hand. */
function pinnedClock(start = Date.parse('2026-03-02T08:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function makeSut() {
  const clock = pinnedClock();
  const sut = new SceneScheduler({ districts: DISTRICTS, intervalMs: INTERVAL, alarmPinMs: PIN, now: clock.now });
  return { sut, clock };
}

const kinds = (scenes: KioskScene[]) => scenes.map((scene) => (scene.kind === 'district' ? `district:${scene.districtCode}` : scene.kind));

function makeAlarm(overrides: Partial<Alarm> = {}): Alarm {
  const at = '2026-03-02T08:00:00.000Z';
  return {
    id: 'A1', type: 'sos', priority: 1, state: 'new', schoolId: 'S0007', deviceId: 'SOS-S0007-1', districtCode: '410402',
    openedAt: at, receivedAt: at, updatedAt: at, count: 1, lastSeenAt: at, drill: false, unitId: null, disposition: null, transitions: [],
    ...overrides,
  };
}

describe(SceneScheduler.name, () => {
  it('rotates overview → district → health → compliance → risk heat on the interval, a different district each round', () => {
    const { sut, clock } = makeSut();
    const seen: KioskScene[] = [sut.tick()];
    for (let i = 0; i < 10; i += 1) {
      clock.advance(INTERVAL);
      seen.push(sut.tick());
    }
    expect(kinds(seen)).toEqual([
      'overview', 'district:410402', 'health', 'compliance', 'risk',
      'overview', 'district:410403', 'health', 'compliance', 'risk',
      'overview',
    ]);
  });

  it('does not move before the interval is up', () => {
    const { sut, clock } = makeSut();
    clock.advance(INTERVAL - 1);
    expect(sut.tick().kind).toBe('overview');
    clock.advance(1);
    expect(sut.tick().kind).toBe('district');
  });

  it('a new SOS pins the map to its school at once, for the pin time, then the rotation resumes where it was', () => {
    const { sut, clock } = makeSut();
    clock.advance(INTERVAL);
    expect(sut.tick().kind).toBe('district');
    clock.advance(10_000);
    expect(sut.pinAlarm(makeAlarm())).toBe(true);
    expect(sut.tick()).toEqual({ kind: 'alarm', alarmId: 'A1', schoolId: 'S0007', until: clock.now() + PIN });
    // The rotation is frozen while pinned, however many intervals pass.
    clock.advance(PIN - 1);
    expect(sut.tick().kind).toBe('alarm');
    clock.advance(1);
    expect(sut.tick()).toEqual({ kind: 'district', districtCode: '410402' });
    // …for a fresh interval.
    clock.advance(INTERVAL - 1);
    expect(sut.tick().kind).toBe('district');
    clock.advance(1);
    expect(sut.tick().kind).toBe('health');
  });

  it('pins an alarm once: its later changes do not pin it again; a newer alarm takes over', () => {
    const { sut, clock } = makeSut();
    sut.pinAlarm(makeAlarm());
    clock.advance(PIN);
    expect(sut.tick().kind).toBe('overview');
    expect(sut.pinAlarm(makeAlarm({ state: 'acknowledged' }))).toBe(false);
    expect(sut.tick().kind).toBe('overview');
    expect(sut.pinAlarm(makeAlarm({ id: 'A2', schoolId: 'S0100' }))).toBe(true);
    clock.advance(60_000);
    expect(sut.pinAlarm(makeAlarm({ id: 'A3', schoolId: 'S0200' }))).toBe(true);
    expect(sut.tick()).toMatchObject({ kind: 'alarm', alarmId: 'A3', schoolId: 'S0200' });
  });

  it('a running drill pins until it ends; an alarm wins over it meanwhile and hands back to it', () => {
    const { sut, clock } = makeSut();
    sut.pinDrill({ drillId: 'D1', schoolId: 'S0003' });
    clock.advance(INTERVAL * 10);
    expect(sut.tick()).toEqual({ kind: 'drill', drillId: 'D1', schoolId: 'S0003' });
    expect(sut.msUntilChange()).toBeNull();
    sut.pinAlarm(makeAlarm());
    expect(sut.tick().kind).toBe('alarm');
    clock.advance(PIN);
    expect(sut.tick().kind).toBe('drill');
    sut.endDrill('other');
    expect(sut.tick().kind).toBe('drill');
    sut.endDrill('D1');
    expect(sut.tick().kind).toBe('overview');
    clock.advance(INTERVAL);
    expect(sut.tick().kind).toBe('district');
  });

  it('says how long until the scene changes by itself', () => {
    const { sut, clock } = makeSut();
    clock.advance(12_000);
    expect(sut.msUntilChange()).toBe(INTERVAL - 12_000);
    sut.pinAlarm(makeAlarm());
    expect(sut.msUntilChange()).toBe(PIN);
  });
});

describe(preemptsRotation.name, () => {
  it('is true only for an open, real SOS or intrusion', () => {
    expect(preemptsRotation(makeAlarm())).toBe(true);
    expect(preemptsRotation(makeAlarm({ type: 'intrusion', priority: 2 }))).toBe(true);
    expect(preemptsRotation(makeAlarm({ drill: true }))).toBe(false);
    expect(preemptsRotation(makeAlarm({ type: 'camera_fault', priority: 4 }))).toBe(false);
    expect(preemptsRotation(makeAlarm({ type: 'post_absent', priority: 3 }))).toBe(false);
    expect(preemptsRotation(makeAlarm({ state: 'resolved' }))).toBe(false);
  });
});

describe(sceneIntervalFromQuery.name, () => {
  it('reads seconds, bounded, and falls back to the default', () => {
    expect(sceneIntervalFromQuery('45')).toBe(45_000);
    expect(sceneIntervalFromQuery('1')).toBe(3_000);
    expect(sceneIntervalFromQuery('999999')).toBe(3_600_000);
    expect(sceneIntervalFromQuery('abc')).toBe(DEFAULT_SCENE_INTERVAL_MS);
    expect(sceneIntervalFromQuery('-5')).toBe(DEFAULT_SCENE_INTERVAL_MS);
    expect(sceneIntervalFromQuery(undefined)).toBe(DEFAULT_SCENE_INTERVAL_MS);
  });
});
