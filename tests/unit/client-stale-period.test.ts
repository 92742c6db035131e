// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { HandshakeAuth } from '../../shared/events.js';
import type { WallSnapshot } from '../../shared/wall.js';

type Handler = (...args: unknown[]) => void;

/** Stands in for the Socket.IO client: records handlers so the test can play the server. */
class FakeSocket {
  readonly handlers = new Map<string, Handler>();
  readonly io = { on: () => undefined };
  connected = false;
  connects = 0;
  disconnects = 0;
  readonly sent: { event: string; payload: unknown }[] = [];
  answer: unknown = { ok: true, data: null };
  on(event: string, handler: Handler): this {
    this.handlers.set(event, handler);
    return this;
  }
  connect(): void {
    this.connects += 1;
  }
  disconnect(): void {
    this.disconnects += 1;
    this.connected = false;
    this.handlers.get('disconnect')?.('io client disconnect');
  }
  removeAllListeners(): void {
    this.handlers.clear();
  }
  timeout(): { emitWithAck: (event: string, payload: unknown) => Promise<unknown> } {
    return {
      emitWithAck: async (event, payload) => {
        this.sent.push({ event, payload });
        return this.answer;
      },
    };
  }
  serverSends(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    this.handlers.get(event)?.(...args);
  }
}

let socket = new FakeSocket();
let handshake: () => HandshakeAuth = () => ({});
vi.mock('../../client/socket.js', () => ({
  createWallSocket: (ask: () => HandshakeAuth) => {
    handshake = ask;
    return socket;
  },
}));

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useSessionStore } = await import('../../client/stores/session.js');
const { formatSpan, formatTime } = await import('../../client/format.js');
const { i18n } = await import('../../client/i18n/index.js');

const emptyWall: WallSnapshot = {
  generatedAt: '2025-03-02T08:00:00Z',
  schools: [],
  policePosts: [],
  guardPosts: [],
  statuses: [],
  cameras: { total: 0, online: 0, offline: 0, fault: 0 },
  schoolCameras: [],
};

function makeAlarm(id: string): Alarm {
  const at = '2025-03-02T02:00:00.000Z';
  return {
    id, type: 'sos', priority: 1, state: 'new', schoolId: 'S0001', deviceId: 'SOS-S0001-1', districtCode: '410402',
    openedAt: at, receivedAt: at, updatedAt: at, count: 1, lastSeenAt: at, drill: false, unitId: null, disposition: null, transitions: [],
  };
}

/** 10:01:02 in Asia/Shanghai. */
const LOST_AT = Date.parse('2025-03-02T02:01:02Z');

describe(formatSpan.name, () => {
  it('says a span in words, largest unit first, leaving out zero parts', () => {
    expect(formatSpan(133_000, 'zh-CN')).toBe('2分13秒');
    expect(formatSpan(133_000, 'en')).toBe('2 min 13 s');
    expect(formatSpan(3_605_000, 'zh-CN')).toBe('1小时5秒');
    expect(formatSpan(45_400, 'zh-CN')).toBe('45秒');
    expect(formatSpan(120_000, 'en')).toBe('2 min');
    expect(formatSpan(300, 'zh-CN')).toBe('0秒');
  });
});

describe('stale-period summary (useConnectionStore)', () => {
  beforeEach(() => {
    socket = new FakeSocket();
    localStorage.clear();
    setActivePinia(createPinia());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(LOST_AT - 60_000);
    vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(JSON.stringify(url.includes('client-config') ? { tileUrl: null, tileAttribution: null, buildId: 'b1' } : emptyWall))));
  });
  afterEach(() => {
    useConnectionStore().stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('records when the screen went stale, for how long, and what the catch-up replayed', () => {
    const sut = useConnectionStore();
    sut.start();
    socket.serverSends('connect');
    socket.serverSends('alarm:live', { seq: 10 });
    expect(sut.lastStalePeriod).toBeNull();
    expect(sut.log.map((entry) => entry.kind)).toEqual(['live']);

    vi.setSystemTime(LOST_AT);
    socket.serverSends('disconnect', 'transport close');
    vi.setSystemTime(LOST_AT + 20_000);
    socket.serverSends('connect_error', new Error('refused')); // Retries failing: still the same stale period.
    vi.setSystemTime(LOST_AT + 133_000);
    socket.serverSends('connect');
    socket.serverSends('alarm', { seq: 11, alarm: makeAlarm('A1') });
    socket.serverSends('alarm', { seq: 12, alarm: makeAlarm('A2') });
    socket.serverSends('alarm', { seq: 12, alarm: makeAlarm('A2') }); // A duplicate is not counted.
    socket.serverSends('alarm:live', { seq: 12 });

    expect(sut.status).toBe('live');
    expect(sut.staleSince).toBeNull();
    expect(sut.lastStalePeriod).toEqual({ from: LOST_AT, to: LOST_AT + 133_000, changes: 2, snapshot: false });
    expect(sut.log.map((entry) => entry.kind)).toEqual(['recovered', 'lost', 'live']);

    const period = sut.lastStalePeriod;
    if (!period) throw new Error('no period');
    const summary = i18n.global.t('recovery.summary', {
      span: formatSpan(period.to - period.from, 'zh-CN'),
      from: formatTime(period.from, 'zh-CN'),
      to: formatTime(period.to, 'zh-CN'),
    });
    expect(summary).toBe('数据中断 2分13秒（10:01:02–10:03:15），已补齐');
  });

  it('says so when the catch-up was a fresh snapshot rather than a replay', () => {
    const sut = useConnectionStore();
    sut.start();
    socket.serverSends('connect');
    socket.serverSends('alarm:live', { seq: 10 });
    vi.setSystemTime(LOST_AT);
    socket.serverSends('disconnect', 'transport close');
    vi.setSystemTime(LOST_AT + 7_000);
    socket.serverSends('connect');
    socket.serverSends('alarm:snapshot', { seq: 9_000, alarms: [makeAlarm('A1')] });
    socket.serverSends('alarm:live', { seq: 9_000 });
    expect(sut.lastStalePeriod).toMatchObject({ from: LOST_AT, to: LOST_AT + 7_000, snapshot: true });
  });

  it('sends only the last seq in the handshake: the server knows the person from the session cookie', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(handshake()).toEqual({ lastSeq: null });
    socket.serverSends('connect');
    socket.serverSends('alarm:live', { seq: 3 });
    expect(handshake()).toEqual({ lastSeq: 3 });
  });

  it('stops retrying and ends the session when the server says the socket is not signed in', () => {
    const session = useSessionStore();
    session.adopt({ id: 1, username: 'police', displayName: '张伟', role: 'police_operator', districtCode: null, schoolId: null });
    const sut = useConnectionStore();
    sut.start();
    socket.serverSends('connect_error', new Error('some network trouble'));
    expect(session.state).toBe('signed-in');
    expect(socket.disconnects).toBe(0);

    socket.serverSends('connect_error', new Error('not signed in'));
    expect(session.state).toBe('expired');
    expect(session.user).toBeNull();
    expect(socket.disconnects).toBe(1);
    expect(socket.handlers.size).toBe(0); // No listener left to reconnect or apply anything.
  });

  it('refuses to send a command while the link is down, and passes the server’s refusal on', async () => {
    const sut = useConnectionStore();
    sut.start();
    await expect(sut.command('alarm:ack', { id: 'A1' })).resolves.toEqual({ ok: false, reason: 'offline' });
    expect(socket.sent).toEqual([]);

    socket.serverSends('connect');
    socket.answer = { ok: false, error: 'cannot ack this alarm: it is acknowledged' };
    await expect(sut.command('alarm:ack', { id: 'A1' })).resolves.toEqual({ ok: false, reason: 'refused', error: 'cannot ack this alarm: it is acknowledged' });
    expect(socket.sent).toEqual([{ event: 'alarm:ack', payload: { id: 'A1' } }]);
  });
});
