import { describe, expect, it } from 'vitest';
import { makeGuardPost } from '../../mocks/factories/dataset.js';
import { generateDataset } from '../../mocks/dataset/index.js';
import { guardPostsFromColumns, guardPostsToColumns, registryColumnsSchema, REGISTRY_COLUMNS_VERSION, registrySliceOf, schoolCamerasKey, schoolsToColumns } from '../../shared/wall-registry.js';

const city = generateDataset({ seed: 7, scale: 'city', referenceDate: '2026-11-30' });

describe('the registry’s 护学岗 posts in columns', () => {
  it('come back as they went, days and days off included, each repeated duty and schedule sent once', () => {
    const posts = [
      makeGuardPost({ id: 'G1', schoolIds: ['S1'], offDates: [] }),
      makeGuardPost({ id: 'G2', schoolIds: ['S2', 'S3'], days: [1, 2, 3, 4, 5, 6], offDates: ['2026-12-25'], duty: '护送学生', districtCode: '410422' }),
      makeGuardPost({ id: 'G3', schoolIds: ['S4'], offDates: [], schedule: [{ start: '07:10', end: '08:10' }] }),
      makeGuardPost({ id: 'G4', schoolIds: ['S5'], offDates: [] }),
    ];
    const columns = guardPostsToColumns(posts);
    expect(columns.duties).toEqual(['疏导交通、护送学生、维护校门秩序', '护送学生']);
    expect(columns.schedules).toHaveLength(2);
    expect(columns.days).toEqual([[1, [1, 2, 3, 4, 5, 6]]]);
    expect(columns.offDates).toEqual([[1, ['2026-12-25']]]);
    // Through JSON, as it travels.
    expect(guardPostsFromColumns(JSON.parse(JSON.stringify(columns)))).toEqual(posts);
  });

  it('refuses damaged columns rather than drawing half', () => {
    const columns = guardPostsToColumns([makeGuardPost({ id: 'G1', offDates: [] }), makeGuardPost({ id: 'G2', offDates: [] })]);
    expect(() => guardPostsFromColumns({ ...columns, lat: [33.7] })).toThrow(/guardPosts\.lat has 1 values for 2/);
    expect(() => guardPostsFromColumns({ ...columns, schedule: [0, 5] })).toThrow(/unknown schedule 5/);
  });

  it('fit the answer’s contract, and shrink a city’s 护学岗 JSON by more than half', () => {
    const dataset = city;
    const answer = { v: REGISTRY_COLUMNS_VERSION, schools: schoolsToColumns(dataset.schools, () => 4), policePosts: dataset.policePosts, guardPosts: guardPostsToColumns(dataset.guardPosts) };
    expect(registryColumnsSchema.safeParse(answer).success).toBe(true);
    expect(JSON.stringify(answer.guardPosts).length).toBeLessThan(JSON.stringify(dataset.guardPosts).length / 2);
    expect(guardPostsFromColumns(answer.guardPosts)).toEqual(dataset.guardPosts.map((p) => ({ ...p, offDates: p.offDates ?? [] })));
  });
});

describe(registrySliceOf.name, () => {
  it('puts every id in one part, the same every time, and shares a city out evenly', () => {
    const ids = city.schools.map((s) => s.id);
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const part = registrySliceOf(id, 4);
      expect(part).toBe(registrySliceOf(id, 4));
      counts[part]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(ids.length / 4 * 0.8);
    expect(registrySliceOf('S0001', 1)).toBe(0);
  });
});

describe(schoolCamerasKey.name, () => {
  const ids = city.schools.map((school) => school.id);
  const cameras = (id: string) => (id.charCodeAt(id.length - 1) % 5) + 1;
  const key = (list: readonly string[], of = cameras) => schoolCamerasKey(list, (i) => of(list[i]!));

  it('is the same in any order, and the parts’ keys add up to the whole’s', () => {
    const whole = key(ids);
    expect(key([...ids].reverse())).toBe(whole);
    const parts = Array.from({ length: 16 }, (_, slice) => key(ids.filter((id) => registrySliceOf(id, 16) === slice)));
    expect(parts.reduce((sum, part) => (sum + part) >>> 0, 0)).toBe(whole);
    expect(whole).toBeGreaterThanOrEqual(0);
    expect(whole).toBeLessThan(2 ** 32);
  });

  it('moves when a school gains or loses a camera, or the schools differ', () => {
    const whole = key(ids);
    expect(key(ids, (id) => cameras(id) + (id === ids[17] ? 1 : 0))).not.toBe(whole);
    expect(key(ids, (id) => cameras(id) - (id === ids[3] ? 1 : 0))).not.toBe(whole);
    expect(key(ids.slice(1))).not.toBe(whole);
  });
});
