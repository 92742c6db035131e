import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateDataset } from '../../mocks/dataset/index.js';
import { guardPostsFromColumns, schoolCamerasKey, schoolsFromColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A raw GET (no decoding by the client): the bytes and headers as the server sent them. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const dataset = generateDataset({ seed: 4242, scale: 'city', referenceDate: '2026-11-30' });
const SLICES = 4;

/** A server of its own for a block (each changes the registry its own way), with a city-wide and a county reader. */
async function serverWithReaders(): Promise<{ sut: TestServer; city: Session; county: Session }> {
  const sut = await startTestServer({ dataset });
  return { sut, city: await signInAs(sut, { role: 'police_operator' }), county: await signInAs(sut, { role: 'education_staff', districtCode: '410422' }) };
}

describe('GET /api/v1/wall/registry in parts (province scale: each part parsed in a task of its own)', () => {
  let sut: TestServer;
  let city: Session;
  let county: Session;
  beforeAll(async () => {
    ({ sut, city, county } = await serverWithReaders());
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

  it('sends a kept answer again: gzipped with an ETag, 304 to a client holding it, a new one once the registry changes', async () => {
    const url = `${sut.url}/api/v1/wall/registry?slice=2&slices=${SLICES}`;
    const headers = { ...city.headers(), 'accept-encoding': 'gzip' };
    const first = await rawGet(url, headers);
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['content-type']).toMatch(/application\/json/);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"/);
    const columns = JSON.parse(gunzipSync(first.body).toString('utf8')) as RegistryColumns;
    expect(columns).toEqual(await registry(city, `?slice=2&slices=${SLICES}`));

    // Asked again: the same bytes (kept, not made again), and 304 with no body to a client holding them.
    const again = await rawGet(url, headers);
    expect(again.headers.etag).toBe(etag);
    expect(again.body.equals(first.body)).toBe(true);
    const held = await rawGet(url, { ...headers, 'if-none-match': etag! });
    expect(held.status).toBe(304);
    expect(held.body.length).toBe(0);
    // Another scope's answer is other bytes under another tag.
    const county = await rawGet(url, { ...(await signInAs(sut, { role: 'education_staff', districtCode: '410422' })).headers(), 'accept-encoding': 'gzip' });
    expect(county.headers.etag).not.toBe(etag);

    // A school's figures change and the registry is read again: the kept answer is dropped.
    const school = schoolsFromColumns(columns.schools)[0]!;
    await sut.store.db.updateTable('schools').set({ students: school.students + 7 }).where('id', '=', school.id).execute();
    await sut.services.registry.load();
    const changed = await rawGet(url, { ...headers, 'if-none-match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const now = schoolsFromColumns((JSON.parse(gunzipSync(changed.body).toString('utf8')) as RegistryColumns).schools);
    expect(now.find((s) => s.id === school.id)?.students).toBe(school.students + 7);
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

describe('GET /api/v1/wall/school-points (the cluster worker’s head start)', () => {
  let sut: TestServer;
  let city: Session;
  let county: Session;
  beforeAll(async () => {
    ({ sut, city, county } = await serverWithReaders());
  }, 120_000);
  afterAll(async () => {
    await sut?.close();
  });

  async function points(who: Session | null, query: string): Promise<{ status: number; type: string | null; coords: Float64Array }> {
    const response = await fetch(`${sut.url}/api/v1/wall/school-points${query}`, { headers: who ? who.headers() : {} });
    const bytes = await response.arrayBuffer();
    return { status: response.status, type: response.headers.get('content-type'), coords: response.status === 200 ? new Float64Array(bytes) : new Float64Array() };
  }

  /** The `[lng, lat]` pairs of the schools a wall puts together from its parts, in their order. */
  async function fromParts(who: Session, slices: number): Promise<number[]> {
    const parts = await Promise.all(
      Array.from({ length: slices }, async (_, slice) => (await (await fetch(`${sut.url}/api/v1/wall/registry?slice=${slice}&slices=${slices}`, { headers: who.headers() })).json()) as RegistryColumns),
    );
    return parts.flatMap((part) => schoolsFromColumns(part.schools).flatMap((school) => [school.lng, school.lat]));
  }

  it.each([
    ['the whole city', () => city, SLICES],
    ['the whole city, the wall’s 16 parts', () => city, 16],
    ['a county’s scope', () => county, SLICES],
  ])('%s: every school’s point, in the order of the registry’s parts put together', async (_, who, slices) => {
    const answer = await points(who(), `?slices=${slices}`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/application\/octet-stream/);
    const expected = await fromParts(who(), slices);
    expect(expected.length).toBeGreaterThan(2 * 10);
    expect([...answer.coords]).toEqual(expected);
  });

  it('gives the registry’s order without slices, and the county’s schools only', async () => {
    const whole = schoolsFromColumns(((await (await fetch(`${sut.url}/api/v1/wall/registry`, { headers: county.headers() })).json()) as RegistryColumns).schools);
    const answer = await points(county, '');
    expect([...answer.coords]).toEqual(whole.flatMap((school) => [school.lng, school.lat]));
    expect(answer.coords.length).toBeLessThan((await points(city, '')).coords.length);
  });

  it('follows a changed registry (not the points kept from before)', async () => {
    const before = await points(city, '?slices=1');
    const school = dataset.schools[0]!;
    await sut.store.db.updateTable('schools').set({ lng: school.lng + 0.01 }).where('id', '=', school.id).execute();
    await sut.services.registry.load();
    const after = await points(city, '?slices=1');
    const index = dataset.schools.findIndex((s) => s.id === school.id);
    expect(after.coords[2 * index]).toBeCloseTo(before.coords[2 * index]! + 0.01, 9);
  });

  it('refuses a stranger, and bad slices with a 400 in words', async () => {
    expect((await points(null, '?slices=4')).status).toBe(401);
    for (const [query, words] of [['?slices=17', '最多分 16 份'], ['?slices=a', 'slices 须为整数'], ['?slices=0', '']] as const) {
      const response = await fetch(`${sut.url}/api/v1/wall/school-points${query}`, { headers: city.headers() });
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { message?: { zh: string } };
      expect(body.message?.zh, query).toBeTruthy();
      expect(JSON.stringify(body)).toContain(words);
    }
  });
});

describe('GET /api/v1/wall?registry=omit&cameras=down (only the schools with a camera down)', () => {
  let sut: TestServer;
  let city: Session;
  let county: Session;
  beforeAll(async () => {
    ({ sut, city, county } = await serverWithReaders());
  }, 120_000);
  afterAll(async () => {
    await sut?.close();
  });

  async function live(who: Session, query: string): Promise<WallSnapshot> {
    const response = await fetch(`${sut.url}/api/v1/wall${query}`, { headers: who.headers() });
    expect(response.status, query).toBe(200);
    return (await response.json()) as WallSnapshot;
  }

  /** The key a wall computes from the registry's parts it read. */
  async function keyFromParts(who: Session): Promise<{ key: number; registered: Map<string, number> }> {
    const parts = await Promise.all(Array.from({ length: SLICES }, async (_, slice) => (await (await fetch(`${sut.url}/api/v1/wall/registry?slice=${slice}&slices=${SLICES}`, { headers: who.headers() })).json()) as RegistryColumns));
    const registered = new Map(parts.flatMap((part) => part.schools.id.map((id, i) => [id, part.schools.cameras[i]!] as const)));
    const key = parts.reduce((sum, part) => (sum + schoolCamerasKey(part.schools.id, (i) => part.schools.cameras[i]!)) >>> 0, 0);
    return { key, registered };
  }

  it('lists only the schools with a camera down, under the key of the registry’s cameras, within the scope', async () => {
    const { key, registered } = await keyFromParts(city);
    const whole = await live(city, '?registry=omit');
    expect(whole.camerasKey).toBeUndefined();
    // The registry's cameras are the live totals, school by school.
    expect(new Map(whole.schoolCameras.map(([id, , total]) => [id, total]))).toEqual(new Map([...registered].filter(([, total]) => total > 0)));

    const quiet = await live(city, '?registry=omit&cameras=down');
    expect(quiet.camerasKey).toBe(key);
    expect(quiet.schoolCameras).toEqual(whole.schoolCameras.filter(([, online, total]) => online < total));

    const camera = dataset.devices.find((device) => device.kind === 'camera' && device.schoolId && dataset.schools.find((s) => s.id === device.schoolId)?.districtCode === '410422')!;
    expect((await sut.post({ type: 'camera.fault', deviceId: camera.id, fault: 'video_loss', at: new Date().toISOString() })).status).toBe(202);
    await vi.waitFor(async () => expect((await live(city, '?registry=omit&cameras=down')).schoolCameras.some(([id]) => id === camera.schoolId)).toBe(true));
    const down = await live(city, '?registry=omit&cameras=down');
    const total = registered.get(camera.schoolId!)!;
    expect(down.schoolCameras).toContainEqual([camera.schoolId, total - 1, total]);
    expect(down.schoolCameras.length).toBeLessThan(whole.schoolCameras.length / 10);

    // A county's screen: its district's key and schools only.
    const countyKey = await keyFromParts(county);
    const countyDown = await live(county, '?registry=omit&cameras=down');
    expect(countyDown.camerasKey).toBe(countyKey.key);
    expect(countyKey.key).not.toBe(key);
    expect(countyDown.schoolCameras.every(([id]) => countyKey.registered.has(id))).toBe(true);
    expect(countyDown.schoolCameras).toContainEqual([camera.schoolId, total - 1, total]);
  });

  it('moves the key when a camera is registered, and lists its school until the live count has it', async () => {
    const before = await live(city, '?registry=omit&cameras=down');
    const school = dataset.schools[5]!;
    await sut.store.db.insertInto('devices').values({ id: `CAM-${school.id}-NEW`, kind: 'camera', school_id: school.id, post_id: null, place: 'gate', name: '新增摄像机' }).execute();
    await sut.services.registry.load();
    const after = await live(city, '?registry=omit&cameras=down');
    expect(after.camerasKey).not.toBe(before.camerasKey);
    expect(after.camerasKey).toBe((await keyFromParts(city)).key);
    // The live count still has the school's old cameras: listed, as not what the registry says.
    expect(after.schoolCameras.some(([id]) => id === school.id)).toBe(true);
  });

  it('refuses another value in words', async () => {
    const response = await fetch(`${sut.url}/api/v1/wall?cameras=all`, { headers: city.headers() });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('cameras 只能是 down');
  });
});
