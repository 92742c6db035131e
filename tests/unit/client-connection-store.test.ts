// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandshakeAuth } from '../../shared/events.js';
import type { WallSnapshot } from '../../shared/wall.js';

type Handler = (...args: unknown[]) => void;

/** Stands in for the Socket.IO client: records handlers so the test can play the server. */
class FakeSocket {
  readonly handlers = new Map<string, Handler>();
  readonly managerHandlers = new Map<string, Handler>();
  readonly io = { on: (event: string, handler: Handler) => this.managerHandlers.set(event, handler) };
  connects = 0;
  on(event: string, handler: Handler): this {
    this.handlers.set(event, handler);
    return this;
  }
  connect(): void {
    this.connects += 1;
  }
  disconnect(): void {}
  removeAllListeners(): void {
    this.handlers.clear();
  }
  serverSends(event: string, ...args: unknown[]): void {
    this.handlers.get(event)?.(...args);
  }
}

const socket = new FakeSocket();
let handshake: () => HandshakeAuth = () => ({});
vi.mock('../../client/socket.js', () => ({
  createWallSocket: (ask: () => HandshakeAuth) => {
    handshake = ask;
    return socket;
  },
}));

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useAlarmStore } = await import('../../client/stores/alarms.js');

const emptyWall: WallSnapshot = {
  generatedAt: '2025-03-02T08:00:00Z',
  schools: [],
  policePosts: [],
  guardPosts: [],
  statuses: [],
  cameras: { total: 0, online: 0, offline: 0, fault: 0 },
  schoolCameras: [],
};

describe(useConnectionStore.name, () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(JSON.stringify(url.includes('client-config') ? { tileUrl: null, tileAttribution: null, buildId: 'b1' } : emptyWall))));
  });
  afterEach(() => {
    useConnectionStore().stop();
    vi.unstubAllGlobals();
  });

  it('is live only after the catch-up, and stale from the moment the link drops', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(sut.status).toBe('connecting');
    socket.serverSends('connect');
    expect(sut.status).toBe('syncing');
    socket.serverSends('alarm:live', { seq: 7 });
    expect(sut.status).toBe('live');
    expect(sut.staleSince).toBeNull();

    const before = Date.now();
    socket.serverSends('disconnect', 'transport close');
    expect(sut.status).toBe('disconnected');
    expect(sut.staleSince).toBeGreaterThanOrEqual(before);
    expect(useAlarmStore().live).toBe(false);
  });

  it('hands the latest applied seq to every (re)connect handshake', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(handshake()).toEqual({ lastSeq: null });
    socket.serverSends('connect');
    socket.serverSends('alarm:snapshot', { seq: 40, alarms: [] });
    socket.serverSends('alarm:live', { seq: 40 });
    expect(handshake()).toEqual({ lastSeq: 40 });
  });

  it('counts reconnect attempts while disconnected', () => {
    const sut = useConnectionStore();
    sut.start();
    socket.serverSends('connect_error', new Error('refused'));
    socket.managerHandlers.get('reconnect_attempt')?.(3);
    expect(sut.status).toBe('disconnected');
    expect(sut.reconnectAttempt).toBe(3);
  });
});
