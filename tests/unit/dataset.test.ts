import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/dataset.js';
import { DEVICE_PLACES, DISTRICTS, SCHOOL_STAGES } from '../../shared/domain/index.js';
import { requiredGuards } from '../../shared/rules/guards.js';
import { CITY_STAGE_COUNTS, generateDataset, loadDistrictGeometry, RURAL_EXCEPTIONS, SCALES, SEAT_ONLY_STAGES } from '../../mocks/dataset/index.js';
import { allocate } from '../../mocks/dataset/schools.js';

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

describe(generateDataset.name, () => {
  let sut: Dataset;
  beforeAll(() => {
    sut = generateDataset();
  }, 30_000);

  it('is byte-identical for the same seed and differs for another', () => {
    expect(JSON.stringify(generateDataset())).toBe(JSON.stringify(sut));
    expect(sut.seed).toBe(20200222);
    expect(sut.scale).toBe('city');
    const other = generateDataset({ seed: 7 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(sut));
    expect(other.schools[0]?.name === sut.schools[0]?.name && other.schools[0]?.lat === sut.schools[0]?.lat).toBe(false);
  }, 30_000);

  it('makes a city-sized registry: the published schools of the city, its posts within 3 % either way of the plan', () => {
    const kinds = countBy(sut.policePosts, (p) => p.kind);
    const spec = SCALES.city;
    const near = (value: number | undefined, planned: number) => {
      expect(value).toBeGreaterThanOrEqual(Math.floor(planned * 0.97));
      expect(value).toBeLessThanOrEqual(Math.ceil(planned * 1.03));
    };
    expect(sut.schools.length).toBe(Object.values(CITY_STAGE_COUNTS).reduce((a, b) => a + b, 0));
    near(kinds.get('room'), spec.policeRooms);
    near(kinds.get('booth'), spec.policeBooths);
    near(sut.guardPosts.length, spec.guardPosts);
    // 护学岗 cover the same share of schools as before the real counts (450 posts for 1,800 schools).
    expect(spec.guardPosts / sut.schools.length).toBeCloseTo(450 / 1800, 1);
    const cameras = sut.devices.filter((d) => d.kind === 'camera').length;
    expect(cameras / sut.schools.length).toBeGreaterThan(10);
    expect(cameras / sut.schools.length).toBeLessThan(16);
  });

  it('places every school, police post and 护学岗 inside its own district', () => {
    const features = new Map(loadDistrictGeometry().features.map((f) => [String(f.id), f]));
    for (const place of [...sut.schools, ...sut.policePosts, ...sut.guardPosts]) {
      const feature = features.get(place.districtCode)!;
      expect(booleanPointInPolygon([place.lng, place.lat], feature), place.id).toBe(true);
      expect(Math.round(place.lat * 1e6) / 1e6).toBe(place.lat);
      expect(Math.round(place.lng * 1e6) / 1e6).toBe(place.lng);
    }
  });

  it('puts more schools per km² in the city districts than in the counties', () => {
    const byDistrict = countBy(sut.schools, (s) => s.districtCode);
    const urban = DISTRICTS.filter((d) => d.urban).reduce((n, d) => n + (byDistrict.get(d.code) ?? 0), 0);
    // the four city districts cover about 450 km² of the city's 7,900
    expect(urban / 450).toBeGreaterThan((3 * (sut.schools.length - urban)) / 7450);
    for (const district of DISTRICTS) expect(byDistrict.get(district.code), district.code).toBeGreaterThan(0);
  });

  it('gives unique, readable ids and unique school names', () => {
    const ids = [...sut.schools, ...sut.policePosts, ...sut.guardPosts, ...sut.devices].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(sut.schools.map((s) => s.name)).size).toBe(sut.schools.length);
    expect(sut.schools[0]?.id).toBe('S0001');
    expect(sut.policePosts[0]?.id).toBe('P001');
    expect(sut.guardPosts[0]?.id).toBe('G0001');
    expect(sut.devices.map((d) => d.id)).toContain('CAM-S0001-01');
    expect(sut.devices.map((d) => d.id)).toContain('SOS-S0001-1');
    expect(sut.devices.map((d) => d.id)).toContain('PT-G0001');
    for (const school of sut.schools) expect(school.address.startsWith('平顶山市')).toBe(true);
  });

  it('keeps headcounts between 30 and 4,000 with staff about a tenth of the students', () => {
    for (const school of sut.schools) {
      const people = school.students + school.staff;
      expect(people).toBeGreaterThanOrEqual(30);
      expect(people).toBeLessThanOrEqual(4000);
      expect(school.staff).toBeGreaterThanOrEqual(Math.round(school.students * 0.08));
      expect(school.staff).toBeLessThanOrEqual(Math.max(3, Math.round(school.students * 0.12)));
      expect(school.boarders).toBeLessThanOrEqual(school.boarding ? school.students : 0);
    }
  });

  it('has the city\'s published counts by stage (2021: kindergartens ~1,659, primary ~1,148, junior ~238, senior ~47, special ~9; about 3,130 in all)', () => {
    const byStage = countBy(sut.schools, (s) => s.stage);
    expect(Object.fromEntries(byStage)).toEqual(CITY_STAGE_COUNTS);
    expect(sut.schools.length).toBeGreaterThanOrEqual(3100);
    expect(sut.schools.length).toBeLessThanOrEqual(3160);
    // Every seed has the same counts: the seed moves schools about, not the city's statistics.
    expect(Object.fromEntries(countBy(generateDataset({ seed: 7, compliance: false }).schools, (s) => s.stage))).toEqual(CITY_STAGE_COUNTS);
    expect(sut.schools.some((s) => s.stage === 'kindergarten' && s.boarding)).toBe(false);
  }, 30_000);

  it('spreads each stage over the districts by population (largest remainder)', () => {
    for (const stage of SCHOOL_STAGES) {
      const byDistrict = countBy(sut.schools.filter((s) => s.stage === stage), (s) => s.districtCode);
      for (const [code, n] of allocate(CITY_STAGE_COUNTS[stage])) expect(byDistrict.get(code) ?? 0, `${stage} ${code}`).toBe(n);
    }
  });

  it('has no rural senior or special school unless the district is listed as having one', () => {
    const rural = sut.schools.filter((s) => SEAT_ONLY_STAGES.includes(s.stage) && s.setting === 'rural' && !RURAL_EXCEPTIONS[s.districtCode]?.includes(s.stage));
    expect(rural.map((s) => s.id)).toEqual([]);
    // …while the other stages do stand in villages.
    expect(sut.schools.some((s) => s.stage === 'primary' && s.setting === 'rural')).toBe(true);
  });

  it('employs the 附件1 guards at most schools and one short at some', () => {
    const gaps = sut.schools.map((s) => s.guards - requiredGuards({ people: s.students + s.staff, boarding: s.boarding, boarders: s.boarders }).value);
    const short = gaps.filter((gap) => gap < 0).length / gaps.length;
    expect(Math.min(...gaps)).toBe(-1);
    expect(short).toBeGreaterThan(0.08);
    expect(short).toBeLessThan(0.17);
    const counterTerror = sut.schools.filter((s) => s.counterTerror).length / sut.schools.length;
    expect(counterTerror).toBeGreaterThan(0.03);
    expect(counterTerror).toBeLessThan(0.07);
  });

  it('equips each school with one gate camera, a one-key alarm and patrol points', () => {
    const schoolIds = new Set(sut.schools.map((s) => s.id));
    const places = new Set<string>(DEVICE_PLACES);
    expect(sut.devices.filter((d) => d.schoolId === null || !schoolIds.has(d.schoolId)).map((d) => d.id)).toEqual([]);
    expect(sut.devices.filter((d) => !places.has(d.place)).map((d) => d.id)).toEqual([]);
    const gates = countBy(sut.devices.filter((d) => d.kind === 'camera' && d.place === 'gate'), (d) => d.schoolId!);
    const sos = countBy(sut.devices.filter((d) => d.kind === 'sos'), (d) => d.schoolId!);
    const patrol = countBy(sut.devices.filter((d) => d.kind === 'patrol'), (d) => d.schoolId!);
    const cameras = countBy(sut.devices.filter((d) => d.kind === 'camera'), (d) => d.schoolId!);
    for (const school of sut.schools) {
      expect(gates.get(school.id), school.id).toBe(1);
      expect(sos.get(school.id) ?? 0).toBeGreaterThanOrEqual(1);
      expect(patrol.get(school.id) ?? 0).toBeGreaterThanOrEqual(3);
      expect(patrol.get(school.id) ?? 0).toBeLessThanOrEqual(6);
      expect(cameras.get(school.id) ?? 0).toBeGreaterThanOrEqual(8);
      expect(cameras.get(school.id) ?? 0).toBeLessThanOrEqual(40);
    }
  });

  it('fits each school with access-control doors (门禁): the gate, a boarding school’s dormitory, a chemical store', () => {
    const doors = new Map<string, string[]>();
    for (const d of sut.devices.filter((x) => x.kind === 'access')) doors.set(d.schoolId!, [...(doors.get(d.schoolId!) ?? []), d.place]);
    for (const school of sut.schools) {
      const places = doors.get(school.id) ?? [];
      expect(places, school.id).toContain('gate');
      expect(places.includes('dormitory'), school.id).toBe(school.boarding);
      expect(places.length, school.id).toBeLessThanOrEqual(3);
    }
    expect(sut.devices.map((d) => d.id)).toContain('ACC-S0001-1');
  });

  it('staffs each 护学岗 at a school gate, most with a named person (二(二)1 定人: ~4 % name none, a finding)', () => {
    const schools = new Map(sut.schools.map((s) => [s.id, s]));
    const terminals = new Map(sut.devices.filter((d) => d.kind === 'post').map((d) => [d.postId, d]));
    const covered = sut.guardPosts.flatMap((p) => p.schoolIds);
    expect(new Set(covered).size).toBe(covered.length);
    expect(sut.guardPosts.filter((p) => p.schoolIds.length === 2).length).toBeGreaterThan(0);
    const unnamed = sut.guardPosts.filter((p) => p.person === '').length;
    expect(unnamed).toBeGreaterThan(0);
    expect(unnamed / sut.guardPosts.length).toBeLessThan(0.08);
    for (const post of sut.guardPosts) {
      const first = schools.get(post.schoolIds[0]!)!;
      expect(Math.abs(first.lat - post.lat) + Math.abs(first.lng - post.lng)).toBeLessThan(0.001);
      if (post.person !== '') expect(post.person.length).toBeGreaterThanOrEqual(2);
      expect(post.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(post.radiusM).toBeGreaterThanOrEqual(200);
      expect(post.radiusM).toBeLessThanOrEqual(300);
      expect(post.schedule.length).toBeGreaterThanOrEqual(2);
      for (const window of post.schedule) expect(window.start < window.end).toBe(true);
      expect(terminals.get(post.id)?.schoolId).toBe(first.id);
    }
  });
});
