// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { computed } from 'vue';
import { CLOSED_ALARMS_KEPT, FRESH_FOR_MS, useAlarmStore } from '../../client/stores/alarms.js';
import { makeAlarm } from './helpers/alarm.js';

describe(useAlarmStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('applies changes in seq order and ignores a seq it has already applied', () => {
    const sut = useAlarmStore();
    expect(sut.applyChange({ seq: 5, alarm: makeAlarm({ id: 'A1', count: 1 }) })).toBe(true);
    expect(sut.applyChange({ seq: 5, alarm: makeAlarm({ id: 'A1', count: 9 }) })).toBe(false);
    expect(sut.applyChange({ seq: 4, alarm: makeAlarm({ id: 'A1', state: 'resolved' }) })).toBe(false);
    expect(sut.applyChange({ seq: 6, alarm: makeAlarm({ id: 'A1', count: 2 }) })).toBe(true);

    expect(sut.lastSeq).toBe(6);
    expect(sut.openAlarms.map((alarm) => [alarm.id, alarm.count])).toEqual([['A1', 2]]);
  });

  it('puts real alarms above drills, then the most urgent, then the newest', () => {
    const sut = useAlarmStore();
    const alarms = [
      makeAlarm({ id: 'old-sos', receivedAt: '2025-03-02T08:00:00Z' }),
      makeAlarm({ id: 'new-fault', type: 'camera_fault', priority: 4, receivedAt: '2025-03-02T08:05:00Z' }),
      makeAlarm({ id: 'drill-sos', drill: true, receivedAt: '2025-03-02T08:06:00Z' }),
      makeAlarm({ id: 'new-sos', receivedAt: '2025-03-02T08:04:00Z' }),
    ];
    alarms.forEach((alarm, index) => sut.applyChange({ seq: index + 1, alarm }));

    expect(sut.openAlarms.map((alarm) => alarm.id)).toEqual(['new-sos', 'old-sos', 'new-fault', 'drill-sos']);
    expect(sut.openCountByPriority).toEqual({ 1: 2, 2: 0, 3: 0, 4: 1 });
    expect(sut.drillOpenCount).toBe(1);
  });

  it('moves a closed alarm to the bounded closed list', () => {
    const sut = useAlarmStore();
    for (let seq = 1; seq <= CLOSED_ALARMS_KEPT + 5; seq += 1) {
      sut.applyChange({ seq, alarm: makeAlarm({ id: `A${seq}`, state: 'resolved', receivedAt: new Date(seq * 1000).toISOString() }) });
    }
    sut.applyChange({ seq: 100, alarm: makeAlarm({ id: 'B', state: 'new' }) });
    sut.applyChange({ seq: 101, alarm: makeAlarm({ id: 'B', state: 'false_alarm' }) });

    expect(sut.open.size).toBe(0);
    expect(sut.closed).toHaveLength(CLOSED_ALARMS_KEPT);
    expect(sut.closed.filter((alarm) => alarm.id === 'B')).toHaveLength(1);
  });

  it('flashes alarms that arrive live, not the history in a first snapshot', () => {
    const sut = useAlarmStore();
    sut.applySnapshot({ seq: 10, alarms: [makeAlarm({ id: 'history' })] }, 1_000);
    sut.applyChange({ seq: 11, alarm: makeAlarm({ id: 'arrived' }) }, 2_000);

    expect(sut.isFresh('history', 2_000)).toBe(false);
    expect(sut.isFresh('arrived', 2_000)).toBe(true);
    expect(sut.isFresh('arrived', 2_000 + FRESH_FOR_MS)).toBe(false);
  });

  it('takes a later snapshot whole and flashes the open alarms it had missed', () => {
    const sut = useAlarmStore();
    sut.applyChange({ seq: 3, alarm: makeAlarm({ id: 'seen' }) }, 0);
    sut.applySnapshot({ seq: 900, alarms: [makeAlarm({ id: 'seen' }), makeAlarm({ id: 'missed' })] }, 60_000);

    expect(sut.lastSeq).toBe(900);
    expect(sut.isFresh('missed', 60_000)).toBe(true);
    expect(sut.isFresh('seen', 60_000)).toBe(false);
    expect(sut.applyChange({ seq: 900, alarm: makeAlarm({ id: 'late' }) })).toBe(false);
  });

  it('keeps the newest closed alarms of a snapshot, once each, and none that is open in it', () => {
    const sut = useAlarmStore();
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 0, minute)).toISOString();
    const closedOnes = Array.from({ length: CLOSED_ALARMS_KEPT + 20 }, (_, i) => makeAlarm({ id: `C${i}`, state: 'resolved', receivedAt: at(i) }));
    const reopened = makeAlarm({ id: 'C5', state: 'new', receivedAt: at(5) });
    sut.applySnapshot({ seq: 7, alarms: [...closedOnes, reopened, makeAlarm({ id: 'O1', receivedAt: at(1) })] }, 1_000);

    expect([...sut.open.keys()].sort()).toEqual(['C5', 'O1']);
    expect(sut.closed).toHaveLength(CLOSED_ALARMS_KEPT);
    expect(sut.closed.map((alarm) => alarm.id)).toEqual(closedOnes.slice(-CLOSED_ALARMS_KEPT).reverse().map((alarm) => alarm.id));
    expect(sut.freshIds(1_000)).toEqual([]);
  });

  it('tells a reader of one alarm, and of the whole queue, when a snapshot brings or takes it', () => {
    const sut = useAlarmStore();
    const one = computed(() => sut.open.get('X')?.state ?? 'none');
    const count = computed(() => sut.queue.length);
    expect([one.value, count.value]).toEqual(['none', 0]);
    sut.applySnapshot({ seq: 1, alarms: [makeAlarm({ id: 'X' }), makeAlarm({ id: 'Y' })] });
    expect([one.value, count.value]).toEqual(['new', 2]);
    sut.applySnapshot({ seq: 2, alarms: [makeAlarm({ id: 'Y' })] });
    expect([one.value, count.value]).toEqual(['none', 1]);
  });

  it('names the fresh alarms without reading every open one', () => {
    const sut = useAlarmStore();
    sut.applySnapshot({ seq: 1, alarms: Array.from({ length: 500 }, (_, i) => makeAlarm({ id: `H${i}` })) }, 0);
    sut.applyChange({ seq: 2, alarm: makeAlarm({ id: 'N1' }) }, 10_000);
    sut.applyChange({ seq: 3, alarm: makeAlarm({ id: 'N2' }) }, 12_000);

    expect(sut.freshIds(12_000)).toEqual(['N1', 'N2']);
    expect(sut.freshIds(10_000 + FRESH_FOR_MS)).toEqual(['N2']);
    expect(sut.freshIds(12_000 + FRESH_FOR_MS)).toEqual([]);
  });

  it('goes live at the catch-up seq and stops being live on a disconnect', () => {
    const sut = useAlarmStore();
    sut.markLive(42);
    expect(sut.live).toBe(true);
    expect(sut.lastSeq).toBe(42);
    sut.markNotLive();
    expect(sut.live).toBe(false);
  });

  it('tells its listeners of each change it applied, with the alarm as it held it before, and of a snapshot; never of a duplicate, never after they let go', () => {
    const sut = useAlarmStore();
    const heard: [number, string, string | null][] = [];
    let snapshots = 0;
    const stopChanges = sut.onChange(({ seq, alarm, previous }) => heard.push([seq, alarm.state, previous?.state ?? null]));
    const stopSnapshots = sut.onSnapshot(() => snapshots++);

    sut.applyChange({ seq: 1, alarm: makeAlarm({ id: 'A1', state: 'new' }) });
    sut.applyChange({ seq: 1, alarm: makeAlarm({ id: 'A1', state: 'acknowledged' }) });
    sut.applyChange({ seq: 2, alarm: makeAlarm({ id: 'A1', state: 'resolved' }) });
    sut.applySnapshot({ seq: 3, alarms: [] });
    stopChanges();
    stopSnapshots();
    sut.applyChange({ seq: 4, alarm: makeAlarm({ id: 'A2' }) });
    sut.applySnapshot({ seq: 5, alarms: [] });

    expect(heard).toEqual([
      [1, 'new', null],
      [2, 'resolved', 'new'],
    ]);
    expect(snapshots).toBe(1);
  });
});
