import { describe, expect, it } from 'vitest';
import { makeSchool } from '../../mocks/factories/dataset.js';
import type { GuardPost, PolicePost } from '../../shared/domain/index.js';
import { distanceM } from '../../shared/geo.js';
import { coverage } from '../../shared/rules/coverage.js';

/** Metres per degree of latitude on the haversine sphere (R = 6,371 km): 2πR / 360. */
const M_PER_DEG_LAT = (2 * Math.PI * 6_371_000) / 360;
const north = (lat: number, metres: number) => lat + metres / M_PER_DEG_LAT;

const base = { lat: 33.7, lng: 113.3 };
const police = (id: string, metresNorth: number): PolicePost => ({ id, name: id, kind: 'booth', districtCode: '410402', lat: north(base.lat, metresNorth), lng: base.lng });
const guard = (id: string, metresNorth: number, schoolIds: string[] = []): GuardPost => ({
  id, name: id, districtCode: '410402', schoolIds, person: '张三', phone: '13800000000', duty: '护学', schedule: [], radiusM: 250,
  lat: north(base.lat, metresNorth), lng: base.lng,
});

describe(coverage.name, () => {
  it('measures a degree of latitude as hand-computed', () => {
    expect(distanceM(base, { lat: north(base.lat, 1000), lng: base.lng })).toBeCloseTo(1000, 6);
  });

  it('counts a police post at 999 m and not at 1,001 m; a 护学岗 at 499 m and not at 501 m', () => {
    const schools = [makeSchool({ id: 'A', ...base }), makeSchool({ id: 'B', lat: north(base.lat, 50_000), lng: base.lng })];
    const near = coverage({ schools, guardPosts: [guard('G1', 499)], policePosts: [police('P1', 999)] });
    expect(near.schools[0]).toMatchObject({ guardPost: { id: 'G1', distanceM: 499 }, policePost: { id: 'P1', distanceM: 999 } });
    const far = coverage({ schools, guardPosts: [guard('G1', 501)], policePosts: [police('P1', 1001)] });
    expect(far.schools[0]).toMatchObject({ guardPost: null, policePost: null });
    expect(far.total).toEqual({ schools: 2, withGuardPost: 0, withPolicePost: 0, covered: 0 });
  });

  it('picks the nearest police post within reach, and honours a configured distance', () => {
    const schools = [makeSchool({ id: 'A', ...base })];
    const report = coverage({ schools, guardPosts: [], policePosts: [police('FAR', 900), police('NEAR', -300)] });
    expect(report.schools[0]?.policePost).toEqual({ id: 'NEAR', distanceM: 300 });
    expect(coverage({ schools, guardPosts: [], policePosts: [police('NEAR', -300)] }, { guardPostM: 500, policePostM: 200 }).schools[0]?.policePost).toBeNull();
  });

  it('counts a school its 护学岗 lists even when the post stands further away, and rolls up by district and setting', () => {
    const schools = [
      makeSchool({ id: 'A', ...base }),
      makeSchool({ id: 'B', districtCode: '410422', setting: 'rural', lat: north(base.lat, 20_000), lng: base.lng }),
    ];
    const report = coverage({ schools, guardPosts: [guard('G1', 2_000, ['A'])], policePosts: [police('P1', 100)] });
    expect(report.schools[0]?.guardPost).toEqual({ id: 'G1', distanceM: 2000 });
    expect(report.byDistrict).toEqual([
      { districtCode: '410402', schools: 1, withGuardPost: 1, withPolicePost: 1, covered: 1 },
      { districtCode: '410422', schools: 1, withGuardPost: 0, withPolicePost: 0, covered: 0 },
    ]);
    expect(report.bySetting.find((s) => s.setting === 'rural')).toEqual({ setting: 'rural', schools: 1, withGuardPost: 0, withPolicePost: 0, covered: 0 });
  });
});
