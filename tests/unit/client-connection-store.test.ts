// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubWallFetch, wallSocket } from './helpers/wall-socket.js';
import { makeAlarm } from './helpers/alarm.js';
import { settled, snapshotWire } from './helpers/snapshot.js';

vi.mock('../../client/socket.js', async () => (await import('./helpers/wall-socket.js')).fakeSocketModule());

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useAlarmStore } = await import('../../client/stores/alarms.js');
const { useWallStore } = await import('../../client/stores/wall.js');
const { TOO_MANY_SOCKETS_RETRY_MS } = await import('../../client/stores/connection.js');

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

  it('hands the latest applied seq to every (re)connect handshake', async () => {
    const sut = useConnectionStore();
    sut.start();
    expect(wallSocket.handshake()).toEqual({ lastSeq: null });
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:snapshot', snapshotWire(40, []));
    wallSocket.socket.serverSends('alarm:live', { seq: 40 });
    await settled(() => expect(sut.status).toBe('live'));
    expect(wallSocket.handshake()).toEqual({ lastSeq: 40 });
  });

  it('decodes the compact snapshot and applies what came after it in order, behind it', async () => {
    const sut = useConnectionStore();
    const alarms = useAlarmStore();
    const wall = useWallStore();
    sut.start();
    await settled(() => expect(wall.loadState).toBe('ready'));
    wallSocket.socket.serverSends('connect');
    const closed = makeAlarm({ id: 'closed', state: 'resolved', disposition: 'handled_on_site', transitions: [
      { action: 'raise', from: null, to: 'new', actor: 'device:SOS-S0001-1', at: '2026-12-04T01:00:00.000Z', note: null },
      { action: 'resolve', from: 'new', to: 'resolved', actor: '值班员', at: '2026-12-04T01:05:00.123Z', note: '现场处置', noteEn: 'handled' },
    ] });
    const open = makeAlarm({ id: 'open', schoolId: 'S0002', openedAt: '2026-12-04T08:00:00+08:00' });
    wallSocket.socket.serverSends('alarm:snapshot', snapshotWire(41, [open, closed], [{ schoolId: 'S0002', status: 'alarm' }]));
    // A change right behind the snapshot waits for it, then applies on top.
    wallSocket.socket.serverSends('alarm', { seq: 42, alarm: { ...open, state: 'acknowledged' } });
    wallSocket.socket.serverSends('alarm:live', { seq: 42 });
    expect(alarms.lastSeq).toBeNull();
    await settled(() => expect(sut.status).toBe('live'));
    expect(alarms.lastSeq).toBe(42);
    expect(alarms.open.get('open')).toEqual({ ...open, state: 'acknowledged' });
    expect(alarms.closed).toEqual([closed]);
    expect(wall.statusOf('S0002')).toBe('alarm');
  });

  it('shows the server’s refusal of one screen too many in both languages, and tries again later', () => {
    vi.useFakeTimers();
    try {
      const sut = useConnectionStore();
      sut.start();
      const refused = Object.assign(new Error('too many screens for one session'), {
        data: { code: 'too_many_sockets', cap: 16, error: 'too many screens for one session', message: { zh: '同一登录会话最多同时打开 16 个屏幕连接', en: 'too many screens for one session' } },
      });
      wallSocket.socket.serverSends('connect_error', refused);
      expect(sut.status).toBe('disconnected');
      expect(sut.refusal).toEqual({ zh: '同一登录会话最多同时打开 16 个屏幕连接', en: 'too many screens for one session' });
      const connects = wallSocket.socket.connects;
      vi.advanceTimersByTime(TOO_MANY_SOCKETS_RETRY_MS);
      expect(wallSocket.socket.connects).toBe(connects + 1);
      wallSocket.socket.serverSends('connect');
      expect(sut.refusal).toBeNull();
    } finally {
      vi.useRealTimers();
    }
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
