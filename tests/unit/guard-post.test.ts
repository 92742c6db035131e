import { describe, expect, it } from 'vitest';
import { postStatus, type PostActivity, type PostDuty } from '../../shared/rules/guard-post.js';

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
