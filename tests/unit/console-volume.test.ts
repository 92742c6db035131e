// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { autoSelection, FLASH_AT_MOST, isBulkable, noFilters, partitionQueue, passesFilters, rowsMayFlash } from '../../client/console-queue.js';
import { compareForQueue, useAlarmStore } from '../../client/stores/alarms.js';
import { useConsoleStore } from '../../client/stores/console.js';
import { useConsoleQueueStore } from '../../client/stores/consoleQueue.js';
import { useShelfStore } from '../../client/stores/shelves.js';
import { nextTask } from '../../client/reactive-bulk.js';
import type { Shelf } from '../../shared/console.js';
import { isShelvedAlarm, shelvingDecision } from '../../shared/rules/shelving.js';
import { makeAlarm } from './helpers/alarm.js';

const camera = (id: string, extra: Partial<Parameters<typeof makeAlarm>[0]> = {}) =>
  makeAlarm({ id, type: 'camera_fault', priority: 4, deviceId: `CAM-${id}`, ...extra });

const shelf = (deviceId: string): Shelf => ({
  id: `shelf-${deviceId}`,
  deviceId,
  schoolId: 'S0001',
  districtCode: '410402',
  reason: 'flapping link',
  shelvedBy: '值班员甲',
  shelvedAt: '2025-03-02T08:00:00.000Z',
  until: '2025-03-02T09:00:00.000Z',
});

describe(partitionQueue.name, () => {
  it('puts real alarms, drills and shelved devices’ P3/P4 alarms in their own tabs, each in queue order', () => {
    const queue = [
      makeAlarm({ id: 'sos', receivedAt: '2025-03-02T08:01:00Z' }),
      makeAlarm({ id: 'sos-of-shelved-device', deviceId: 'CAM-shelved' }),
      camera('shelved'),
      camera('other'),
      makeAlarm({ id: 'drill', drill: true }),
      camera('shelved-drill', { drill: true, deviceId: 'CAM-shelved' }),
    ].sort(compareForQueue);
    const sut = partitionQueue(queue, new Set(['CAM-shelved']));
    expect(sut.alarms.map((a) => a.id)).toEqual(['sos-of-shelved-device', 'sos', 'other']);
    expect(sut.drills.map((a) => a.id)).toEqual(['drill', 'shelved-drill']);
    expect(sut.shelved.map((a) => a.id)).toEqual(['shelved']);
  });

  it('keeps 300 real alarms and a drill apart: the drill never sinks below them', () => {
    const queue = [...Array.from({ length: 300 }, (_, i) => camera(`c${i}`)), makeAlarm({ id: 'drill', drill: true })].sort(compareForQueue);
    const sut = partitionQueue(queue, new Set());
    expect(sut.alarms).toHaveLength(300);
    expect(sut.drills.map((a) => a.id)).toEqual(['drill']);
  });
});

describe(passesFilters.name, () => {
  it('matches any value of a filter left empty, and only the chosen ones otherwise', () => {
    const alarm = camera('x', { districtCode: '410403' });
    expect(passesFilters(alarm, noFilters())).toBe(true);
    expect(passesFilters(alarm, { ...noFilters(), priorities: [3, 4] })).toBe(true);
    expect(passesFilters(alarm, { ...noFilters(), priorities: [1] })).toBe(false);
    expect(passesFilters(alarm, { ...noFilters(), types: ['camera_fault'] })).toBe(true);
    expect(passesFilters(alarm, { ...noFilters(), types: ['sos'] })).toBe(false);
    expect(passesFilters(alarm, { ...noFilters(), districtCode: '410402' })).toBe(false);
  });
});

describe(isBulkable.name, () => {
  it('takes real open P3/P4 alarms only', () => {
    expect(isBulkable(camera('c'))).toBe(true);
    expect(isBulkable(makeAlarm({ id: 'post', type: 'post_absent', priority: 3 }))).toBe(true);
    expect(isBulkable(makeAlarm({ id: 'sos' }))).toBe(false);
    expect(isBulkable(makeAlarm({ id: 'intrusion', type: 'intrusion', priority: 2 }))).toBe(false);
    expect(isBulkable(camera('drill', { drill: true }))).toBe(false);
    expect(isBulkable(camera('closed', { state: 'resolved' }))).toBe(false);
  });
});

describe(autoSelection.name, () => {
  const older = makeAlarm({ id: 'older', receivedAt: '2025-03-02T08:00:00Z' });
  const newer = makeAlarm({ id: 'newer', receivedAt: '2025-03-02T08:00:05Z' });

  it('picks the newest real P1 awaiting acknowledgement when nothing is selected', () => {
    const acked = makeAlarm({ id: 'acked', state: 'acknowledged', receivedAt: '2025-03-02T08:09:00Z' });
    const drill = makeAlarm({ id: 'drill', drill: true, receivedAt: '2025-03-02T08:09:00Z' });
    const intrusion = makeAlarm({ id: 'p2', type: 'intrusion', priority: 2, receivedAt: '2025-03-02T08:09:00Z' });
    expect(autoSelection([older, newer, acked, drill, intrusion], null)?.id).toBe('newer');
  });

  it('keeps a selection while its alarm is open, and a closed one until a P1 arrives after it closed', () => {
    const selected = camera('mine');
    expect(autoSelection([older, newer, selected], selected)).toBeNull();
    const closedBefore = { ...selected, state: 'resolved' as const, updatedAt: '2025-03-02T08:00:03Z' };
    expect(autoSelection([older, newer], closedBefore)?.id).toBe('newer');
    const closedAfter = { ...selected, state: 'resolved' as const, updatedAt: '2025-03-02T08:00:09Z' };
    expect(autoSelection([older, newer], closedAfter)).toBeNull();
  });

  it('selects nothing when no P1 waits', () => {
    expect(autoSelection([camera('c')], null)).toBeNull();
  });
});

describe(rowsMayFlash.name, () => {
  const shown = new Set(Array.from({ length: 2_000 }, (_, i) => `A${i}`));
  const fresh = (count: number, prefix = 'A') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

  it(`lets up to ${FLASH_AT_MOST} fresh rows among those shown flash, and none in a flood`, () => {
    expect(rowsMayFlash([], shown)).toBe(true);
    expect(rowsMayFlash(fresh(FLASH_AT_MOST), shown)).toBe(true);
    expect(rowsMayFlash(fresh(FLASH_AT_MOST + 1), shown)).toBe(false);
  });

  it('counts only the fresh alarms in the rows shown (another tab, or filtered out, does not count)', () => {
    expect(rowsMayFlash([...fresh(FLASH_AT_MOST), ...fresh(50, 'D')], shown)).toBe(true);
  });
});

describe(shelvingDecision.name, () => {
  it('shelves cameras, 护学岗 terminals and doors, never an SOS button or an intrusion sensor, and says why', () => {
    expect(shelvingDecision('camera').ok).toBe(true);
    expect(shelvingDecision('post').ok).toBe(true);
    const sos = shelvingDecision('sos');
    expect(sos).toMatchObject({ ok: false, message: { zh: expect.stringContaining('不可搁置') } });
    expect(shelvingDecision('intrusion').ok).toBe(false);
  });

  it('never hides a P1/P2 or a drill alarm of a shelved device', () => {
    const shelved = new Set(['D']);
    expect(isShelvedAlarm({ deviceId: 'D', priority: 4, drill: false }, shelved)).toBe(true);
    expect(isShelvedAlarm({ deviceId: 'D', priority: 2, drill: false }, shelved)).toBe(false);
    expect(isShelvedAlarm({ deviceId: 'D', priority: 3, drill: true }, shelved)).toBe(false);
  });
});

describe(useConsoleQueueStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('counts every tab, filters the shown one, and ticks "all shown" P3/P4 only', () => {
    const alarms = useAlarmStore();
    const shelves = useShelfStore();
    const sut = useConsoleQueueStore();
    let seq = 0;
    for (let i = 0; i < 150; i++) alarms.applyChange({ seq: ++seq, alarm: camera(`c${i}`, { districtCode: i % 2 ? '410402' : '410403' }) });
    for (let i = 0; i < 150; i++) alarms.applyChange({ seq: ++seq, alarm: makeAlarm({ id: `s${i}`, deviceId: `SOS-${i}` }) });
    alarms.applyChange({ seq: seq + 1, alarm: makeAlarm({ id: 'drill', drill: true }) });
    shelves.applySnapshot([shelf('CAM-c0')]);

    expect(sut.counts).toEqual({ alarms: 299, drills: 1, shelved: 1 });
    expect(sut.shown).toHaveLength(299);
    sut.filters.priorities = [4];
    sut.filters.districtCode = '410402';
    expect(sut.shown).toHaveLength(75);
    sut.checkAllShown();
    expect(sut.checkedAlarms).toHaveLength(75);

    sut.clearFilters();
    sut.checkAllShown();
    expect(sut.checkedAlarms).toHaveLength(149); // the SOS alarms are never ticked
    sut.tab = 'drills';
    expect(sut.shown.map((a) => a.id)).toEqual(['drill']);

    shelves.applyChange({ shelf: shelf('CAM-c0'), ended: { at: '2025-03-02T09:00:00.000Z', by: 'system', reason: 'expired', note: null } });
    expect(sut.counts.shelved).toBe(0);
    expect(sut.counts.alarms).toBe(300);
  });
});

describe('the console queue after a snapshot', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows a snapshot’s alarms in the task after the snapshot’s own, and a single change at once', async () => {
    const alarms = useAlarmStore();
    const sut = useConsoleQueueStore();
    alarms.applyChange({ seq: 1, alarm: camera('c0') });
    expect(sut.counts).toEqual({ alarms: 1, drills: 0, shelved: 0 });

    alarms.applySnapshot({ seq: 5, alarms: [makeAlarm({ id: 's1' }), makeAlarm({ id: 's2' }), makeAlarm({ id: 'd1', drill: true })] });
    // The snapshot's task: the alarm store has them, the queue not yet.
    expect(alarms.queue).toHaveLength(3);
    expect(sut.counts).toEqual({ alarms: 1, drills: 0, shelved: 0 });
    expect(sut.shown.map((alarm) => alarm.id)).toEqual(['c0']);
    await nextTask();
    expect(sut.counts).toEqual({ alarms: 2, drills: 1, shelved: 0 });
    expect(sut.shown.map((alarm) => alarm.id).sort()).toEqual(['s1', 's2']);

    alarms.applyChange({ seq: 6, alarm: makeAlarm({ id: 's3' }) });
    expect(sut.counts.alarms).toBe(3);
  });
});

describe('console auto-selection', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('selects the newest unacknowledged P1 when nothing is selected, and keeps the operator’s choice', () => {
    const alarms = useAlarmStore();
    const sut = useConsoleStore();
    alarms.applyChange({ seq: 1, alarm: camera('c') });
    sut.selectIfNone();
    expect(sut.selectedId).toBeNull();
    alarms.applyChange({ seq: 2, alarm: makeAlarm({ id: 'p1', receivedAt: '2025-03-02T08:00:00Z' }) });
    sut.selectIfNone();
    expect(sut.selectedId).toBe('p1');
    sut.select(camera('c'));
    alarms.applyChange({ seq: 3, alarm: makeAlarm({ id: 'p1-newer', receivedAt: '2025-03-02T08:01:00Z' }) });
    sut.selectIfNone();
    expect(sut.selectedId).toBe('c');
  });
});
