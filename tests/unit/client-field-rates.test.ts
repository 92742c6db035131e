// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { SchoolCameraCount } from '../../shared/wall.js';
import { districtCameraRates, percentDown } from '../../client/camera-rates.js';
import { makeSchool } from '../../mocks/factories/dataset.js';

const XINHUA = '410402';
const YE_COUNTY = '410422';

function counts(...rows: SchoolCameraCount[]): Map<string, SchoolCameraCount> {
  return new Map(rows.map((row) => [row[0], row]));
}

describe(districtCameraRates.name, () => {
  const schools = [
    makeSchool({ id: 'S1', districtCode: XINHUA }),
    makeSchool({ id: 'S2', districtCode: XINHUA }),
    makeSchool({ id: 'S3', districtCode: YE_COUNTY }),
  ];

  it('sums cameras online of total per district from the schools in it', () => {
    const sut = districtCameraRates(schools, counts(['S1', 10, 12], ['S2', 8, 8], ['S3', 3, 4]));
    const xinhua = sut.districts.find((d) => d.districtCode === XINHUA);
    expect(xinhua).toMatchObject({ online: 18, total: 20, rate: 0.9, schoolsWithCameraDown: 1 });
    expect(sut.districts.find((d) => d.districtCode === YE_COUNTY)).toMatchObject({ online: 3, total: 4, rate: 0.75, schoolsWithCameraDown: 1 });
    expect(sut.city).toEqual({ online: 21, total: 24, rate: 21 / 24 });
  });

  it('lists all ten districts; one without cameras has no rate rather than 0 %', () => {
    const sut = districtCameraRates(schools, counts(['S1', 1, 1]));
    expect(sut.districts).toHaveLength(10);
    expect(sut.districts.find((d) => d.districtCode === '410482')).toMatchObject({ online: 0, total: 0, rate: null });
  });

  it('counts a school missing from the counts as no cameras, and a count for an unknown school not at all', () => {
    const sut = districtCameraRates(schools, counts(['S1', 4, 4], ['S404', 0, 50]));
    expect(sut.city).toEqual({ online: 4, total: 4, rate: 1 });
  });

  it('counts a school without a count as its registered cameras, all online', () => {
    const registered = new Map([['S1', 12], ['S2', 8], ['S3', 4]]);
    const sut = districtCameraRates(schools, counts(['S1', 10, 12]), registered);
    expect(sut.districts.find((d) => d.districtCode === XINHUA)).toMatchObject({ online: 18, total: 20, schoolsWithCameraDown: 1 });
    expect(sut.districts.find((d) => d.districtCode === YE_COUNTY)).toMatchObject({ online: 4, total: 4, schoolsWithCameraDown: 0 });
    // A count beats the registry (a camera registered since the registry was read).
    expect(districtCameraRates(schools, counts(['S3', 5, 5]), registered).districts.find((d) => d.districtCode === YE_COUNTY)).toMatchObject({ online: 5, total: 5 });
  });

  it('follows a change: one camera of a school going down lowers its district only', () => {
    const before = districtCameraRates(schools, counts(['S1', 12, 12], ['S3', 4, 4]));
    const after = districtCameraRates(schools, counts(['S1', 11, 12], ['S3', 4, 4]));
    expect(before.districts.find((d) => d.districtCode === XINHUA)?.rate).toBe(1);
    expect(after.districts.find((d) => d.districtCode === XINHUA)?.rate).toBeCloseTo(11 / 12);
    expect(after.districts.find((d) => d.districtCode === YE_COUNTY)?.rate).toBe(1);
  });
});

describe(percentDown.name, () => {
  it('rounds down, so an almost full rate never reads as 100 %', () => {
    expect(percentDown(25_975 / 25_981)).toBe('99.9%');
    expect(percentDown(1)).toBe('100.0%');
    expect(percentDown(0.123456)).toBe('12.3%');
    expect(percentDown(null)).toBe('—');
  });
});
