// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubWallFetch, wallSocket } from './helpers/wall-socket.js';

vi.mock('../../client/socket.js', async () => (await import('./helpers/wall-socket.js')).fakeSocketModule());

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useAlarmStore } = await import('../../client/stores/alarms.js');

describe(useConnectionStore.name, () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    stubWallFetch();
  });
  afterEach(() => {
    useConnectionStore().stop();
    vi.unstubAllGlobals();
  });

  it('is live only after the catch-up, and stale from the moment the link drops', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(sut.status).toBe('connecting');
    wallSocket.socket.serverSends('connect');
    expect(sut.status).toBe('syncing');
    wallSocket.socket.serverSends('alarm:live', { seq: 7 });
    expect(sut.status).toBe('live');
    expect(sut.staleSince).toBeNull();

    const before = Date.now();
    wallSocket.socket.serverSends('disconnect', 'transport close');
    expect(sut.status).toBe('disconnected');
    expect(sut.staleSince).toBeGreaterThanOrEqual(before);
    expect(useAlarmStore().live).toBe(false);
  });

  it('hands the latest applied seq to every (re)connect handshake', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(wallSocket.handshake()).toEqual({ lastSeq: null });
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:snapshot', { seq: 40, alarms: [] });
    wallSocket.socket.serverSends('alarm:live', { seq: 40 });
    expect(wallSocket.handshake()).toEqual({ lastSeq: 40 });
  });

  it('counts reconnect attempts while disconnected', () => {
    const sut = useConnectionStore();
    sut.start();
    wallSocket.socket.serverSends('connect_error', new Error('refused'));
    wallSocket.socket.managerHandlers.get('reconnect_attempt')?.(3);
    expect(sut.status).toBe('disconnected');
    expect(sut.reconnectAttempt).toBe(3);
  });
});
