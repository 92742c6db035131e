import { describe, expect, it } from 'vitest';
import { DEFAULT_SEMESTERS } from '../../shared/rules/compliance/types.js';
import { alarmAnalytics, analyticsWindow, hourWindows, NUISANCE_LIMIT, presetRange, type AlarmFact, type AnalyticsWindow } from '../../shared/rules/alarm-analytics.js';

/** A closed real alarm received at `receivedAt`; overrides for the rest. */
function fact(receivedAt: string, overrides: Partial<AlarmFact> = {}): AlarmFact {
  return { type: 'intrusion', state: 'resolved', districtCode: '410402', schoolId: 'S0001', deviceId: 'INT-S0001-1', receivedAt, drill: false, ...overrides };
}

function windowOf(from: string, to: string): AnalyticsWindow {
  const answer = analyticsWindow(from, to);
  if (!answer.ok) throw new Error(`refused ${from}–${to}`);
  return answer.window;
}

describe(analyticsWindow.name, () => {
  it('spans whole Asia/Shanghai days: from 00:00 +08:00 to the next midnight after `to`', () => {
    expect(windowOf('2026-03-02', '2026-03-08')).toEqual({ from: '2026-03-02', to: '2026-03-08', since: '2026-03-01T16:00:00.000Z', until: '2026-03-08T16:00:00.000Z' });
  });

  it('takes one day, and 366 days; refuses 367 days and a range that ends before it starts', () => {
    expect(analyticsWindow('2026-03-02', '2026-03-02').ok).toBe(true);
    expect(analyticsWindow('2024-01-01', '2024-12-31').ok).toBe(true);
    expect(analyticsWindow('2024-01-01', '2025-01-01')).toEqual({ ok: false, reason: 'too_long', days: 367 });
    expect(analyticsWindow('2026-03-02', '2026-03-01')).toEqual({ ok: false, reason: 'reversed', days: 0 });
  });
});

describe(presetRange.name, () => {
  it('7 and 30 days end today, today included', () => {
    expect(presetRange('7d', '2026-03-10', DEFAULT_SEMESTERS)).toEqual({ from: '2026-03-04', to: '2026-03-10' });
    expect(presetRange('30d', '2026-03-10', DEFAULT_SEMESTERS)).toEqual({ from: '2026-02-09', to: '2026-03-10' });
  });

  it('本学期 runs from the term’s first day to today, across the new year; in a holiday the term just ended, whole', () => {
    expect(presetRange('term', '2026-01-05', DEFAULT_SEMESTERS)).toEqual({ from: '2025-09-01', to: '2026-01-05' });
    expect(presetRange('term', '2026-08-01', DEFAULT_SEMESTERS)).toEqual({ from: '2026-03-01', to: '2026-07-15' });
  });
});

describe(alarmAnalytics.name, () => {
  const week = windowOf('2026-03-02', '2026-03-08'); // Monday to Sunday

  it('counts an alarm on its Shanghai day and hour: 23:59:59 and 00:00 local fall on two days', () => {
    const sut = alarmAnalytics(
      [
        fact('2026-03-01T16:00:00.000Z'), // Mon 2 Mar 00:00 Shanghai: the first instant of the range
        fact('2026-03-02T15:59:59.999Z'), // Mon 2 Mar 23:59:59.999
        fact('2026-03-02T16:00:00.000Z'), // Tue 3 Mar 00:00
        fact('2026-03-01T15:59:59.999Z'), // Sun 1 Mar 23:59:59 Shanghai: before the range
        fact('2026-03-08T16:00:00.000Z'), // Mon 9 Mar 00:00: after the range
      ],
      week,
    );
    expect(sut.alarms).toBe(3);
    expect(sut.byDay.slice(0, 2)).toEqual([{ date: '2026-03-02', alarms: 2, drills: 0 }, { date: '2026-03-03', alarms: 1, drills: 0 }]);
    expect(sut.byDay).toHaveLength(7);
    expect(sut.byWeekdayHour[0]![0]).toBe(1);
    expect(sut.byWeekdayHour[0]![23]).toBe(1);
    expect(sut.byWeekdayHour[1]![0]).toBe(1);
    expect(sut.byWeekdayHour.flat().reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('puts the morning peak (07:35 Shanghai) in hour 7 of its weekday, and Sunday last', () => {
    const sut = alarmAnalytics([fact('2026-03-02T23:35:00.000Z'), fact('2026-03-08T10:00:00.000Z')], week);
    expect(sut.byWeekdayHour[1]![7]).toBe(1); // Tuesday 07:35
    expect(sut.byWeekdayHour[6]![18]).toBe(1); // Sunday 18:00
  });

  it('keeps a drill out of every figure and counts it apart', () => {
    const sut = alarmAnalytics([fact('2026-03-03T01:00:00.000Z'), fact('2026-03-03T02:00:00.000Z', { drill: true, state: 'false_alarm' })], week);
    expect(sut.alarms).toBe(1);
    expect(sut.drills).toBe(1);
    expect(sut.falseAlarms).toBe(0);
    expect(sut.byDistrict).toEqual([{ key: '410402', alarms: 1, falseAlarms: 0 }]);
    expect(sut.byOutcome).toEqual([{ key: 'resolved', alarms: 1 }, { key: 'false_alarm', alarms: 0 }, { key: 'cancelled', alarms: 0 }]);
    expect(sut.byDay[1]).toEqual({ date: '2026-03-03', alarms: 1, drills: 1 });
    expect(sut.nuisance).toEqual([]);
  });

  it('counts no open alarm (the history shows closed ones)', () => {
    expect(alarmAnalytics([fact('2026-03-03T01:00:00.000Z', { state: 'acknowledged' })], week).alarms).toBe(0);
  });

  it('ranks districts and types by count, and nuisance devices by false alarms, then share', () => {
    const camera = { type: 'camera_fault' as const, deviceId: 'CAM-S0002-1', schoolId: 'S0002', districtCode: '410411' };
    const door = { type: 'access_anomaly' as const, deviceId: 'ACC-S0003-1', schoolId: 'S0003', districtCode: '410411' };
    const sut = alarmAnalytics(
      [
        fact('2026-03-03T01:00:00.000Z', { ...camera, state: 'false_alarm' }),
        fact('2026-03-04T01:00:00.000Z', { ...camera, state: 'false_alarm' }),
        fact('2026-03-05T01:00:00.000Z', { ...camera }),
        fact('2026-03-03T02:00:00.000Z', { ...door, state: 'false_alarm' }),
        fact('2026-03-06T02:00:00.000Z', { ...door, state: 'false_alarm' }),
        fact('2026-03-03T03:00:00.000Z'),
      ],
      week,
    );
    expect(sut.byDistrict.map((d) => [d.key, d.alarms, d.falseAlarms])).toEqual([['410411', 5, 4], ['410402', 1, 0]]);
    expect(sut.byType.map((t) => t.key)).toEqual(['camera_fault', 'access_anomaly', 'intrusion']);
    expect(sut.nuisance.map((d) => [d.deviceId, d.falseAlarms, d.share, d.lastAt])).toEqual([
      ['ACC-S0003-1', 2, 1, '2026-03-06T02:00:00.000Z'],
      ['CAM-S0002-1', 2, 2 / 3, '2026-03-04T01:00:00.000Z'],
    ]);
  });

  it(`lists at most ${NUISANCE_LIMIT} nuisance devices`, () => {
    const facts = Array.from({ length: NUISANCE_LIMIT + 5 }, (_, i) => fact('2026-03-03T01:00:00.000Z', { deviceId: `CAM-${i}`, type: 'camera_fault', state: 'false_alarm' }));
    expect(alarmAnalytics(facts, week).nuisance).toHaveLength(NUISANCE_LIMIT);
  });
});

describe(hourWindows.name, () => {
  const since = Date.parse('2026-03-02T00:00:00+08:00'); // a Monday
  const until = Date.parse('2026-03-16T00:00:00+08:00'); // two weeks on

  it('gives one hour on each matching Shanghai weekday: Tuesdays 07:00–08:00 are 23:00–00:00 UTC the day before', () => {
    expect(hourWindows(since, until, { weekday: 2, hour: 7 })).toEqual([
      ['2026-03-02T23:00:00.000Z', '2026-03-03T00:00:00.000Z'],
      ['2026-03-09T23:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ]);
  });

  it('an hour alone is that hour every day; a weekday alone is the whole day', () => {
    expect(hourWindows(since, until, { hour: 0 })).toHaveLength(14);
    expect(hourWindows(since, until, { weekday: 7 })).toEqual([
      ['2026-03-07T16:00:00.000Z', '2026-03-08T16:00:00.000Z'],
      ['2026-03-14T16:00:00.000Z', '2026-03-15T16:00:00.000Z'],
    ]);
  });

  it('cuts the windows at the span’s ends, and refuses more than 366 days', () => {
    expect(hourWindows(since + 30 * 60_000, since + 90 * 60_000, { hour: 0 })).toEqual([['2026-03-01T16:30:00.000Z', '2026-03-01T17:00:00.000Z']]);
    expect(hourWindows(since, since + 367 * 86_400_000, { hour: 7 })).toBeNull();
    expect(hourWindows(since, since + 366 * 86_400_000, { hour: 7 })).toHaveLength(366);
  });
});
