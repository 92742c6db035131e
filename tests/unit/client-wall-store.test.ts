// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useFieldStore } from '../../client/stores/field.js';
import { useWallStore } from '../../client/stores/wall.js';
import { REGISTRY_SLICES } from '../../shared/wall-registry.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { makeGuardPost, makePolicePost, makeSchool } from '../../mocks/factories/dataset.js';
import { wallAnswer } from './helpers/wall-socket.js';

const manySchools = Array.from({ length: 40 }, (_, i) => makeSchool({ id: `S${i + 1}`, name: `平顶山市第${i + 1}中学` }));
const manyPolicePosts = Array.from({ length: 12 }, (_, i) => makePolicePost({ id: `P${i + 1}` }));
const manyGuardPosts = Array.from({ length: 12 }, (_, i) => makeGuardPost({ id: `G${i + 1}`, schoolIds: [`S${i + 1}`] }));

/** Items in id order (the registry's parts arrive in their own order). */
function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

function snapshot(overrides: Partial<WallSnapshot> = {}): WallSnapshot {
  return {
    generatedAt: '2025-03-02T08:00:00Z',
    schools: [makeSchool({ id: 'S1' }), makeSchool({ id: 'S2' }), makeSchool({ id: 'S3' })],
    policePosts: [],
    guardPosts: [],
    statuses: [{ schoolId: 'S1', status: 'fault' }],
    cameras: { total: 10, online: 9, offline: 1, fault: 0 },
    schoolCameras: [],
    ...overrides,
  };
}

describe(useWallStore.name, () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps only non-normal statuses and counts the rest as normal', () => {
    const sut = useWallStore();
    sut.schools = snapshot().schools;
    sut.applyStatusChanges([{ schoolId: 'S1', status: 'alarm' }, { schoolId: 'S2', status: 'drill' }]);
    sut.applyStatusChanges([{ schoolId: 'S2', status: 'normal' }]);

    expect(sut.statusOf('S1')).toBe('alarm');
    expect(sut.statusOf('S2')).toBe('normal');
    expect(sut.statuses.size).toBe(1);
    expect(sut.statusCounts).toEqual({ alarm: 1, drill: 0, warning: 0, fault: 0, normal: 2 });
  });

  it('names a school in words, never by its id: a placeholder until the registry is here, then the name or "not registered"', () => {
    const sut = useWallStore();
    expect(sut.schoolName('S1')).toBe('学校名称读取中…');
    sut.schools = [makeSchool({ id: 'S1', name: '平顶山市第一中学' })];
    expect(sut.schoolName('S1')).toBe('平顶山市第一中学');
    expect(sut.schoolName('S9')).toBe('未登记的学校');
  });

  it('applies a status pushed while the snapshot was on its way after the snapshot', async () => {
    const answers = new Map<string, (value: Response) => void>();
    vi.stubGlobal('fetch', vi.fn((url: string) => new Promise<Response>((resolve) => answers.set(url, resolve))));
    const sut = useWallStore();

    const loading = sut.load();
    sut.applyStatusChanges([{ schoolId: 'S3', status: 'alarm' }]);
    for (const [url, answer] of answers) answer(new Response(JSON.stringify(wallAnswer(url, snapshot()))));
    await loading;

    expect(sut.loadState).toBe('ready');
    // The registry from its columns, as the snapshot's schools were.
    expect(byId(sut.schools)).toEqual(snapshot().schools);
    expect(sut.statusOf('S1')).toBe('fault');
    expect(sut.statusOf('S3')).toBe('alarm');
    expect(sut.cameras?.online).toBe(9);
  });

  it('reads the registry once, in its parts: each school and post once; a reload brings the live part only', async () => {
    const asked: string[] = [];
    const wall = (statuses: WallSnapshot['statuses']) => snapshot({ schools: manySchools, policePosts: manyPolicePosts, guardPosts: manyGuardPosts, statuses });
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(wallAnswer(url, wall(asked.length > REGISTRY_SLICES + 1 ? [] : [{ schoolId: 'S1', status: 'fault' }]))));
    }));
    const sut = useWallStore();
    await sut.load();
    expect(sut.statusOf('S1')).toBe('fault');
    await sut.load();

    const parts = Array.from({ length: REGISTRY_SLICES }, (_, slice) => `/api/v1/wall/registry?slice=${slice}&slices=${REGISTRY_SLICES}`);
    expect(asked.sort()).toEqual([...parts, '/api/v1/wall?registry=omit&cameras=down', '/api/v1/wall?registry=omit&cameras=down'].sort());
    expect(byId(sut.schools)).toEqual(manySchools);
    expect(byId(sut.policePosts)).toEqual(manyPolicePosts);
    expect(byId(sut.guardPosts)).toEqual(manyGuardPosts);
    expect(sut.schoolName('S37')).toBe(manySchools.find((s) => s.id === 'S37')?.name);
    expect(sut.statusOf('S1')).toBe('normal');
  });

  it('finds a school’s 护学岗 by the school: every post that guards it, each once; none for an unknown school', async () => {
    const shared = makeGuardPost({ id: 'G-shared', schoolIds: ['S2', 'S3', 'S2'] });
    const posts = [...manyGuardPosts, shared];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(JSON.stringify(wallAnswer(url, snapshot({ schools: manySchools, guardPosts: posts }))))));
    const sut = useWallStore();
    expect(sut.guardPostsOf('S2')).toEqual([]);
    await sut.load();
    for (const schoolId of ['S1', 'S2', 'S3', 'S13', 'S40']) {
      // The rule written plainly: every post listing the school.
      const expected = sut.guardPosts.filter((post) => post.schoolIds.includes(schoolId));
      expect(sut.guardPostsOf(schoolId)).toEqual(expected);
    }
    expect(sut.guardPostsOf('S2').map((post) => post.id)).toContain('G-shared');
    expect(sut.guardPostsOf('S2').filter((post) => post.id === 'G-shared')).toHaveLength(1);
    expect(sut.guardPostsOf('S40')).toEqual([]);
    expect(sut.guardPostsOf('nope')).toEqual([]);
    expect(sut.guardPostsOf(null)).toEqual([]);
  });

  it('has every school’s cameras from the registry and the schools with a camera down, and all of them when the registry’s cameras changed', async () => {
    const cameras: WallSnapshot['schoolCameras'] = manySchools.map((school, i) => [school.id, i === 4 ? 1 : 3, 3]);
    let served = snapshot({ schools: manySchools, schoolCameras: cameras });
    const asked: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(wallAnswer(url, served)));
    }));
    const sut = useWallStore();
    const field = useFieldStore();
    await sut.load();
    // Only S5 came in the snapshot; the others from the registry's columns, all online.
    expect(field.schoolCameras.size).toBe(1);
    expect(field.camerasOf('S5')).toEqual(['S5', 1, 3]);
    expect(field.camerasOf('S6')).toEqual(['S6', 3, 3]);
    expect(field.camerasOf('S404')).toBeUndefined();
    expect(field.cameraRates.city).toEqual({ online: 40 * 3 - 2, total: 40 * 3, rate: 118 / 120 });
    expect(asked.filter((url) => url.startsWith('/api/v1/wall?'))).toEqual(['/api/v1/wall?registry=omit&cameras=down']);

    // A camera registered at S6 since (the server's key moves): a reload asks for every school's.
    served = snapshot({ schools: manySchools, schoolCameras: cameras.map(([id, online, total]) => (id === 'S6' ? [id, 4, 4] : [id, online, total])) });
    asked.length = 0;
    await sut.load();
    expect(asked).toEqual(['/api/v1/wall?registry=omit&cameras=down', '/api/v1/wall?registry=omit']);
    expect(field.camerasOf('S6')).toEqual(['S6', 4, 4]);
    expect(field.camerasOf('S5')).toEqual(['S5', 1, 3]);
    expect(field.cameraRates.city.total).toBe(40 * 3 + 1);
  });

  it('shows none of the registry when one of its parts fails', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (url.includes('slice=2') ? new Response('nope', { status: 503 }) : new Response(JSON.stringify(wallAnswer(url, snapshot({ schools: manySchools })))))));
    const sut = useWallStore();
    await sut.load();
    expect(sut.loadState).toBe('error');
    expect(sut.schools).toEqual([]);
    expect(sut.schoolName('S1')).toBe('学校名称暂不可用（学校名录未能读取）');
  });

  it('reports a failed first load', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 503 })));
    const sut = useWallStore();
    await sut.load();
    expect(sut.loadState).toBe('error');
    expect(sut.loadError).toContain('503');
  });
});
