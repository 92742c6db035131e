import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';
import { alarmLoad, shanghaiDate } from '../../shared/rules/alarm-load.js';

const T0 = Date.parse('2026-11-29T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

let next = 0;
function alarm(receivedSecond: number, overrides: Partial<Alarm> = {}, steps: [string, number][] = []): Alarm {
  const transitions: AlarmTransition[] = steps.map(([action, second]) => ({ action, from: 'new', to: 'acknowledged', actor: 'op', at: at(second), note: null }));
  return {
    id: `A${next++}`, type: 'intrusion', priority: 2, state: 'resolved', schoolId: 'S0001', deviceId: 'INT-S0001-1', districtCode: '410402',
    openedAt: at(receivedSecond), receivedAt: at(receivedSecond), updatedAt: at(receivedSecond), lastSeenAt: at(receivedSecond),
    count: 1, drill: false, unitId: null, disposition: null, transitions, ...overrides,
  };
}

describe(alarmLoad.name, () => {
  const window = { from: at(0), to: at(3600), operators: 2 };

  it('gives mean and nearest-rank 90th percentile of the times to acknowledge and to be on scene', () => {
    const alarms = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((ackAfter, i) =>
      alarm(i * 60, { deviceId: `D${i}` }, [['ack', i * 60 + ackAfter], ['arrive', i * 60 + ackAfter + 120]]),
    );
    const sut = alarmLoad({ alarms, ...window });
    expect(sut.toAcknowledge).toEqual({ count: 10, meanSeconds: 55, p90Seconds: 90 });
    expect(sut.toOnScene).toEqual({ count: 10, meanSeconds: 175, p90Seconds: 210 });
    expect(sut.onSceneByUnit).toBe(0);
  });

  it('counts a unit’s own arrival (its phone’s 到场) from the time the unit took it, and says how many arrivals the units reported', () => {
    const byUnit = alarm(0, { deviceId: 'U1', unitId: 'P001' }, [['ack', 20]]);
    // Taken on the phone at +150 s, reaching the server (recordedAt) only at +900 s from its offline queue.
    byUnit.transitions.push({ action: 'arrive', from: 'dispatched', to: 'on_scene', actor: '张警官', at: at(150), note: null, field: { unitId: 'P001', requestId: 'r1', recordedAt: at(900), distanceM: 40 } });
    const byOperator = alarm(60, { deviceId: 'U2' }, [['ack', 80], ['arrive', 60 + 250]]);
    const sut = alarmLoad({ alarms: [byUnit, byOperator], ...window });
    expect(sut.toOnScene).toEqual({ count: 2, meanSeconds: 200, p90Seconds: 250 });
    expect(sut.onSceneByUnit).toBe(1);
    expect(sut.byDistrict[0]?.onSceneByUnit).toBe(1);
  });

  it('reports response times of the 1-3-5 priorities only (P1/P2): a P3 acknowledged in its 10 minutes or a P4 does not count', () => {
    const alarms = [
      alarm(0, { deviceId: 'SOS', priority: 1, type: 'sos' }, [['ack', 30]]),
      alarm(60, { deviceId: 'INT', priority: 2 }, [['ack', 110]]),
      alarm(120, { deviceId: 'POST', priority: 3, type: 'post_absent' }, [['ack', 600]]),
      alarm(180, { deviceId: 'CAM', priority: 4, type: 'camera_fault' }, [['ack', 3000]]),
    ];
    const sut = alarmLoad({ alarms, ...window });
    expect(sut.alarms).toBe(4);
    expect(sut.toAcknowledge).toEqual({ count: 2, meanSeconds: 40, p90Seconds: 50 });
    expect(sut.byDistrict[0]?.toAcknowledge.count).toBe(2);
  });

  it('finds a flood (more than 10 alarms in 10 minutes) and the load per operator', () => {
    const flood = Array.from({ length: 11 }, (_, i) => alarm(600 + i * 10, { deviceId: `F${i}` }));
    const sut = alarmLoad({ alarms: [...flood, alarm(3000, { deviceId: 'X' })], ...window });
    expect(sut.floods).toEqual([{ start: at(600), alarms: 11 }]);
    expect(sut.perOperatorPer10Min).toEqual({ average: 1, peak: 5.5 });
    expect(sut.alarms).toBe(12);
  });

  it('counts stale open alarms, chattering sources and the priority mix, never drills', () => {
    const sut = alarmLoad({
      alarms: [
        alarm(-90_000, { state: 'new' }),
        alarm(100, { count: 7, deviceId: 'CHATTY' }),
        alarm(200, { priority: 1, type: 'sos', deviceId: 'SOS' }),
        alarm(300, { drill: true, priority: 1, count: 50, deviceId: 'DRILL' }),
      ],
      ...window,
    });
    expect(sut.stale).toBe(1);
    expect(sut.chattering).toEqual([{ deviceId: 'CHATTY', schoolId: 'S0001', activations: 7 }]);
    expect(sut.priorityMix).toEqual({ 1: 1, 2: 1, 3: 0, 4: 0 });
    expect(sut.alarms).toBe(2);
  });

  it('slices by Asia/Shanghai day and by district', () => {
    const sut = alarmLoad({
      alarms: [alarm(100), alarm(16 * 3600 + 10, { districtCode: '410422' })],
      from: at(0),
      to: at(20 * 3600),
      operators: 1,
    });
    expect(sut.byDay.map((d) => [d.key, d.alarms])).toEqual([['2026-11-29', 1], ['2026-11-30', 1]]);
    expect(sut.byDistrict.map((d) => [d.key, d.alarms])).toEqual([['410402', 1], ['410422', 1]]);
    expect(shanghaiDate('2026-11-29T15:59:59Z')).toBe('2026-11-29');
    expect(shanghaiDate('2026-11-29T16:00:00Z')).toBe('2026-11-30');
  });
});
