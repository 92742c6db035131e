import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDate, formatDateTime, formatTime, warmFormatters } from '../../client/format.js';

describe(warmFormatters.name, () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('makes the three formatters of a locale one a task, after the caller’s task, and none again when they are used', () => {
    vi.useFakeTimers();
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    warmFormatters('zh-CN');
    expect(made).not.toHaveBeenCalled();
    vi.advanceTimersToNextTimer();
    expect(made).toHaveBeenCalledTimes(1);
    vi.runAllTimers();
    expect(made).toHaveBeenCalledTimes(3);
    const at = Date.parse('2026-12-07T07:35:00+08:00');
    expect(formatTime(at, 'zh-CN')).toBe('07:35:00');
    expect(formatDate(at, 'zh-CN')).toContain('12月7日');
    expect(formatDateTime(at, 'zh-CN')).toContain('07:35');
    expect(made).toHaveBeenCalledTimes(3);
  });
});
