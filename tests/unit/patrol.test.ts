import { describe, expect, it } from 'vitest';
import { patrolProgress } from '../../shared/rules/patrol.js';

const local = (hhmm: string, date = '2026-11-30') => Date.parse(`${date}T${hhmm}:00+08:00`);
const points = ['P1', 'P2', 'P3'];
const round = (hhmm: string) => points.map((deviceId, i) => ({ deviceId, at: local(hhmm) + i * 60_000 }));

describe(patrolProgress.name, () => {
  it('counts a round only when every point was scanned', () => {
    const sut = patrolProgress(points, [...round('07:00'), { deviceId: 'P1', at: local('08:00') }], local('08:30'));
    expect(sut.done).toBe(1);
  });

  it('spreads five rounds over 06:00–22:00 (due at 09:12, 12:24, 15:36, 18:48, 22:00) and shows a missed one', () => {
    const beforeFirst = patrolProgress(points, [], local('09:11'));
    expect(beforeFirst).toMatchObject({ due: 0, missed: 0, nextDueAt: local('09:12') });
    const sut = patrolProgress(points, round('08:00'), local('12:30'));
    expect(sut).toMatchObject({ required: 5, done: 1, due: 2, missed: 1 });
    expect(sut.reason.zh).toBe('已完成1轮，应完成2轮，漏巡1轮');
  });

  it('ignores yesterday, the future, and points of other schools', () => {
    const scans = [...points.map((deviceId) => ({ deviceId, at: local('20:00', '2026-11-29') })), { deviceId: 'OTHER', at: local('07:00') }, ...round('23:00')];
    expect(patrolProgress(points, scans, local('10:00')).done).toBe(0);
  });
});
