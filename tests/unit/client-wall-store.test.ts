// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWallStore } from '../../client/stores/wall.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { makeSchool } from '../../mocks/factories/dataset.js';
import { wallAnswer } from './helpers/wall-socket.js';

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
    vi.stubGlobal('fetch', vi.fn((url: string) => new Promise<Response>((resolve) => answers.set(url.split('?')[0]!, resolve))));
    const sut = useWallStore();

    const loading = sut.load();
    sut.applyStatusChanges([{ schoolId: 'S3', status: 'alarm' }]);
    answers.get('/api/v1/wall/registry')?.(new Response(JSON.stringify(wallAnswer('/api/v1/wall/registry', snapshot()))));
    answers.get('/api/v1/wall')?.(new Response(JSON.stringify(wallAnswer('/api/v1/wall', snapshot()))));
    await loading;

    expect(sut.loadState).toBe('ready');
    // The registry from its columns, as the snapshot's schools were.
    expect(sut.schools).toEqual(snapshot().schools);
    expect(sut.statusOf('S1')).toBe('fault');
    expect(sut.statusOf('S3')).toBe('alarm');
    expect(sut.cameras?.online).toBe(9);
  });

  it('reads the registry once: a reload brings the live part only', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(wallAnswer(url, snapshot({ statuses: asked.length > 2 ? [] : [{ schoolId: 'S1', status: 'fault' }] }))));
    }));
    const sut = useWallStore();
    await sut.load();
    await sut.load();
    expect(asked.sort()).toEqual(['/api/v1/wall/registry', '/api/v1/wall?registry=omit', '/api/v1/wall?registry=omit']);
    expect(sut.schools.map((s) => s.id)).toEqual(['S1', 'S2', 'S3']);
    expect(sut.statusOf('S1')).toBe('normal');
  });

  it('reports a failed first load', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 503 })));
    const sut = useWallStore();
    await sut.load();
    expect(sut.loadState).toBe('error');
    expect(sut.loadError).toContain('503');
  });
});
