import { describe, expect, it } from 'vitest';
import { DEFAULT_POST_RULES, postDay, postStatus, windowResult, type PostActivity, type PostDuty } from '../../shared/rules/guard-post.js';

/** 2026-11-30 is a Monday; times are Asia/Shanghai (UTC+8). */
const local = (hhmm: string, date = '2026-11-30') => Date.parse(`${date}T${hhmm}:00+08:00`);
const duty: PostDuty = { schedule: [{ start: '07:00', end: '08:00' }, { start: '11:30', end: '12:30' }, { start: '17:00', end: '18:00' }] };
const checkIn = (hhmm: string, date?: string): PostActivity => ({ kind: 'in', at: local(hhmm, date) });

describe(postStatus.name, () => {
  it('is on duty after a check-in before the start', () => {
    const sut = postStatus(duty, [checkIn('06:52')], local('07:20'));
    expect(sut).toMatchObject({ state: 'on_duty', window: { start: '07:00' }, checkedInAt: local('06:52') });
  });

  it('is late after a check-in one minute after the start', () => {
    const sut = postStatus(duty, [checkIn('07:01')], local('07:20'));
    expect(sut.state).toBe('late');
    expect(sut.reason.zh).toBe('迟到1分钟签到');
  });

  it('is late but not yet absent within the grace, and absent once it has passed', () => {
    expect(postStatus(duty, [], local('07:04')).state).toBe('late');
    const absent = postStatus(duty, [], local('07:05'));
    expect(absent.state).toBe('absent');
    expect(absent.reason.en).toBe('no check-in 5 min into 07:00–08:00');
  });

  it('does not carry a morning check-in into the noon window', () => {
    expect(postStatus(duty, [checkIn('06:55')], local('11:40')).state).toBe('absent');
    expect(postStatus(duty, [checkIn('06:55'), checkIn('11:20')], local('11:40')).state).toBe('on_duty');
  });

  it('is absent after checking out before the window ends', () => {
    const sut = postStatus(duty, [checkIn('16:55'), { kind: 'out', at: local('17:30') }], local('17:40'));
    expect(sut.state).toBe('absent');
  });

  it('is off hours between windows, on a weekend and on a holiday', () => {
    expect(postStatus(duty, [], local('09:00')).state).toBe('off_hours');
    expect(postStatus(duty, [], local('07:30', '2026-11-29')).reason.en).toBe('not a duty day');
    expect(postStatus({ ...duty, offDates: ['2026-11-30'] }, [], local('07:30')).reason.zh).toBe('2026-11-30 休息日，不值守');
    expect(postStatus({ ...duty, days: [1, 2, 3, 4, 5, 6, 7] }, [], local('07:30', '2026-11-29')).state).toBe('absent');
  });

  it('ends the window at its end time', () => {
    expect(postStatus(duty, [checkIn('06:55')], local('07:59')).state).toBe('on_duty');
    expect(postStatus(duty, [checkIn('06:55')], local('08:00')).state).toBe('off_hours');
  });
});

/** Instants with seconds: `at('07:04:59')`. */
const at = (hhmmss: string, date = '2026-11-30') => Date.parse(`${date}T${hhmmss}+08:00`);
const inAt = (hhmmss: string): PostActivity => ({ kind: 'in', at: at(hhmmss) });
const morning = { start: '07:00', end: '08:00' };
const terms = { ...DEFAULT_POST_RULES, semesters: [{ start: '09-01', end: '01-31' }, { start: '03-01', end: '07-15' }] };

describe(windowResult.name, () => {
  it('is upcoming a second before the window and pending from its first second', () => {
    expect(windowResult(morning, [], at('06:59:59')).outcome).toBe('upcoming');
    expect(windowResult(morning, [], at('07:00:00')).outcome).toBe('pending');
  });

  it('counts a check-in up to 30 minutes early as on time, and one 31 minutes early not at all', () => {
    expect(windowResult(morning, [inAt('06:30:00')], at('07:10:00'))).toMatchObject({ outcome: 'on_time', minutesLate: 0 });
    expect(windowResult(morning, [inAt('06:29:59')], at('07:10:00')).outcome).toBe('absent');
    expect(windowResult(morning, [inAt('07:00:00')], at('07:10:00')).outcome).toBe('on_time');
  });

  it('is pending until the last second of the grace and absent at its end', () => {
    expect(windowResult(morning, [], at('07:04:59')).outcome).toBe('pending');
    expect(windowResult(morning, [], at('07:05:00')).outcome).toBe('absent');
    expect(windowResult(morning, [], at('07:03:00'), { ...DEFAULT_POST_RULES, graceMinutes: 3 }).outcome).toBe('absent');
  });

  it('records a check-in a second before the grace end as late, never absent', () => {
    expect(windowResult(morning, [inAt('07:04:59')], at('07:04:59'))).toMatchObject({ outcome: 'late', minutesLate: 5 });
    expect(windowResult(morning, [inAt('07:04:59')], at('07:05:00')).outcome).toBe('late');
  });

  it('is absent at the grace end and late once a check-in a second after it arrives', () => {
    const activity = [inAt('07:05:01')];
    expect(windowResult(morning, activity, at('07:05:00')).outcome).toBe('absent');
    expect(windowResult(morning, activity, at('07:05:01'))).toMatchObject({ outcome: 'late', minutesLate: 6, checkedInAt: at('07:05:01') });
  });

  it('ignores a check-in at or after the window end', () => {
    expect(windowResult(morning, [inAt('08:00:00')], at('09:00:00')).outcome).toBe('absent');
    expect(windowResult(morning, [inAt('07:59:59')], at('09:00:00'))).toMatchObject({ outcome: 'late', minutesLate: 60 });
  });
});

describe(postDay.name, () => {
  const twoWindows: PostDuty = { schedule: [{ start: '07:00', end: '08:00' }, { start: '16:30', end: '17:30' }] };

  it('judges each of two windows a day on its own check-in', () => {
    const activity = [inAt('06:55:00'), { kind: 'out' as const, at: at('08:05:00') }, inAt('16:33:00')];
    expect(postDay(twoWindows, activity, at('12:00:00')).map((r) => r.outcome)).toEqual(['on_time', 'upcoming']);
    expect(postDay(twoWindows, activity, at('16:34:00')).map((r) => [r.outcome, r.minutesLate])).toEqual([['on_time', 0], ['late', 3]]);
    expect(postDay(twoWindows, [inAt('06:55:00')], at('16:40:00')).map((r) => r.outcome)).toEqual(['on_time', 'absent']);
    expect(postStatus(twoWindows, [inAt('06:55:00')], at('16:40:00')).state).toBe('absent');
  });

  it('has no windows on a Saturday, a holiday, or outside the school term', () => {
    expect(postDay(twoWindows, [], at('07:30:00', '2026-12-05'))).toEqual([]);
    expect(postDay({ ...twoWindows, offDates: ['2026-11-30'] }, [], at('07:30:00'))).toEqual([]);
    // 2026-08-03 is a Monday in the summer holiday; 2026-09-07 a Monday in the autumn term.
    expect(postDay(twoWindows, [], at('07:30:00', '2026-08-03'), terms)).toEqual([]);
    expect(postStatus(twoWindows, [], at('07:30:00', '2026-08-03'), terms).reason.en).toBe('outside the school term');
    expect(postDay(twoWindows, [], at('07:30:00', '2026-09-07'), terms).map((r) => r.outcome)).toEqual(['absent', 'upcoming']);
  });

  it('leaves the night alone', () => {
    expect(postStatus(twoWindows, [], at('23:59:30')).state).toBe('off_hours');
    expect(postStatus(twoWindows, [], at('00:00:30')).state).toBe('off_hours');
  });
});
