import { describe, expect, it } from 'vitest';
import { ALARM_PRIORITY, ALARM_TYPES } from '../../shared/domain/index.js';
import { cameraFigure, drillsUnderway, postsDue, realOpenByPriority, schoolStatusCause, schoolStatusFrom } from '../../shared/figures.js';
import { averageText } from '../../client/averages.js';
import { buildMatrix } from '../../server/services/compliance-matrix.js';
import { makeAlarm } from './helpers/alarm.js';

describe(schoolStatusCause.name, () => {
  it('counts a 护学岗 缺岗 or an access anomaly as a minor alarm, never as a device fault', () => {
    expect(schoolStatusCause(makeAlarm({ id: 'a', type: 'post_absent', priority: ALARM_PRIORITY.post_absent }))).toBe('warnings');
    expect(schoolStatusCause(makeAlarm({ id: 'b', type: 'access_anomaly', priority: ALARM_PRIORITY.access_anomaly }))).toBe('warnings');
  });

  it("counts a camera's own fault report as a device fault", () => {
    expect(schoolStatusCause(makeAlarm({ id: 'c', type: 'camera_fault', priority: ALARM_PRIORITY.camera_fault }))).toBe('faults');
  });

  it('counts SOS and intrusion as alarms, and any drill alarm as a drill whatever its type', () => {
    expect(schoolStatusCause(makeAlarm({ id: 'd', type: 'sos', priority: 1 }))).toBe('alarms');
    expect(schoolStatusCause(makeAlarm({ id: 'e', type: 'intrusion', priority: 2 }))).toBe('alarms');
    for (const type of ALARM_TYPES) expect(schoolStatusCause(makeAlarm({ id: type, type, priority: ALARM_PRIORITY[type], drill: true }))).toBe('drills');
  });
});

describe(schoolStatusFrom.name, () => {
  const none = { alarms: 0, drills: 0, warnings: 0, faults: 0 };
  it('takes the most severe cause present: alarm, drill, minor alarm, device fault', () => {
    expect(schoolStatusFrom(none)).toBe('normal');
    expect(schoolStatusFrom({ ...none, faults: 3 })).toBe('fault');
    expect(schoolStatusFrom({ ...none, faults: 3, warnings: 1 })).toBe('warning');
    expect(schoolStatusFrom({ ...none, faults: 3, warnings: 1, drills: 1 })).toBe('drill');
    expect(schoolStatusFrom({ alarms: 1, drills: 1, warnings: 1, faults: 1 })).toBe('alarm');
  });
});

describe(drillsUnderway.name, () => {
  it('counts schools running a drill, not the drill alarms they raise', () => {
    const alarms = [
      makeAlarm({ id: '1', drill: true, schoolId: 'S0001' }),
      makeAlarm({ id: '2', drill: true, schoolId: 'S0001', type: 'intrusion', priority: 2 }),
      makeAlarm({ id: '3', drill: true, schoolId: 'S0002' }),
      makeAlarm({ id: '4', drill: false, schoolId: 'S0003' }),
    ];
    expect(drillsUnderway(alarms)).toBe(2);
    expect(drillsUnderway([])).toBe(0);
  });
});

describe(realOpenByPriority.name, () => {
  it('never counts a drill alarm among the real ones', () => {
    const alarms = [makeAlarm({ id: '1' }), makeAlarm({ id: '2', drill: true }), makeAlarm({ id: '3', priority: 3, type: 'post_absent' })];
    expect(realOpenByPriority(alarms)).toEqual({ 1: 1, 2: 0, 3: 1, 4: 0 });
  });
});

describe(cameraFigure.name, () => {
  it('rounds the online share down, so 6 cameras down of 25,981 never reads 100.0 %', () => {
    expect(cameraFigure({ total: 25_981, online: 25_975, offline: 4, fault: 2 })).toEqual({ onlinePercent: 99.9, down: 6, total: 25_981 });
    expect(cameraFigure({ total: 10, online: 10, offline: 0, fault: 0 }).onlinePercent).toBe(100);
  });

  it('has no share without cameras', () => {
    expect(cameraFigure(null)).toEqual({ onlinePercent: null, down: 0, total: 0 });
    expect(cameraFigure({ total: 0, online: 0, offline: 0, fault: 0 }).onlinePercent).toBeNull();
  });
});

describe(postsDue.name, () => {
  it('counts the posts whose window is running: on duty, late and absent, not off hours', () => {
    expect(postsDue({ on_duty: 250, late: 12, absent: 3, off_hours: 8 })).toBe(265);
  });
});

describe(averageText.name, () => {
  const t = (key: string, values: Record<string, unknown>): string => `${key}:${JSON.stringify(values)}`;
  it('shows an average with the number of alarms it rests on', () => {
    expect(averageText({ meanSeconds: 42.4, count: 12 }, t, 'zh-CN')).toBe('tally.average:{"value":"0:42","count":"12"}');
  });

  it('shows no average without samples', () => {
    expect(averageText({ meanSeconds: null, count: 0 }, t, 'zh-CN')).toBe('tally.averageNone:{}');
    expect(averageText(null, t, 'en')).toBe('tally.averageNone:{}');
  });
});

describe(buildMatrix.name, () => {
  it("names a one-district matrix's total after the district, never 全市合计", () => {
    expect(buildMatrix([], new Map(), '2026-12-07', { districtCode: '410402' }).total.name).toBe('新华区合计');
    expect(buildMatrix([], new Map(), '2026-12-07', {}).total.name).toBe('全市合计');
  });
});
