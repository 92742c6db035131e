import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { AlarmDelivery } from '../../server/realtime/alarm-delivery.js';
import { signInAs } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.js';
import { connectClient, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const runs = (await availableEngines()).includes('postgres') && (await redisAvailable());

/**
 * Two server nodes on one PostgreSQL database with REDIS_URL: every alarm change reaches the
 * screens of both nodes, once each and in seq order, whichever node committed it; a screen
 * catching up on one node misses nothing the other node did.
 */
describe.runIf(runs)(`${AlarmDelivery.name} across two nodes through Redis`, () => {
  let first: TestServer;
  let second: TestServer;
  const clients: RecordingClient[] = [];

  async function screen(node: TestServer, who: { districtCode?: string } = {}, lastSeq: number | null = null): Promise<RecordingClient> {
    const session = await signInAs(node, { role: 'police_operator', ...who });
    const client = connectClient(node.url, { cookie: session.cookie, lastSeq });
    clients.push(client);
    await client.live;
    return client;
  }
  /** Every seq in the change log, from the database itself. */
  async function storedSeqs(): Promise<number[]> {
    const rows = await first.store.db.selectFrom('alarm_changes').select('seq').orderBy('seq').execute();
    return rows.map((r) => Number(r.seq));
  }
  const seqs = (c: RecordingClient) => c.changes.map((change) => change.seq);

  beforeAll(async () => {
    first = await startTestServer({ engine: 'postgres', env: { REDIS_URL: REDIS_TEST_URL } });
    second = await startTestServer({ databaseUrl: first.config.databaseUrl!, env: { REDIS_URL: REDIS_TEST_URL } });
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.disconnect());
    await second?.close();
    await first?.close();
  });

  it('delivers every change to the screens of both nodes, once each and in seq order, whichever node committed it', async () => {
    const [onFirst, onSecond] = [await screen(first), await screen(second)];
    const countyB = await screen(second, { districtCode: '410403' });
    // Alarms and commands on both nodes at once.
    await Promise.all([
      ...['S0001', 'S0002', 'S0003'].map((school) => first.post(sosEvent(school))),
      ...['S0001', 'S0002', 'S0003'].map((school) => second.post({ type: 'alarm.intrusion', deviceId: `INT-${school}-1`, at: new Date().toISOString() })),
    ]);
    await waitFor(() => onFirst.changes.length >= 6 && onSecond.changes.length >= 6, 'six new alarms on both screens');
    const raisedOnFirst = onSecond.changes.find((c) => c.alarm.type === 'sos' && c.alarm.schoolId === 'S0002')!.alarm;
    const ack = await onSecond.socket.emitWithAck('alarm:ack', { id: raisedOnFirst.id });
    expect(ack).toMatchObject({ ok: true });
    const raisedOnSecond = onFirst.changes.find((c) => c.alarm.type === 'intrusion' && c.alarm.schoolId === 'S0001')!.alarm;
    expect(await onFirst.socket.emitWithAck('alarm:ack', { id: raisedOnSecond.id })).toMatchObject({ ok: true });

    const all = await storedSeqs();
    expect(all).toHaveLength(8);
    await waitFor(() => onFirst.changes.length === 8 && onSecond.changes.length === 8, 'all eight changes on both screens');
    expect(seqs(onFirst)).toEqual(all);
    expect(seqs(onSecond)).toEqual(all);
    // The county screen on the second node got its district's changes from both nodes, and nothing else.
    await waitFor(() => countyB.changes.length === 3, "county B's three changes");
    expect(new Set(countyB.changes.map((c) => c.alarm.districtCode))).toEqual(new Set(['410403']));
    expect(countyB.changes.map((c) => c.alarm.id)).toContain(raisedOnFirst.id);
  });

  it('lets a screen catch up on one node with what the other node committed meanwhile, then hear it live', async () => {
    const away = await screen(second);
    const seen = away.lastSeq();
    away.socket.disconnect();
    const open = ((await (await (await signInAs(first, { role: 'police_operator' })).get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] }).alarms;
    const operator = await screen(first);
    for (const alarm of open.slice(0, 3)) expect(await operator.socket.emitWithAck('alarm:cancel', { id: alarm.id, note: 'fan-out test' })).toMatchObject({ ok: true });

    const back = await screen(second, {}, seen);
    expect(back.snapshots).toBe(0);
    expect(back.changes).toHaveLength(3);
    await first.post(sosEvent('S0001', { drill: true }));
    await waitFor(() => back.changes.length === 4, 'the next change live on the other node');
    const all = await storedSeqs();
    expect(seqs(back)).toEqual(all.filter((seq) => seq > seen!));
  });

  it('closes a screen on one node when its session ends on the other', async () => {
    const session = await signInAs(second, { role: 'viewer' });
    const client = connectClient(second.url, { cookie: session.cookie });
    clients.push(client);
    await client.live;
    const signOut = await fetch(`${first.url}/api/v1/auth/logout`, { method: 'POST', headers: session.headers() });
    expect(signOut.status).toBe(204);
    await waitFor(() => client.socket.disconnected, 'the screen on the other node closed', 3000);
  });
});
