import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { PostLive, PostWindowFigures } from '../../shared/wall.js';
import { GuardPostService } from '../../server/services/guard-post.service.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { connectClient, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

/** A clock the test moves by hand, set in Asia/Shanghai local time. */
function pinnedClock(local: string) {
  let now = Date.parse(`${local}+08:00`);
  return {
    now: () => now,
    set: (time: string) => (now = Date.parse(`${local.slice(0, 10)}T${time}+08:00`)),
    iso: () => new Date(now).toISOString(),
  };
}

// 2026-11-30 is a Monday in the autumn term; G0001 (terminal PT-G0001 at S0001) is due 07:00–08:00.
const DAY = '2026-11-30';

describe(`${GuardPostService.name}: 护学岗 absence alarms`, () => {
  const servers: TestServer[] = [];
  const sessions = new Map<TestServer, Session>();
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function server(clock: ReturnType<typeof pinnedClock>, options: { dataDir?: string; env?: Record<string, string> } = {}) {
    const s = await startTestServer({ clock, ...options });
    servers.push(s);
    sessions.set(s, await signInAs(s, { role: 'police_operator' }));
    return s;
  }
  async function get<T>(s: TestServer, path: string): Promise<T> {
    return (await (await fetch(`${s.url}${path}`, { headers: sessions.get(s)!.headers() })).json()) as T;
  }
  const absences = async (s: TestServer) => (await get<{ alarms: Alarm[] }>(s, '/api/v1/alarms?type=post_absent&state=all')).alarms;
  const checkIn = (s: TestServer, at: string) => s.post({ type: 'post.checkin', deviceId: 'PT-G0001', at, person: '王建国' });

  it('raises after the grace, closes by a system step every screen sees on check-in, and never raises twice in a window, even after a restart', async () => {
    const clock = pinnedClock(`${DAY}T06:58:00`);
    const sut = await server(clock);
    clock.set('07:04:59');
    await sut.tick();
    expect(await absences(sut)).toEqual([]);

    clock.set('07:05:00');
    await sut.tick();
    const [raised] = await absences(sut);
    expect(raised).toMatchObject({ deviceId: 'PT-G0001', schoolId: 'S0001', priority: 3, state: 'new' });
    expect(raised?.transitions[0]).toMatchObject({ action: 'raise', actor: 'system', note: '07:00–08:00 时段开始后5分钟未签到', noteEn: 'no check-in 5 min into 07:00–08:00' });

    const screen = connectClient(sut.url, { cookie: sessions.get(sut)!.cookie });
    await screen.live;
    clock.set('07:07:30');
    expect((await checkIn(sut, clock.iso())).status).toBe(202);
    await waitFor(() => screen.changes.some((c) => c.alarm.id === raised?.id && c.alarm.state === 'resolved'), 'the closing change on the socket');
    const closing = screen.changes.find((c) => c.alarm.id === raised?.id && c.alarm.state === 'resolved')!;
    expect(closing.seq).toBeGreaterThan(0);
    expect(closing.alarm.disposition).toBe('post_checked_in');
    expect(closing.alarm.transitions.at(-1)).toEqual({
      action: 'auto_resolve', from: 'new', to: 'resolved', actor: 'system', at: '2026-11-29T23:07:30.000Z',
      note: '07:07 签到，迟到 8 分钟', noteEn: 'checked in at 07:07, 8 min late',
    });
    screen.socket.disconnect();

    const [post] = (await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts;
    expect(post).toMatchObject({ state: 'late', minutesLate: 8, checkedInAt: '2026-11-29T23:07:30.000Z' });
    const { windows } = await get<{ windows: PostWindowFigures[] }>(sut, '/api/v1/posts/figures');
    expect(windows).toEqual([
      { window: { start: '07:00', end: '08:00' }, due: 1, onTime: 0, late: 1, absent: 0, pending: 0, upcoming: 0 },
      { window: { start: '11:30', end: '12:30' }, due: 1, onTime: 0, late: 0, absent: 0, pending: 0, upcoming: 1 },
      { window: { start: '17:00', end: '18:00' }, due: 1, onTime: 0, late: 0, absent: 0, pending: 0, upcoming: 1 },
    ]);
    // The stored alarm reads the same as the pushed one.
    expect((await absences(sut))[0]?.transitions.at(-1)).toMatchObject({ actor: 'system', noteEn: 'checked in at 07:07, 8 min late' });

    // Leaving before the end makes the post absent again, but the window already had its alarm.
    clock.set('07:20:00');
    await sut.post({ type: 'post.checkout', deviceId: 'PT-G0001', at: clock.iso() });
    await sut.tick();
    expect((await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts[0]?.state).toBe('absent');
    expect(await absences(sut)).toHaveLength(1);

    const { dataDir } = sut;
    await sut.close();
    servers.splice(0);
    clock.set('07:30:00');
    const again = await server(clock, { dataDir });
    clock.set('07:32:00');
    await again.tick();
    expect((await absences(again)).map((a) => a.state)).toEqual(['resolved']);
  });

  it('closes an alarm left open across a restart when the post checks in after it', async () => {
    const clock = pinnedClock(`${DAY}T06:58:00`);
    const first = await server(clock);
    clock.set('07:06:00');
    await first.tick();
    expect((await absences(first)).map((a) => a.state)).toEqual(['new']);
    const { dataDir } = first;
    await first.close();
    servers.splice(0);

    const sut = await server(clock, { dataDir });
    clock.set('07:09:00');
    await checkIn(sut, clock.iso());
    await sut.tick();
    const [closed] = await absences(sut);
    expect(closed).toMatchObject({ state: 'resolved', disposition: 'post_checked_in' });
    expect(closed?.transitions.at(-1)).toMatchObject({ action: 'auto_resolve', actor: 'system', note: '07:09 签到，迟到 9 分钟' });
    // On the audit log as the system's step, written with the change.
    const entries = (await sut.services.audit.search({ action: 'alarm.auto_resolve', limit: 10 })).filter((e) => e.target === closed?.id);
    expect(entries).toEqual([expect.objectContaining({ actor: 'system', details: expect.objectContaining({ from: 'new', to: 'resolved', disposition: 'post_checked_in' }) })]);
  });

  it('started mid-window, waits for the re-sent check-ins before judging anyone absent', async () => {
    const clock = pinnedClock(`${DAY}T07:35:00`);
    const sut = await server(clock);
    await sut.tick();
    expect(await absences(sut)).toEqual([]);
    // Not judged absent while its check-in may still be on its way.
    const waiting = (await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts[0];
    expect(waiting).toMatchObject({ state: 'late', checkedInAt: null });
    expect(waiting?.reason.en).toMatch(/waiting for devices/);
    expect((await get<{ windows: PostWindowFigures[] }>(sut, '/api/v1/posts/figures')).windows[0]).toMatchObject({ absent: 0, pending: 1 });
    // The gateway re-sends the morning's check-in with its own time, 34 s after the start.
    clock.set('07:35:34');
    await checkIn(sut, `${DAY}T06:56:00+08:00`);
    clock.set('07:36:00');
    await sut.tick();
    expect(await absences(sut)).toEqual([]);
    expect((await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts[0]).toMatchObject({ state: 'on_duty', minutesLate: 0 });
  });

  it('raises once the settle time is over for a post that never reported', async () => {
    const clock = pinnedClock(`${DAY}T07:35:00`);
    const sut = await server(clock);
    clock.set('07:35:59');
    await sut.tick();
    expect(await absences(sut)).toEqual([]);
    clock.set('07:36:00');
    await sut.tick();
    expect(await absences(sut)).toHaveLength(1);
    expect((await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts[0]?.state).toBe('absent');
    expect((await get<{ windows: PostWindowFigures[] }>(sut, '/api/v1/posts/figures')).windows[0]).toMatchObject({ absent: 1, pending: 0 });
  });

  it('never raises at night, on a Saturday, or in the summer holiday', async () => {
    for (const local of ['2026-11-30T23:59:30', '2026-12-05T07:30:00', '2026-08-03T07:30:00']) {
      const clock = pinnedClock(local);
      const sut = await server(clock, { env: { XIAOAN_POST_SETTLE_SECONDS: '0' } });
      await sut.tick();
      expect((await get<{ posts: PostLive[] }>(sut, '/api/v1/posts/status')).posts[0]?.state).toBe('off_hours');
      expect(await absences(sut)).toEqual([]);
      expect((await get<{ windows: PostWindowFigures[] }>(sut, '/api/v1/posts/figures')).windows).toEqual(local.startsWith('2026-11-30') ? expect.any(Array) : []);
    }
  });

  it('takes the grace from XIAOAN_POST_GRACE_MINUTES', async () => {
    const clock = pinnedClock(`${DAY}T06:58:00`);
    const sut = await server(clock, { env: { XIAOAN_POST_GRACE_MINUTES: '10', XIAOAN_POST_SETTLE_SECONDS: '0' } });
    clock.set('07:09:59');
    await sut.tick();
    expect(await absences(sut)).toEqual([]);
    clock.set('07:10:00');
    await sut.tick();
    expect(await absences(sut)).toHaveLength(1);
  });
});
