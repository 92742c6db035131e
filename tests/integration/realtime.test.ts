import { afterEach, describe, expect, it } from 'vitest';
import { AlarmDelivery } from '../../server/realtime/alarm-delivery.js';
import { signInAs } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer, type TestServerOptions } from '../helpers/server.js';

const engines = await availableEngines();

describe.each(engines)(`${AlarmDelivery.name} on %s`, (engine) => {
  const servers: TestServer[] = [];
  const clients: RecordingClient[] = [];
  async function server(options: TestServerOptions = {}): Promise<TestServer> {
    const s = await startTestServer({ engine, ...options });
    servers.push(s);
    return s;
  }
  /** A city-level police operator's screen. */
  async function client(target: TestServer, lastSeq: number | null = null): Promise<RecordingClient> {
    const session = await signInAs(target, { role: 'police_operator' });
    const c = connectClient(target.url, { cookie: session.cookie, lastSeq });
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.socket.disconnect());
    for (const s of servers.splice(0)) await s.close();
  });

  it('gives a new screen a snapshot, then pushes every new alarm with a growing seq', async () => {
    const sut = await server();
    await sut.post(sosEvent('S0001'));
    const screen = await client(sut);
    await screen.live;
    expect(screen.snapshots).toBe(1);
    expect(screen.lastSeq()).toBe(1);

    await sut.post([sosEvent('S0002'), { type: 'alarm.intrusion', deviceId: 'INT-S0003-1', at: new Date().toISOString() }]);
    await waitFor(() => screen.changes.length === 2, 'two live alarms');
    expect(screen.changes.map((c) => c.seq)).toEqual([2, 3]);
    expect(screen.changes.map((c) => c.alarm.type)).toEqual(['sos', 'intrusion']);
  });

  it('stores an alarm before any screen hears of it', async () => {
    const sut = await server();
    const reader = await signInAs(sut, { role: 'viewer' });
    const screen = await client(sut);
    await screen.live;
    const storedWhenHeard = new Promise<number>((resolve) => {
      screen.socket.once('alarm', (change) => {
        void reader.get(`/api/v1/alarms/${change.alarm.id}`).then((r) => resolve(r.status));
      });
    });
    await sut.post(sosEvent('S0001'));
    expect(await storedWhenHeard).toBe(200);
  });

  it('replays exactly what a reconnecting screen missed, in order and once each', async () => {
    const sut = await server();
    const first = await client(sut);
    await first.live;
    await sut.post(sosEvent('S0001'));
    await waitFor(() => first.changes.length === 1, 'first alarm');
    const seen = first.lastSeq();
    first.socket.disconnect();

    await sut.post([sosEvent('S0002'), sosEvent('S0003')]);
    await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: new Date().toISOString() });

    const again = await client(sut, seen);
    await again.live;
    await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0002-1', at: new Date().toISOString() });
    await waitFor(() => again.changes.length === 4, 'three replayed and one live change');
    expect(again.snapshots).toBe(0);
    expect(again.changes.map((c) => c.seq)).toEqual([2, 3, 4, 5]);
  });

  it('sends a snapshot instead of a replay to a screen too far behind', async () => {
    const sut = await server({ env: { XIAOAN_REPLAY_LIMIT: '2' } });
    for (const school of ['S0001', 'S0002', 'S0003']) await sut.post(sosEvent(school));
    await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: new Date().toISOString() });
    const behind = await client(sut, 1);
    await behind.live;
    expect(behind.snapshots).toBe(1);
    expect(behind.changes).toEqual([]);
    expect(behind.lastSeq()).toBe(4);
  });

  it('keeps seq growing across a restart on the same database file and replays across it', async () => {
    const before = await server();
    await before.post(sosEvent('S0001'));
    await before.post(sosEvent('S0002'));
    const { dataDir } = before;
    const databaseUrl = before.config.databaseUrl ?? undefined;
    await before.close();
    servers.splice(servers.indexOf(before), 1);

    const after = await server({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
    await after.post(sosEvent('S0003'));
    const screen = await client(after, 1);
    await screen.live;
    expect(screen.changes.map((c) => c.seq)).toEqual([2, 3]);
    expect(screen.changes[1]?.alarm.schoolId).toBe('S0003');
  });

  it('pushes a school status change when an alarm opens there, coalesced', async () => {
    const sut = await server();
    const screen = await client(sut);
    await screen.live;
    const statuses: { schoolId: string; status: string }[] = [];
    screen.socket.on('school:status', ({ changes }) => statuses.push(...changes));
    await sut.post([sosEvent('S0001'), sosEvent('S0001', { drill: true }), sosEvent('S0002', { drill: true })]);
    await waitFor(() => statuses.length >= 2, 'status pushes');
    expect(statuses).toEqual(expect.arrayContaining([
      { schoolId: 'S0001', status: 'alarm' },
      { schoolId: 'S0002', status: 'drill' },
    ]));
    expect(statuses.filter((s) => s.schoolId === 'S0001')).toHaveLength(1);
    const wall = (await (await (await signInAs(sut, { role: 'viewer' })).get('/api/v1/wall')).json()) as { statuses: unknown[]; schools: unknown[] };
    expect(wall.schools).toHaveLength(3);
    expect(wall.statuses).toHaveLength(2);
  });

  it('refuses a handshake with a nonsense lastSeq', async () => {
    const sut = await server();
    const bad = connectClient(sut.url, { cookie: (await signInAs(sut, { role: 'viewer' })).cookie, lastSeq: -5 });
    clients.push(bad);
    await expect(bad.live).rejects.toThrow(/lastSeq must be/);
  });
});
