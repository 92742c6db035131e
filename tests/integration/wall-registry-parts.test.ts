import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../mocks/dataset/index.js';
import { guardPostsFromColumns, schoolsFromColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const dataset = generateDataset({ seed: 4242, scale: 'city', referenceDate: '2026-11-30' });
const SLICES = 4;

describe('GET /api/v1/wall/registry in parts (province scale: each part parsed in a task of its own)', () => {
  let sut: TestServer;
  let city: Session;
  let county: Session;
  beforeAll(async () => {
    sut = await startTestServer({ dataset });
    city = await signInAs(sut, { role: 'police_operator' });
    county = await signInAs(sut, { role: 'education_staff', districtCode: '410422' });
  }, 120_000);
  afterAll(async () => {
    await sut?.close();
  });

  async function registry(who: Session, query = ''): Promise<RegistryColumns> {
    const response = await fetch(`${sut.url}/api/v1/wall/registry${query}`, { headers: who.headers() });
    expect(response.status, query).toBe(200);
    return (await response.json()) as RegistryColumns;
  }

  const ids = (items: readonly { id: string }[]) => items.map((item) => item.id).sort();

  it.each([
    ['the whole city', () => city],
    ['a county’s scope', () => county],
  ])('%s: the parts hold every school, police post and 护学岗 of the whole answer, each exactly once', async (_, who) => {
    const whole = await registry(who());
    const parts = await Promise.all(Array.from({ length: SLICES }, (_, slice) => registry(who(), `?slice=${slice}&slices=${SLICES}`)));
    const schools = parts.flatMap((part) => schoolsFromColumns(part.schools));
    expect(whole.schools.id.length).toBeGreaterThan(SLICES * 10);
    expect(schools).toHaveLength(whole.schools.id.length);
    expect(ids(schools)).toEqual(ids(schoolsFromColumns(whole.schools)));
    // Each school as the whole answer has it, every field.
    const wholeById = new Map(schoolsFromColumns(whole.schools).map((s) => [s.id, s]));
    for (const school of schools) expect(school).toEqual(wholeById.get(school.id));
    expect(ids(parts.flatMap((part) => part.policePosts))).toEqual(ids(whole.policePosts));
    const guardPosts = parts.flatMap((part) => guardPostsFromColumns(part.guardPosts));
    expect(ids(guardPosts)).toEqual(ids(guardPostsFromColumns(whole.guardPosts)));
    const wholePosts = new Map(guardPostsFromColumns(whole.guardPosts).map((p) => [p.id, p]));
    for (const post of guardPosts) expect(post).toEqual(wholePosts.get(post.id));
    // Shared out, not all in one part: the longest part is well under the whole.
    for (const part of parts) expect(part.schools.id.length).toBeLessThan(whole.schools.id.length * 0.4);
  });

  it('gives the same part twice (a second screen, or the other node, answers the same)', async () => {
    const first = await registry(city, '?slice=1&slices=4');
    const again = await registry(county, '?slice=1&slices=4');
    expect(again.schools.id.every((id) => first.schools.id.includes(id))).toBe(true);
    expect(await registry(city, '?slice=1&slices=4')).toEqual(first);
  });

  it.each([
    ['?slice=4&slices=4', 'slice 须小于 slices'],
    ['?slice=0', 'slice 与 slices 须同时给出或都不给'],
    ['?slices=2', 'slice 与 slices 须同时给出或都不给'],
    ['?slice=0&slices=17', '最多分 16 份'],
    ['?slice=0&slices=0', ''],
    ['?slice=-1&slices=2', ''],
    ['?slice=a&slices=2', 'slice 须为整数'],
  ])('refuses %s with a 400 in words', async (query, words) => {
    const response = await fetch(`${sut.url}/api/v1/wall/registry${query}`, { headers: city.headers() });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message?: { zh: string; en: string } };
    expect(body.message?.zh).toBeTruthy();
    expect(JSON.stringify(body)).toContain(words);
  });
});
