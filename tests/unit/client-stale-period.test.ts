// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { makeAlarm as makeAlarmFixture } from './helpers/alarm.js';
import { FakeSocket, stubWallFetch, wallSocket } from './helpers/wall-socket.js';
import { settled, snapshotWire } from './helpers/snapshot.js';

vi.mock('../../client/socket.js', async () => (await import('./helpers/wall-socket.js')).fakeSocketModule());

const { useConnectionStore } = await import('../../client/stores/connection.js');
const { useSessionStore } = await import('../../client/stores/session.js');
const { formatSpan, formatTime } = await import('../../client/format.js');
const { i18n } = await import('../../client/i18n/index.js');

function makeAlarm(id: string): Alarm {
  return makeAlarmFixture({ id, receivedAt: '2025-03-02T02:00:00.000Z' });
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
    wallSocket.socket = new FakeSocket();
    localStorage.clear();
    setActivePinia(createPinia());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(LOST_AT - 60_000);
    stubWallFetch();
  });
  afterEach(() => {
    useConnectionStore().stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('records when the screen went stale, for how long, and what the catch-up replayed', () => {
    const sut = useConnectionStore();
    sut.start();
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:live', { seq: 10 });
    expect(sut.lastStalePeriod).toBeNull();
    expect(sut.log.map((entry) => entry.kind)).toEqual(['live']);

    vi.setSystemTime(LOST_AT);
    wallSocket.socket.serverSends('disconnect', 'transport close');
    vi.setSystemTime(LOST_AT + 20_000);
    wallSocket.socket.serverSends('connect_error', new Error('refused')); // Retries failing: still the same stale period.
    vi.setSystemTime(LOST_AT + 133_000);
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm', { seq: 11, alarm: makeAlarm('A1') });
    wallSocket.socket.serverSends('alarm', { seq: 12, alarm: makeAlarm('A2') });
    wallSocket.socket.serverSends('alarm', { seq: 12, alarm: makeAlarm('A2') }); // A duplicate is not counted.
    wallSocket.socket.serverSends('alarm:live', { seq: 12 });

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

  it('says so when the catch-up was a fresh snapshot rather than a replay', async () => {
    const sut = useConnectionStore();
    sut.start();
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:live', { seq: 10 });
    vi.setSystemTime(LOST_AT);
    wallSocket.socket.serverSends('disconnect', 'transport close');
    vi.setSystemTime(LOST_AT + 7_000);
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:snapshot', snapshotWire(9_000, [makeAlarm('A1')]));
    wallSocket.socket.serverSends('alarm:live', { seq: 9_000 });
    // The snapshot is decoded asynchronously; `alarm:live` waits behind it.
    expect(sut.status).toBe('syncing');
    await settled(() => expect(sut.lastStalePeriod).toMatchObject({ from: LOST_AT, to: LOST_AT + 7_000, snapshot: true }));
    expect(sut.status).toBe('live');
  });

  it('sends only the last seq in the handshake: the server knows the person from the session cookie', () => {
    const sut = useConnectionStore();
    sut.start();
    expect(wallSocket.handshake()).toEqual({ lastSeq: null });
    wallSocket.socket.serverSends('connect');
    wallSocket.socket.serverSends('alarm:live', { seq: 3 });
    expect(wallSocket.handshake()).toEqual({ lastSeq: 3 });
  });

  it('stops retrying and ends the session when the server says the socket is not signed in', () => {
    const session = useSessionStore();
    session.adopt({ id: 1, username: 'police', displayName: '张伟', role: 'police_operator', districtCode: null, schoolId: null, unitId: null });
    const sut = useConnectionStore();
    sut.start();
    wallSocket.socket.serverSends('connect_error', new Error('some network trouble'));
    expect(session.state).toBe('signed-in');
    expect(wallSocket.socket.disconnects).toBe(0);

    wallSocket.socket.serverSends('connect_error', new Error('not signed in'));
    expect(session.state).toBe('expired');
    expect(session.user).toBeNull();
    expect(wallSocket.socket.disconnects).toBe(1);
    expect(wallSocket.socket.handlers.size).toBe(0); // No listener left to reconnect or apply anything.
  });

  it('refuses to send a command while the link is down, and passes the server’s refusal on', async () => {
    const sut = useConnectionStore();
    sut.start();
    await expect(sut.command('alarm:ack', { id: 'A1' })).resolves.toEqual({ ok: false, reason: 'offline' });
    expect(wallSocket.socket.sent).toEqual([]);

    wallSocket.socket.serverSends('connect');
    wallSocket.socket.answer = { ok: false, error: 'cannot ack this alarm: it is acknowledged' };
    await expect(sut.command('alarm:ack', { id: 'A1' })).resolves.toEqual({ ok: false, reason: 'refused', error: 'cannot ack this alarm: it is acknowledged', message: null });
    expect(wallSocket.socket.sent).toEqual([{ event: 'alarm:ack', payload: { id: 'A1' } }]);
  });
});
