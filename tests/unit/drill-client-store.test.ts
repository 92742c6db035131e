// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAlarmStore } from '../../client/stores/alarms.js';
import { useDrillStore } from '../../client/stores/drills.js';
import type { DrillDetail } from '../../shared/drill.js';
import { drillAt, drillIso, drillStep, makeDrill, makeDrillAlarm } from '../../mocks/factories/drill.js';

function detail(overrides: Partial<DrillDetail> = {}): DrillDetail {
  return { drill: makeDrill(), alarm: makeDrillAlarm(), serverTime: drillIso(20), ...overrides };
}

describe('useDrillStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps the open drill live from the socket and runs its clock on the server time', () => {
    const sut = useDrillStore();
    sut.current = detail();
    // This screen's clock is 5 s behind the server's.
    sut.applyDetail(detail({ alarm: makeDrillAlarm([drillStep('ack', 'new', 'acknowledged', 12)]), serverTime: drillIso(20) }), drillAt(15));
    expect(sut.serverOffset).toBe(5_000);
    const score = sut.scoreAt(drillAt(25))!;
    expect(score.clockSeconds).toBe(30);
    expect(score.milestones[0]).toMatchObject({ phase: 'met', elapsedSeconds: 12 });
    expect(score.milestones[1]).toMatchObject({ phase: 'running', elapsedSeconds: 30 });
  });

  it('lists every drill it hears of, updating it in place, and ignores others for the open one', () => {
    const sut = useDrillStore();
    sut.applyDetail(detail());
    sut.applyDetail(detail({ drill: makeDrill({ id: 'D-2', schoolId: 'S0002' }) }));
    sut.applyDetail(detail({ drill: makeDrill({ state: 'ended', endedAt: drillIso(300), endedBy: '李敏' }) }));
    expect(sut.list.map((d) => [d.id, d.state])).toEqual([['D-2', 'running'], ['D-1', 'ended']]);
    expect(sut.current).toBeNull();
  });

  it('replays the reached milestones in order, clamped to them', () => {
    const sut = useDrillStore();
    sut.current = detail({
      drill: makeDrill({ state: 'ended', endedAt: drillIso(300), endedBy: '李敏' }),
      alarm: makeDrillAlarm([drillStep('ack', 'new', 'acknowledged', 12), drillStep('resolve', 'acknowledged', 'resolved', 200)]),
      serverTime: drillIso(400),
    });
    expect(sut.reached.map((e) => e.milestone)).toEqual(['initiated', 'acknowledged', 'handled', 'ended']);
    sut.replay(9);
    expect(sut.replayStep).toBe(3);
    sut.replay(-1);
    expect(sut.replayStep).toBe(0);
    sut.replay(null);
    expect(sut.replayStep).toBeNull();
  });

  it('never counts a drill alarm among the real open alarms the wall and kiosk figures show', () => {
    const alarms = useAlarmStore();
    alarms.applySnapshot({ seq: 2, alarms: [makeDrillAlarm(), { ...makeDrillAlarm(), id: 'A-REAL', drill: false, schoolId: 'S0002' }] });
    expect(alarms.realOpenAlarms.map((a) => a.id)).toEqual(['A-REAL']);
    expect(alarms.openCountByPriority[1]).toBe(1);
    expect(alarms.drillOpenCount).toBe(1);
    // The console's queue shows it apart: after every real alarm.
    expect(alarms.queue.map((a) => a.id)).toEqual(['A-REAL', 'A-DRILL-1']);
  });
});
