// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { RingBuffer, TICKER_ROWS, useKioskTickerStore } from '../../client/stores/kioskTicker.js';
import type { Alarm } from '../../shared/domain/index.js';

function makeAlarm(n: number, overrides: Partial<Alarm> = {}): Alarm {
  const at = new Date(Date.parse('2026-03-02T08:00:00Z') + n * 1000).toISOString();
  return {
    id: `A${n}`, type: 'sos', priority: 1, state: 'new', schoolId: `S${n}`, deviceId: `SOS-S${n}-1`, districtCode: '410402',
    openedAt: at, receivedAt: at, updatedAt: at, count: 1, lastSeenAt: at, drill: false, unitId: null, disposition: null, transitions: [],
    ...overrides,
  };
}

describe(RingBuffer.name, () => {
  it('keeps at most its capacity, newest first, overwriting the oldest', () => {
    const sut = new RingBuffer<number>(3);
    expect(sut.newestFirst()).toEqual([]);
    expect(sut.push(1)).toBeUndefined();
    sut.push(2);
    sut.push(3);
    expect(sut.push(4)).toBe(1);
    expect(sut.newestFirst()).toEqual([4, 3, 2]);
    for (let i = 5; i < 10_000; i += 1) sut.push(i);
    expect(sut.size).toBe(3);
    expect(sut.newestFirst()).toEqual([9_999, 9_998, 9_997]);
  });

  it('replaces in place, keeping the item’s age', () => {
    const sut = new RingBuffer<{ id: string; v: number }>(3);
    sut.push({ id: 'a', v: 1 });
    sut.push({ id: 'b', v: 1 });
    expect(sut.replace((item) => item.id === 'a', { id: 'a', v: 2 })).toBe(true);
    expect(sut.replace((item) => item.id === 'z', { id: 'z', v: 2 })).toBe(false);
    expect(sut.newestFirst()).toEqual([{ id: 'b', v: 1 }, { id: 'a', v: 2 }]);
  });

  it('refuses a capacity that is not a whole number ≥ 1', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });
});

describe(useKioskTickerStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('always shows exactly TICKER_ROWS slots, however many alarms went through', () => {
    const sut = useKioskTickerStore();
    expect(sut.slots).toHaveLength(TICKER_ROWS);
    expect(sut.slots.every((slot) => slot === null)).toBe(true);
    for (let n = 1; n <= 5_000; n += 1) sut.record(makeAlarm(n));
    expect(sut.slots).toHaveLength(TICKER_ROWS);
    expect(sut.slots.map((row) => row?.alarmId)).toEqual(['A5000', 'A4999', 'A4998', 'A4997', 'A4996']);
  });

  it('updates an alarm already shown in its row instead of adding one', () => {
    const sut = useKioskTickerStore();
    sut.record(makeAlarm(1));
    sut.record(makeAlarm(2));
    sut.record(makeAlarm(1, { state: 'acknowledged', count: 3 }));
    expect(sut.slots.map((row) => row?.alarmId ?? null)).toEqual(['A2', 'A1', null, null, null]);
    expect(sut.slots[1]).toMatchObject({ state: 'acknowledged', count: 3 });
  });

  it('keeps a small copy of the alarm, not its transitions', () => {
    const sut = useKioskTickerStore();
    sut.record(makeAlarm(1, { transitions: [{ action: 'raise', from: null, to: 'new', actor: 'device:x', at: '2026-03-02T08:00:00Z', note: null }] }));
    expect(sut.slots[0]).not.toHaveProperty('transitions');
  });

  it('resets from a snapshot to its latest alarms, newest on top', () => {
    const sut = useKioskTickerStore();
    sut.record(makeAlarm(999));
    sut.reset([3, 9, 1, 7, 5, 8, 2].map((n) => makeAlarm(n)));
    expect(sut.slots.map((row) => row?.alarmId)).toEqual(['A9', 'A8', 'A7', 'A5', 'A3']);
  });
});
