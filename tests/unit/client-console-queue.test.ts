// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { needsSound, useAlertSoundStore } from '../../client/stores/alertSound.js';
import { compareForQueue, useAlarmStore } from '../../client/stores/alarms.js';
import { makeAlarm } from './helpers/alarm.js';

describe(compareForQueue.name, () => {
  it('puts priority first, then the longest waiting first, and drills below every real alarm', () => {
    const alarms = [
      makeAlarm({ id: 'camera-old', type: 'camera_fault', priority: 4, receivedAt: '2025-03-02T07:00:00Z' }),
      makeAlarm({ id: 'sos-new', receivedAt: '2025-03-02T08:05:00Z' }),
      makeAlarm({ id: 'drill-sos-old', drill: true, receivedAt: '2025-03-02T07:30:00Z' }),
      makeAlarm({ id: 'intrusion', type: 'intrusion', priority: 2, receivedAt: '2025-03-02T07:10:00Z' }),
      makeAlarm({ id: 'sos-old', receivedAt: '2025-03-02T08:01:00Z' }),
      makeAlarm({ id: 'drill-intrusion', type: 'intrusion', priority: 2, drill: true, receivedAt: '2025-03-02T07:00:00Z' }),
    ];
    const sut = [...alarms].sort(compareForQueue);
    expect(sut.map((alarm) => alarm.id)).toEqual(['sos-old', 'sos-new', 'intrusion', 'camera-old', 'drill-sos-old', 'drill-intrusion']);
  });

  it('orders alarms received at the same instant by id, so the queue never shuffles', () => {
    const a = makeAlarm({ id: 'A' });
    const b = makeAlarm({ id: 'B' });
    expect([b, a].sort(compareForQueue).map((alarm) => alarm.id)).toEqual(['A', 'B']);
    expect(compareForQueue(a, a)).toBe(0);
  });
});

describe(useAlarmStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps the queue in working order as alarms arrive and close', () => {
    const sut = useAlarmStore();
    sut.applyChange({ seq: 1, alarm: makeAlarm({ id: 'late-intrusion', type: 'intrusion', priority: 2, receivedAt: '2025-03-02T08:00:00Z' }) });
    sut.applyChange({ seq: 2, alarm: makeAlarm({ id: 'sos', receivedAt: '2025-03-02T08:02:00Z' }) });
    sut.applyChange({ seq: 3, alarm: makeAlarm({ id: 'early-intrusion', type: 'intrusion', priority: 2, receivedAt: '2025-03-02T07:59:00Z' }) });
    expect(sut.queue.map((alarm) => alarm.id)).toEqual(['sos', 'early-intrusion', 'late-intrusion']);

    sut.applyChange({ seq: 4, alarm: makeAlarm({ id: 'sos', state: 'resolved', receivedAt: '2025-03-02T08:02:00Z' }) });
    expect(sut.queue.map((alarm) => alarm.id)).toEqual(['early-intrusion', 'late-intrusion']);
    expect(sut.find('sos')?.state).toBe('resolved');
  });
});

describe(useAlertSoundStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('calls for sound only for real, unacknowledged priority 1–2 alarms', () => {
    expect(needsSound(makeAlarm({ id: 'sos' }))).toBe(true);
    expect(needsSound(makeAlarm({ id: 'intrusion', type: 'intrusion', priority: 2 }))).toBe(true);
    expect(needsSound(makeAlarm({ id: 'acknowledged', state: 'acknowledged' }))).toBe(false);
    expect(needsSound(makeAlarm({ id: 'drill', drill: true }))).toBe(false);
    expect(needsSound(makeAlarm({ id: 'camera', type: 'camera_fault', priority: 4 }))).toBe(false);

    const alarms = useAlarmStore();
    const sut = useAlertSoundStore();
    alarms.applyChange({ seq: 1, alarm: makeAlarm({ id: 'drill', drill: true }) });
    alarms.applyChange({ seq: 2, alarm: makeAlarm({ id: 'intrusion', type: 'intrusion', priority: 2 }) });
    expect(sut.calling.map((alarm) => alarm.id)).toEqual(['intrusion']);
    alarms.applyChange({ seq: 3, alarm: makeAlarm({ id: 'intrusion', type: 'intrusion', priority: 2, state: 'acknowledged' }) });
    expect(sut.calling).toEqual([]);
  });
});
