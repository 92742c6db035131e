import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { CameraFault, PostLive } from '../../shared/wall.js';
import { postStatusFromColumns, type PostStatusColumns } from '../../shared/post-status-columns.js';
import type { CoverageReport } from '../../shared/rules/coverage.js';
import { FaultService } from '../../server/services/fault.service.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { connectClient, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

/** A clock the test moves by hand. */
function pinnedClock(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000), iso: () => new Date(now).toISOString() };
}

/** A city-level police operator on each test server, by origin. */
const readers = new Map<string, Session>();

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url, { headers: readers.get(new URL(url).origin)!.headers() })).json()) as T;
}

describe(`${FaultService.name} and the field services`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  async function server(clock: ReturnType<typeof pinnedClock>, dataDir?: string) {
    const s = await startTestServer({ clock, ...(dataDir ? { dataDir } : {}) });
    servers.push(s);
    readers.set(new URL(s.url).origin, await signInAs(s, { role: 'police_operator' }));
    return s;
  }

  it('opens a fault ticket after the third missed keepalive, due 24 h after the fault\'s start (附件3 二(三) "应在24小时内恢复功能": the last keepalive heard), and closes it when the camera is back', async () => {
    const clock = pinnedClock('2026-11-30T02:00:00Z');
    const sut = await server(clock);
    const screen = connectClient(sut.url, { cookie: readers.get(sut.url)!.cookie });
    await screen.live;
    const pushed: CameraFault[] = [];
    const counts: [string, number, number][] = [];
    screen.socket.on('camera:faults', ({ changes }) => pushed.push(...changes));
    screen.socket.on('school:cameras', ({ changes }) => counts.push(...changes));

    const beat = () => sut.post({ type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at: clock.iso() });
    await beat();
    clock.advance(180);
    await sut.tick();
    expect(await json<{ faults: CameraFault[] }>(`${sut.url}/api/v1/faults`)).toEqual({ faults: [] });

    clock.advance(1);
    await sut.tick();
    const { faults } = await json<{ faults: CameraFault[] }>(`${sut.url}/api/v1/faults?state=open&schoolId=S0001`);
    const ticket = faults.find((f) => f.deviceId === 'CAM-S0001-01');
    // The outage started at the last keepalive (02:00:00), not when the misses were noticed (02:03:01).
    expect(ticket).toMatchObject({ reason: 'offline', openedAt: '2026-11-30T02:00:00.000Z', deadlineAt: '2026-12-01T02:00:00.000Z', closedAt: null });
    await waitFor(() => pushed.some((f) => f.deviceId === 'CAM-S0001-01' && f.closedAt === null), 'the opened ticket pushed');

    const wall = await json<{ schoolCameras: [string, number, number][] }>(`${sut.url}/api/v1/wall`);
    expect(wall.schoolCameras).toContainEqual(['S0001', 0, 3]);
    await waitFor(() => counts.some(([id, online]) => id === 'S0001' && online === 0), 'the school camera count pushed');

    clock.advance(119);
    await beat();
    await sut.tick();
    const closed = (await json<{ faults: CameraFault[] }>(`${sut.url}/api/v1/faults?state=closed`)).faults.find((f) => f.id === ticket?.id);
    expect(closed).toMatchObject({ closedAt: '2026-11-30T02:05:00.000Z', outageSeconds: 300 });
    await waitFor(() => pushed.some((f) => f.id === ticket?.id && f.closedAt !== null), 'the closed ticket pushed');
    screen.socket.disconnect();
  });

  it('keeps a camera down across a restart while its ticket is open', async () => {
    const clock = pinnedClock('2026-11-30T02:00:00Z');
    const first = await server(clock);
    await first.post({ type: 'camera.fault', deviceId: 'CAM-S0002-02', at: clock.iso(), fault: 'video_loss' });
    await first.tick();
    const { dataDir } = first;
    await first.close();
    servers.splice(0);
    const second = await server(clock, dataDir);
    const devices = await json<{ devices: { id: string; state: string | null }[] }>(`${second.url}/api/v1/schools/S0002/devices`);
    expect(devices.devices.find((d) => d.id === 'CAM-S0002-02')?.state).toBe('fault');
    const wall = await json<{ statuses: { schoolId: string; status: string }[] }>(`${second.url}/api/v1/wall`);
    expect(wall.statuses).toContainEqual({ schoolId: 'S0002', status: 'fault' });
  });

  it('marks a 护学岗 absent 5 minutes into its window and raises one post_absent alarm, even across a restart', async () => {
    // Monday 2026-11-30, 07:05 in Asia/Shanghai: G0001 is due 07:00–08:00.
    // Started a minute before, so the settle time after a start (XIAOAN_POST_SETTLE_SECONDS) is over.
    const clock = pinnedClock('2026-11-29T23:04:00Z');
    const sut = await server(clock);
    clock.advance(60);
    await sut.tick();
    const posts = await json<{ posts: PostLive[] }>(`${sut.url}/api/v1/posts/status`);
    expect(posts.posts).toEqual([expect.objectContaining({ postId: 'G0001', state: 'absent', window: { start: '07:00', end: '08:00' } })]);
    await sut.tick();
    const alarms = async (s: TestServer) => (await json<{ alarms: Alarm[] }>(`${s.url}/api/v1/alarms?type=post_absent`)).alarms;
    expect(await alarms(sut)).toEqual([expect.objectContaining({ schoolId: 'S0001', deviceId: 'PT-G0001', priority: 3, state: 'new' })]);

    const { dataDir } = sut;
    await sut.close();
    servers.splice(0);
    const again = await server(clock, dataDir);
    await again.tick();
    expect(await alarms(again)).toHaveLength(1);

    clock.advance(120);
    await again.post({ type: 'post.checkin', deviceId: 'PT-G0001', at: clock.iso(), person: '王建国' });
    await again.tick();
    const late = (await json<{ posts: PostLive[] }>(`${again.url}/api/v1/posts/status`)).posts[0];
    expect(late).toMatchObject({ state: 'late', checkedInAt: '2026-11-29T23:07:00.000Z' });
    expect(late?.reason.en).toBe('checked in 7 min late');
    // What screens load: the same states in columns.
    const columns = await json<PostStatusColumns>(`${again.url}/api/v1/posts/status/columns`);
    expect(columns.postId).toEqual(['G0001']);
    expect(postStatusFromColumns(columns)).toEqual((await json<{ posts: PostLive[] }>(`${again.url}/api/v1/posts/status`)).posts);
  });

  it("counts a school's patrol rounds from scans", async () => {
    const clock = pinnedClock('2026-11-30T02:00:00Z');
    const sut = await server(clock);
    await sut.post({ type: 'patrol.scan', deviceId: 'PAT-S0001-1', at: clock.iso(), id: 'scan-1' });
    const { schools } = await json<{ schools: { schoolId: string; done: number; due: number; points: number }[] }>(`${sut.url}/api/v1/patrol?schoolId=S0001`);
    // 10:00 local: one round (due 09:12) is due; S0001 has one patrol point, scanned once.
    expect(schools).toEqual([expect.objectContaining({ schoolId: 'S0001', points: 1, done: 1, due: 1, missed: 0 })]);
  });

  it('reports which schools have a 护学岗 and a police post within reach', async () => {
    const sut = await server(pinnedClock('2026-11-30T02:00:00Z'));
    const report = await json<CoverageReport>(`${sut.url}/api/v1/coverage`);
    expect(report.total).toEqual({ schools: 3, withGuardPost: 1, withPolicePost: 2, covered: 1 });
    expect(report.schools.find((s) => s.schoolId === 'S0001')).toMatchObject({ guardPost: { id: 'G0001' }, policePost: { id: 'P001' } });
    const strict = await json<CoverageReport>(`${sut.url}/api/v1/coverage?policePostM=100`);
    expect(strict.total.withPolicePost).toBe(0);
    expect((await fetch(`${sut.url}/api/v1/coverage?policePostM=abc`, { headers: readers.get(sut.url)!.headers() })).status).toBe(400);
  });
});
