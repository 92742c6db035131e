import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, can, type Role } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { Ack, ClientToServerEvents } from '../../shared/events.js';
import { SOCKET_POLICY } from '../../server/realtime/socket-policy.js';
import { NOT_SIGNED_IN } from '../../shared/events.js';
import { sessionFrom, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

type SocketEvent = keyof ClientToServerEvents;

/**
 * A well-formed payload for every command, so a refusal can only be about who sends it. Typed
 * over every event: a new event without a sample here (or a rule in SOCKET_POLICY) does not compile.
 */
const SAMPLE_PAYLOAD: { [E in SocketEvent]: (id: string) => Parameters<ClientToServerEvents[E]>[0] } = {
  'alarm:ack': (id) => ({ id }),
  'alarm:dispatch': (id) => ({ id, unitId: 'P001' }),
  'alarm:arrive': (id) => ({ id }),
  'alarm:resolve': (id) => ({ id, disposition: 'handled_on_site' }),
  'alarm:false': (id) => ({ id, note: 'matrix test' }),
  'alarm:cancel': (id) => ({ id, note: 'matrix test' }),
  'alarm:handoff': (id) => ({ id, step: 'sent' }),
  // A real alarm: allowed roles are refused by its state (not a drill alarm), never by role.
  'alarm:convert': (id) => ({ id }),
  'alarm:bulk': (id) => ({ ids: [id], action: 'ack', note: 'matrix test' }),
  // A camera of the alarm's school: allowed roles shelve it (or find it shelved already), never the role refused.
  'shelf:add': () => ({ deviceId: `CAM-${SCHOOL}-01`, minutes: 15, reason: 'matrix test' }),
  'shelf:remove': () => ({ deviceId: `CAM-${SCHOOL}-02` }),
};

const EVENTS = Object.keys(SOCKET_POLICY) as SocketEvent[];
/** Each role at city level; the school user at its own school (the alarms below are there, so scope never refuses). */
const SCHOOL = 'S0001';

describe.each(engines)('socket access matrix on %s', (engine) => {
  let sut: TestServer;
  let admin: Session;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    sut = await startTestServer({ engine });
    admin = await signInAs(sut, { role: 'admin' });
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.disconnect());
    await sut.close();
  });

  async function freshAlarm(): Promise<Alarm> {
    // Each row gets its own open alarm (an intrusion, then a fresh one after closing the last).
    const open = ((await (await admin.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] }).alarms;
    for (const alarm of open) {
      const closer = clients[0];
      if (closer) await closer.socket.emitWithAck('alarm:cancel', { id: alarm.id, note: 'next row' });
    }
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: `INT-${SCHOOL}-1`, at: new Date().toISOString() })).status).toBe(202);
    const alarms = ((await (await admin.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] }).alarms;
    expect(alarms).toHaveLength(1);
    return alarms[0]!;
  }

  it('covers every event with a rule', () => {
    expect(EVENTS.sort()).toEqual(Object.keys(SAMPLE_PAYLOAD).sort());
    expect(EVENTS.length).toBeGreaterThan(0);
  });

  it.each(ROLES.flatMap((role) => EVENTS.map((event) => [role, event] as [Role, SocketEvent])))('%s × %s', async (role, event) => {
    const session = await signInAs(sut, { role, ...(role === 'school_user' ? { districtCode: '410402', schoolId: SCHOOL } : {}) });
    const client = connectClient(sut.url, { cookie: session.cookie });
    clients.push(client);
    await client.live;
    if (clients.length === 1) {
      // The first screen is an admin's too, to close alarms between rows.
      const closer = connectClient(sut.url, { cookie: admin.cookie });
      clients.unshift(closer);
      await closer.live;
    }
    const alarm = await freshAlarm();
    const send = client.socket.emitWithAck.bind(client.socket) as (event: string, payload: unknown) => Promise<Ack<Alarm>>;
    const answer = await send(event, SAMPLE_PAYLOAD[event](alarm.id));
    const after = ((await (await admin.get(`/api/v1/alarms/${alarm.id}`)).json()) as Alarm);
    if (can({ role }, SOCKET_POLICY[event])) {
      expect(answer).not.toMatchObject({ code: 'forbidden' });
      // Allowed: it acted, or the alarm's state refused it (arrive before dispatch, say) — never the role.
      if (!answer.ok) expect(answer.code).toBe('not_allowed');
    } else {
      expect(answer).toMatchObject({ ok: false, code: 'forbidden' });
      expect(after.transitions).toEqual(alarm.transitions);
      expect(after.state).toBe(alarm.state);
    }
  });

  it('refuses a handshake without a session, or with a session that does not exist', async () => {
    const anonymous = connectClient(sut.url);
    clients.push(anonymous);
    await expect(anonymous.live).rejects.toThrow(NOT_SIGNED_IN);
    const forged = connectClient(sut.url, { cookie: 'xiaoan_session=forged-token-that-was-never-issued' });
    clients.push(forged);
    await expect(forged.live).rejects.toThrow(NOT_SIGNED_IN);
  });

  it("refuses a signed-in cookie from another origin's page (a sibling site), and takes one from its own", async () => {
    const session = await signInAs(sut, { role: 'police_operator', username: 'origin-check' });
    const foreign = connectClient(sut.url, { cookie: session.cookie, origin: 'http://127.0.0.1:1' });
    clients.push(foreign);
    await expect(foreign.live).rejects.toThrow();
    expect(foreign.socket.connected).toBe(false);
    const own = connectClient(sut.url, { cookie: session.cookie, origin: new URL(sut.url).origin });
    clients.push(own);
    await own.live;
    expect(own.socket.connected).toBe(true);
  });

  it('disconnects a screen at once when its session ends (sign-out)', async () => {
    const session = await signInAs(sut, { role: 'viewer' });
    const client = connectClient(sut.url, { cookie: session.cookie });
    clients.push(client);
    await client.live;
    let reason = '';
    client.socket.on('disconnect', (why) => (reason = why));
    expect((await session.send('POST', '/api/v1/auth/logout')).status).toBe(204);
    await waitFor(() => client.socket.disconnected, 'the socket closed by the server', 3000);
    expect(reason).toBe('io server disconnect');
    // And it cannot come back with the ended session.
    const again = connectClient(sut.url, { cookie: session.cookie });
    clients.push(again);
    await expect(again.live).rejects.toThrow(NOT_SIGNED_IN);
  });

  it('refuses a command from a screen whose session lapsed while it was connected, and closes it', async () => {
    let now = Date.parse('2026-11-30T02:00:00Z');
    const lapsing = await startTestServer({ engine, clock: { now: () => now } });
    try {
      const session = await signInAs(lapsing, { role: 'police_operator' });
      const client = connectClient(lapsing.url, { cookie: session.cookie });
      clients.push(client);
      await client.live;
      expect((await lapsing.post({ type: 'alarm.sos', deviceId: `SOS-${SCHOOL}-1`, at: new Date(now).toISOString() })).status).toBe(202);
      await waitFor(() => client.changes.length === 1, 'the alarm');
      now += 15 * 3600_000; // past the 14-hour idle limit
      const answer = await client.socket.emitWithAck('alarm:ack', { id: client.changes[0]!.alarm.id });
      expect(answer).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/not signed in/) });
      await waitFor(() => client.socket.disconnected, 'the lapsed screen closed', 3000);
    } finally {
      await lapsing.close();
    }
  });

  it('disconnects every screen of an account at once when the account is disabled', async () => {
    const session = await signInAs(sut, { role: 'police_operator', username: 'soon-disabled' });
    const [one, two] = [connectClient(sut.url, { cookie: session.cookie }), connectClient(sut.url, { cookie: session.cookie })];
    clients.push(one, two);
    await Promise.all([one.live, two.live]);
    await sut.services.auth.updateUser(session.user.id, { disabled: true });
    await waitFor(() => one.socket.disconnected && two.socket.disconnected, 'both screens closed', 3000);
  });

  it('disconnects a kiosk screen at once when its viewer link is revoked', async () => {
    const byAdmin = { user: { id: 1, username: 'admin', displayName: '系统管理员', role: 'admin' as const, districtCode: null, schoolId: null, unitId: null }, address: null };
    const link = await sut.services.viewerLinks.create('大厅大屏', '410403', byAdmin);
    const exchange = await fetch(`${sut.url}/api/v1/auth/kiosk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: link.key }) });
    expect(exchange.status).toBe(200);
    const { user } = (await exchange.json()) as { user: Session['user'] };
    const kiosk = sessionFrom(sut.url, user, exchange.headers.getSetCookie());
    const screen = connectClient(sut.url, { cookie: kiosk.cookie });
    clients.push(screen);
    await screen.live;
    // A county kiosk is a viewer of its district: it hears that district's alarms only.
    await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0002-1', at: new Date().toISOString() });
    await sut.post({ type: 'alarm.sos', deviceId: 'SOS-S0003-1', at: new Date().toISOString() });
    await waitFor(() => screen.changes.some((c) => c.alarm.schoolId === 'S0002'), "the kiosk's district alarm");
    expect(screen.changes.every((c) => c.alarm.districtCode === '410403')).toBe(true);

    await sut.services.viewerLinks.revoke(link.id, byAdmin);
    await waitFor(() => screen.socket.disconnected, 'the kiosk screen closed', 3000);
    const again = connectClient(sut.url, { cookie: kiosk.cookie });
    clients.push(again);
    await expect(again.live).rejects.toThrow(NOT_SIGNED_IN);
  });
});
