// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAlarmStore } from '../../client/stores/alarms.js';
import { useDrillStore } from '../../client/stores/drills.js';
import { useKioskSceneStore } from '../../client/stores/kioskScenes.js';
import { useKioskTickerStore } from '../../client/stores/kioskTicker.js';
import type { Alarm } from '../../shared/domain/index.js';
import { makeDrill } from '../../mocks/factories/drill.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');

function makeAlarm(overrides: Partial<Alarm> = {}): Alarm {
  const at = new Date(NOW).toISOString();
  return {
    id: 'A1', type: 'sos', priority: 1, state: 'new', schoolId: 'S0007', deviceId: 'SOS-S0007-1', districtCode: '410402',
    openedAt: at, receivedAt: at, updatedAt: at, count: 1, lastSeenAt: at, drill: false, unitId: null, disposition: null, transitions: [],
    ...overrides,
  };
}

describe(useKioskSceneStore.name, () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers({ now: NOW });
    // The drill list is read at start; here the server is not there (the store keeps its empty list).
    vi.stubGlobal('fetch', () => Promise.reject(new Error('offline')));
    // The screen is live: the playlist waits for that (see 'holds its first scene…').
    useAlarmStore().markLive(0);
  });
  afterEach(() => {
    useKioskSceneStore().stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('rotates on its interval with the page clock, and stops when paused', () => {
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 10_000 });
    expect(sut.scene.kind).toBe('overview');
    vi.advanceTimersByTime(10_000);
    expect(sut.scene.kind).toBe('district');
    sut.pause();
    vi.advanceTimersByTime(60_000);
    expect(sut.scene.kind).toBe('district');
    sut.resume();
    expect(sut.scene.kind).toBe('health');
  });

  it('a live SOS through the alarm store pins its school and tops the ticker; a drill alarm does neither pin', () => {
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 10_000, alarmPinMs: 30_000 });
    const alarms = useAlarmStore();
    alarms.applyChange({ seq: 1, alarm: makeAlarm({ id: 'D1', drill: true }) });
    expect(sut.scene.kind).toBe('overview');
    alarms.applyChange({ seq: 2, alarm: makeAlarm() });
    expect(sut.scene).toMatchObject({ kind: 'alarm', alarmId: 'A1', schoolId: 'S0007' });
    expect(useKioskTickerStore().slots.map((row) => row?.alarmId ?? null)).toEqual(['A1', 'D1', null, null, null]);
    vi.advanceTimersByTime(30_000);
    expect(sut.scene.kind).toBe('overview');
  });

  it('an old alarm replayed after a reconnect does not pin (its pin would be over), and a duplicate seq changes nothing', () => {
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 10_000, alarmPinMs: 30_000 });
    const alarms = useAlarmStore();
    alarms.applyChange({ seq: 5, alarm: makeAlarm({ receivedAt: new Date(NOW - 60_000).toISOString() }) });
    expect(sut.scene.kind).toBe('overview');
    alarms.applyChange({ seq: 5, alarm: makeAlarm({ id: 'A9' }) });
    expect(sut.scene.kind).toBe('overview');
    expect(useKioskTickerStore().slots[0]?.alarmId).toBe('A1');
  });

  it('a running drill pins its school until it ends, then the rotation resumes', () => {
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 10_000 });
    const drills = useDrillStore();
    drills.applyDetail({ drill: makeDrill({ id: 'D-7', schoolId: 'S0042', state: 'running' }), alarm: null, serverTime: new Date(NOW).toISOString() });
    expect(sut.scene).toEqual({ kind: 'drill', drillId: 'D-7', schoolId: 'S0042' });
    vi.advanceTimersByTime(120_000);
    expect(sut.scene.kind).toBe('drill');
    drills.applyDetail({ drill: makeDrill({ id: 'D-7', schoolId: 'S0042', state: 'ended' }), alarm: null, serverTime: new Date(NOW).toISOString() });
    expect(sut.scene.kind).toBe('overview');
  });

  it('holds its first scene until the screen first goes live, then gives it its whole interval; a later disconnect does not stop it', () => {
    const alarms = useAlarmStore();
    alarms.markNotLive();
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 3_000 });
    // A slow connection: half a minute without data, and no tour of empty scenes meanwhile.
    vi.advanceTimersByTime(30_000);
    expect(sut.scene.kind).toBe('overview');
    alarms.markLive(5);
    vi.advanceTimersByTime(2_000);
    expect(sut.scene.kind).toBe('overview');
    vi.advanceTimersByTime(1_000);
    expect(sut.scene.kind).toBe('district');
    alarms.markNotLive();
    vi.advanceTimersByTime(3_000);
    expect(sut.scene.kind).toBe('health');
    // Hidden and shown again before it ever went live: still holding.
    sut.stop();
    const again = useKioskSceneStore();
    again.start({ intervalMs: 3_000 });
    again.pause();
    again.resume();
    vi.advanceTimersByTime(10_000);
    expect(again.scene.kind).toBe('overview');
  });

  it('lets go of the alarm store on stop', () => {
    const sut = useKioskSceneStore();
    sut.start({ intervalMs: 10_000 });
    sut.stop();
    useAlarmStore().applyChange({ seq: 1, alarm: makeAlarm() });
    expect(sut.scene.kind).toBe('overview');
    expect(useKioskTickerStore().slots[0]).toBeNull();
  });
});
