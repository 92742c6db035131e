// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { postStatusToColumns } from '../../shared/post-status-columns.js';
import type { CameraFault, PostLive, WallSnapshot } from '../../shared/wall.js';
import { wallAnswer } from './helpers/wall-socket.js';

type Handler = (...args: unknown[]) => void;

/** Stands in for the Socket.IO client: records handlers so the test can play the server. */
class FakeSocket {
  readonly handlers = new Map<string, Handler>();
  readonly io = { on: () => undefined };
  on(event: string, handler: Handler): this {
    this.handlers.set(event, handler);
    return this;
  }
  connect(): void {}
  disconnect(): void {}
  removeAllListeners(): void {
    this.handlers.clear();
  }
  serverSends(event: string, ...args: unknown[]): void {
    this.handlers.get(event)?.(...args);
  }
}

const socket = new FakeSocket();
vi.mock('../../client/socket.js', () => ({ createWallSocket: () => socket }));

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useFieldStore } = await import('../../client/stores/field.js');

const ticket: CameraFault = {
  id: 7, deviceId: 'CAM-S0001-01', schoolId: 'S0001', districtCode: '410402', reason: 'offline',
  openedAt: '2025-03-03T01:00:00.000Z', deadlineAt: '2025-03-04T01:00:00.000Z', closedAt: null, outageSeconds: null,
};
const absent: PostLive = { postId: 'G0001', state: 'absent', window: { start: '07:00', end: '08:00' }, checkedInAt: null, minutesLate: null, reason: { zh: '', en: '' } };
const wall: WallSnapshot = {
  generatedAt: '2025-03-03T01:00:00Z', schools: [], policePosts: [], guardPosts: [], statuses: [],
  cameras: { total: 4, online: 3, offline: 1, fault: 0 }, schoolCameras: [['S0001', 3, 4]],
};

/** The server as the stores see it over HTTP: whatever `lists` holds now. */
const lists = { open: [] as CameraFault[], posts: [] as PostLive[] };
const requested: string[] = [];

describe('field lists across a reconnect', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    requested.length = 0;
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      requested.push(url);
      if (url.startsWith('/api/v1/faults?state=open')) return new Response(JSON.stringify({ faults: lists.open }));
      if (url.startsWith('/api/v1/faults')) return new Response(JSON.stringify({ faults: [] }));
      if (url.startsWith('/api/v1/posts/status/columns')) return new Response(JSON.stringify(postStatusToColumns(lists.posts)));
      if (url.includes('client-config')) return new Response(JSON.stringify({ tileUrl: null, tileAttribution: null, buildId: 'b1' }));
      return new Response(JSON.stringify(wallAnswer(url, wall)));
    }));
  });
  afterEach(() => {
    useConnectionStore().stop();
    vi.unstubAllGlobals();
  });

  it('routes the field pushes to the field store once the lists are in', async () => {
    const sut = useFieldStore();
    useConnectionStore().start();
    await vi.waitFor(() => expect(sut.faultsLoaded && sut.schoolCameras.size > 0).toBe(true));
    socket.serverSends('school:cameras', { changes: [['S0009', 1, 2]] });
    socket.serverSends('camera:faults', { changes: [ticket] });
    socket.serverSends('post:status', { changes: [absent] });
    expect(sut.schoolCameras.get('S0009')).toEqual(['S0009', 1, 2]);
    expect(sut.openFaults.get(7)).toEqual(ticket);
    expect(sut.posts.get('G0001')?.state).toBe('absent');
  });

  it('loads the tickets, posts and per-school cameras again after a reconnect: missed pushes are not replayed', async () => {
    const sut = useFieldStore();
    useConnectionStore().start();
    socket.serverSends('connect');
    await vi.waitFor(() => expect(sut.faultsLoaded).toBe(true));
    expect(sut.openFaults.size).toBe(0);

    // While the link was down the camera failed and the post went absent; nothing was pushed.
    socket.serverSends('disconnect', 'transport close');
    lists.open = [ticket];
    lists.posts = [absent];
    requested.length = 0;
    socket.serverSends('connect');

    await vi.waitFor(() => expect(sut.openFaults.get(7)?.reason).toBe('offline'));
    await vi.waitFor(() => expect(sut.posts.get('G0001')?.state).toBe('absent'));
    expect(sut.schoolCameras.get('S0001')).toEqual(['S0001', 3, 4]);
    expect(requested.some((url) => url.startsWith('/api/v1/wall'))).toBe(true);
  });
});
