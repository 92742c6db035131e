import { describe, expect, it } from 'vitest';
import { latestRequest } from '../../client/latest.js';
import { DISTRICTS, districtNameIn } from '../../shared/domain/districts.js';
import { addDays, daysBetween } from '../../shared/time.js';

describe(latestRequest.name, () => {
  it('aborts the request before when the next starts, and knows which is the latest', () => {
    const sut = latestRequest();
    const first = sut.next();
    const second = sut.next();
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    expect(sut.isLatest(first)).toBe(false);
    expect(sut.isLatest(second)).toBe(true);
  });

  it('aborts the request in flight on abort(), and does nothing with none', () => {
    const sut = latestRequest();
    expect(() => sut.abort()).not.toThrow();
    const request = sut.next();
    sut.abort();
    expect(request.signal.aborted).toBe(true);
  });
});

describe(districtNameIn.name, () => {
  const xinhua = DISTRICTS[0];

  it('names a district, or the district of a code, in the screen language', () => {
    expect(districtNameIn('zh-CN', xinhua)).toBe('新华区');
    expect(districtNameIn('en', xinhua)).toBe('Xinhua');
    expect(districtNameIn('en', '410422')).toBe('Ye County');
    expect(districtNameIn('zh-CN', '410422')).toBe('叶县');
  });

  it('gives a code outside the city back as it is', () => {
    expect(districtNameIn('en', '999999')).toBe('999999');
  });
});

describe(addDays.name, () => {
  it('moves a calendar date across month, year and leap day, both ways', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-09-01', 30)).toBe('2026-10-01');
  });
});

describe(daysBetween.name, () => {
  it('counts whole days from one date to another, below zero backwards', () => {
    expect(daysBetween('2026-09-01', '2026-09-02')).toBe(1);
    expect(daysBetween('2026-09-01', '2026-09-01')).toBe(0);
    expect(daysBetween('2026-09-10', '2026-09-01')).toBe(-9);
    expect(daysBetween('2025-12-31', '2026-12-31')).toBe(365);
  });
});
