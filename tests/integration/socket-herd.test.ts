import { afterEach, describe, expect, it } from 'vitest';
import { AlarmDelivery } from '../../server/realtime/alarm-delivery.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { connectClient, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer, type TestServerOptions, type TestSocket } from '../helpers/server.js';

/**
 * Issue 12, item 1: bounded socket work. A session may hold only so many screens open; a catch-up
 * of over a thousand changes arrives whole and in order, in chunks; and a live alarm is never sent
 * behind another screen's catch-up. Real server, real socket.io-client, real SQLite file.
 */
describe(`${AlarmDelivery.name}: bounded work per screen`, () => {
  const servers: TestServer[] = [];
  const sockets: TestSocket[] = [];
  async function server(options: TestServerOptions = {}): Promise<TestServer> {
    const s = await startTestServer(options);
    servers.push(s);
    return s;
  }
  function screen(target: TestServer, session: Session, lastSeq: number | null = null): RecordingClient {
    const client = connectClient(target.url, { cookie: session.cookie, lastSeq });
    sockets.push(client.socket);
    return client;
  }
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.disconnect());
    for (const s of servers.splice(0)) await s.close();
  });

  /** A handshake's outcome: live, or the connect_error the server answered with. */
  function outcome(client: RecordingClient): Promise<'live' | (Error & { data?: { code?: string; cap?: number; error?: string; message?: { zh: string; en: string } } })> {
    return client.live.then(
      () => 'live' as const,
      (error: unknown) => error as Error,
    );
  }

  /**
   * `count` alarm changes: SOS presses at the three schools, each press a change of its school's
   * open alarm (a repeat folds into it). Returns once a live city screen has heard them all.
   */
  async function changes(target: TestServer, count: number, listener: RecordingClient): Promise<void> {
    const before = listener.changes.length;
    const schools = ['S0001', 'S0002', 'S0003'];
    for (let sent = 0; sent < count; ) {
      const batch = Array.from({ length: Math.min(500, count - sent) }, (_, i) => sosEvent(schools[(sent + i) % 3], { id: `herd-${sent + i}`, at: new Date(Date.now() - 60_000 + sent + i).toISOString() }));
      const answer = await target.post(batch);
      expect(answer.status).toBe(202);
      sent += batch.length;
    }
    await waitFor(() => listener.changes.length - before >= count, `${count} changes heard live`, 60_000);
  }

  it('refuses a session more sockets than XIAOAN_SOCKETS_PER_SESSION, in both languages, and admits one again when one closes', async () => {
    const sut = await server({ env: { XIAOAN_SOCKETS_PER_SESSION: '3' } });
    const wall = await signInAs(sut, { role: 'viewer' });
    const other = await signInAs(sut, { role: 'viewer' });
    const admitted = [screen(sut, wall), screen(sut, wall), screen(sut, wall)];
    expect(await Promise.all(admitted.map(outcome))).toEqual(['live', 'live', 'live']);

    const fourth = await outcome(screen(sut, wall));
    expect(fourth).not.toBe('live');
    const refused = fourth as Exclude<typeof fourth, 'live'>;
    expect(refused.message).toMatch(/too many screens for one session/);
    expect(refused.data?.code).toBe('too_many_sockets');
    expect(refused.data?.cap).toBe(3);
    expect(refused.data?.message?.zh).toContain('最多同时打开 3 个屏幕连接');
    expect(refused.data?.message?.en).toContain('at most 3 screens');

    // Another session is not counted against this one.
    expect(await outcome(screen(sut, other))).toBe('live');

    // One closes: the session may open one again.
    admitted[0]!.socket.disconnect();
    await waitFor(() => !admitted[0]!.socket.connected, 'the first socket closed');
    let again: Awaited<ReturnType<typeof outcome>> = new Error('not tried');
    for (let attempt = 0; attempt < 50 && again !== 'live'; attempt++) {
      again = await outcome(screen(sut, wall));
      if (again !== 'live') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again).toBe('live');
  });

  it('admits a burst of handshakes of one session only up to the cap (counted at admission, not after)', async () => {
    const sut = await server({ env: { XIAOAN_SOCKETS_PER_SESSION: '4' } });
    const wall = await signInAs(sut, { role: 'viewer' });
    const burst = Array.from({ length: 10 }, () => screen(sut, wall));
    const outcomes = await Promise.all(burst.map(outcome));
    expect(outcomes.filter((o) => o === 'live')).toHaveLength(4);
    expect(outcomes.filter((o) => o !== 'live').every((o) => typeof o !== 'string' && o.data?.code === 'too_many_sockets')).toBe(true);
  });

  it('lets the benchmark’s ten screens per session in by default', async () => {
    const sut = await server();
    expect(sut.config.realtime.socketsPerSession).toBeGreaterThanOrEqual(10);
    const wall = await signInAs(sut, { role: 'viewer' });
    const ten = Array.from({ length: 10 }, () => screen(sut, wall));
    expect(await Promise.all(ten.map(outcome))).toEqual(Array(10).fill('live'));
  });

  it('replays a catch-up of more than a thousand changes whole, in order, once each, in chunks', async () => {
    const sut = await server({ env: { XIAOAN_CATCHUP_CHUNK: '50' } });
    const operator = await signInAs(sut, { role: 'police_operator' });
    const listener = screen(sut, operator);
    await listener.live;
    await sut.post(sosEvent('S0001'));
    await waitFor(() => listener.changes.length === 1, 'the first change');
    const from = listener.lastSeq()!;
    await changes(sut, 1_200, listener);
    const expected = listener.changes.filter((c) => c.seq > from).map((c) => c.seq);
    expect(expected.length).toBeGreaterThanOrEqual(1_200);

    const behind = screen(sut, operator, from);
    let liveSeq = 0;
    behind.socket.once('alarm:live', ({ seq }) => (liveSeq = seq));
    await behind.live;
    expect(behind.snapshots).toBe(0);
    expect(behind.changes.map((c) => c.seq)).toEqual(expected);
    expect(liveSeq).toBe(expected.at(-1));
    // And the alarms are the ones the live screen saw, change for change.
    expect(behind.changes.map((c) => c.alarm.count)).toEqual(listener.changes.filter((c) => c.seq > from).map((c) => c.alarm.count));
  }, 120_000);

  it('sends a live alarm to another screen while a big catch-up is still being replayed', async () => {
    // Small chunks: the catch-up takes many turns of the event loop, as a long one would.
    const sut = await server({ env: { XIAOAN_CATCHUP_CHUNK: '10' } });
    const operator = await signInAs(sut, { role: 'police_operator' });
    const live = screen(sut, operator);
    await live.live;
    await sut.post(sosEvent('S0001'));
    await waitFor(() => live.changes.length === 1, 'the first change');
    const from = live.lastSeq()!;
    await changes(sut, 1_500, live);

    // Events as the test process receives them, across both screens.
    const order: string[] = [];
    let sos: AlarmChange | null = null;
    live.socket.on('alarm', (change) => {
      if (change.alarm.deviceId === 'INT-S0002-1') {
        sos = change;
        order.push('live screen: the new alarm');
      }
    });
    const behind = screen(sut, operator, from);
    let replayedBeforeAlarm = 0;
    let liveSeq = 0;
    behind.socket.on('alarm', (change) => {
      if (change.alarm.deviceId === 'INT-S0002-1') order.push('catching-up screen: the new alarm');
      else if (sos === null) replayedBeforeAlarm++;
    });
    behind.socket.once('alarm:live', ({ seq }) => {
      liveSeq = seq;
      order.push('catching-up screen: live');
    });
    // As soon as the replay has begun, a new alarm comes in.
    await new Promise<void>((resolve) => behind.socket.once('alarm', () => resolve()));
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: new Date().toISOString() })).status).toBe(202);
    await behind.live;
    await waitFor(() => sos !== null, 'the new alarm on the live screen');

    // The live screen had it before the other screen's catch-up was over…
    expect(order.indexOf('live screen: the new alarm')).toBeLessThan(order.indexOf('catching-up screen: live'));
    // …because it was delivered during the catch-up: the catch-up ended at or after its seq, and
    // replayed it in its place, once, with every change before it.
    const newSeq = (sos as AlarmChange | null)!.seq;
    expect(liveSeq).toBeGreaterThanOrEqual(newSeq);
    expect(replayedBeforeAlarm).toBeLessThan(1_500);
    const seqs = behind.changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(behind.changes.filter((c) => c.alarm.deviceId === 'INT-S0002-1')).toHaveLength(1);
    expect(seqs.filter((seq) => seq > from && seq < newSeq)).toHaveLength(live.changes.filter((c) => c.seq > from && c.seq < newSeq).length);
  }, 120_000);

  it('builds one snapshot for many screens of a scope at one seq, and they all paint the same alarms', async () => {
    const sut = await server();
    const operator = await signInAs(sut, { role: 'police_operator' });
    const listener = screen(sut, operator);
    await listener.live;
    await changes(sut, 30, listener);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => signInAs(sut, { role: 'viewer' })));
    const screens = sessions.flatMap((session) => Array.from({ length: 5 }, () => screen(sut, session)));
    await Promise.all(screens.map((s) => s.live));
    const first = screens[0]!.decodedSnapshots[0]!;
    expect(first.alarms.map((a) => a.schoolId).sort()).toEqual(['S0001', 'S0002', 'S0003']);
    expect(first.alarms.every((a) => a.count >= 10)).toBe(true);
    for (const s of screens) expect(s.decodedSnapshots[0]).toEqual(first);
    // The snapshot's alarms are the stored ones, field for field.
    const stored = (await (await operator.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] };
    const byId = (list: Alarm[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(first.alarms)).toEqual(byId(stored.alarms));
  }, 60_000);
});
