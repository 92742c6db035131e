import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, AlarmChange } from '../../shared/events.js';
import type { Alarm } from '../../shared/domain/index.js';
import { createLogger } from '../../server/logger.js';
import { DEFAULT_COMMAND_LIMITS, FLOOD_CLOSED, TOO_MANY_COMMANDS } from '../../server/realtime/command-gate.js';
import { SOCKET_PACKET_MAX_BYTES } from '../../server/realtime/socket.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { signInAs, TEST_PASSWORD, type Session } from '../helpers/auth.js';
import { connectClient, offDuty, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

/** A JSON POST from a chosen loopback address (127.0.0.x all reach a server on 127.0.0.1): several "computers" on one machine. */
function postFrom(server: TestServer, from: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: string | undefined; body: unknown; setCookie: string[] }> {
  const url = new URL(path, server.url);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers } },
      (response) => {
        let data = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (data += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            body: data ? (JSON.parse(data) as unknown) : null,
            setCookie: response.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

describe('a flood of refused socket commands', () => {
  // A pinned clock: the bucket never refills during the test, so the counts are exact.
  const pinned = Date.now();
  const lines: Record<string, unknown>[] = [];
  let server: TestServer;
  let viewer: Session;
  let operator: Session;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      clock: { now: () => pinned },
      dataset: offDuty(makeSmallDataset()),
      env: { XIAOAN_SOCKET_FLOOD_CLOSE: '5000' },
      log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    });
    viewer = await signInAs(server, { role: 'viewer' });
    operator = await signInAs(server, { role: 'police_operator' });
  });
  afterAll(async () => {
    clients.forEach((c) => c.socket.disconnect());
    await server.close();
  });

  it('answers every command until it closes the socket, logs a handful of lines, looks up no session, and delays no one else', async () => {
    const flooder = connectClient(server.url, { cookie: viewer.cookie });
    const desk = connectClient(server.url, { cookie: operator.cookie });
    clients.push(flooder, desk);
    await Promise.all([flooder.live, desk.live]);
    // Counts the database look-ups of the viewer's session (the real service, counted on the way through).
    let sessionLookups = 0;
    const viewerToken = viewer.cookie.match(/xiaoan_session=([^;]+)/)![1]!;
    const auth = server.services.auth;
    const lookUp = auth.session.bind(auth);
    auth.session = (token: string) => {
      if (token === viewerToken) sessionLookups += 1;
      return lookUp(token);
    };
    let closedBy: string | null = null;
    flooder.socket.on('disconnect', (reason) => (closedBy = reason));
    const answers: Ack<Alarm>[] = [];
    const linesBefore = lines.length;

    for (let i = 0; i < 20_000; i++) flooder.socket.emit('alarm:ack', { id: `A-${i}` }, (answer) => void answers.push(answer));
    // An SOS meanwhile reaches the operator's screen, and the operator's own commands go through.
    expect((await server.post(sosEvent('S0001', { at: new Date(pinned).toISOString() }))).status).toBe(202);
    await waitFor(() => desk.changes.some((c: AlarmChange) => c.alarm.type === 'sos'), 'the SOS on the operator screen', 15_000);
    const sos = desk.changes.find((c) => c.alarm.type === 'sos')!.alarm;
    await expect(desk.socket.emitWithAck('alarm:ack', { id: sos.id })).resolves.toMatchObject({ ok: true, data: { state: 'acknowledged' } });

    const { burst } = DEFAULT_COMMAND_LIMITS;
    await waitFor(() => closedBy !== null && answers.length >= burst + 5000, 'the flooding socket answered and closed', 30_000);
    expect(closedBy).toBe('io server disconnect');
    // The burst reaches the permission check (refused: a viewer), the rest is over the limit, the last says the socket closes.
    expect(answers).toHaveLength(burst + 5000);
    expect(answers.slice(0, burst).every((a) => !a.ok && a.code === 'forbidden')).toBe(true);
    expect(answers[0]).toMatchObject({ ok: false, error: 'your role (viewer) may not send alarm:ack', message: { zh: '您的角色（viewer）无权执行此操作（alarm:ack）' } });
    expect(answers.slice(burst, -1).every((a) => !a.ok && a.code === 'rate_limited' && a.error === TOO_MANY_COMMANDS.error)).toBe(true);
    expect(answers.at(-1)).toEqual({ ok: false, code: 'rate_limited', ...FLOOD_CLOSED });
    // Refusals before any database work: the flood looked up no session (one look at most: the minutely check of open screens).
    expect(sessionLookups).toBeLessThanOrEqual(1);

    const about = lines.slice(linesBefore).filter((line) => line.user === viewer.user.username);
    expect(about.length).toBeLessThanOrEqual(4);
    expect(about[0]).toMatchObject({ msg: 'socket command refused', event: 'alarm:ack', code: 'forbidden' });
    expect(about.find((line) => String(line.msg).startsWith('socket commands refused'))).toMatchObject({
      refused: burst + 4999 - 1,
      byCommand: { 'alarm:ack forbidden': burst - 1, 'alarm:ack rate_limited': 4999 },
    });
    expect(about.some((line) => line.msg === 'socket closed: far too many commands')).toBe(true);
  });

  it('closes a socket that sends an oversized message before parsing it, and keeps serving the others', async () => {
    const hostile = connectClient(server.url, { cookie: viewer.cookie });
    clients.push(hostile);
    await hostile.live;
    let closedBy: string | null = null;
    hostile.socket.on('disconnect', (reason) => (closedBy = reason));
    // Three times the limit: engine.io drops the connection without parsing the message.
    hostile.socket.emit('alarm:ack', { id: 'A-1', pad: 'x'.repeat(SOCKET_PACKET_MAX_BYTES * 3) } as unknown as { id: string }, () => undefined);
    await waitFor(() => closedBy !== null, 'the oversized message closes its socket', 10_000);
    // Another operator screen of the same server is served (its own bucket: the desk's is the next test's).
    const other = connectClient(server.url, { cookie: operator.cookie });
    clients.push(other);
    await other.live;
    await expect(other.socket.emitWithAck('alarm:ack', { id: 'NOPE' })).resolves.toMatchObject({ ok: false, code: 'not_found' });
  });

  it('keeps the limit per socket: a fresh viewer socket is answered at once, and an operator burst of a hundred acks is not limited', async () => {
    const again = connectClient(server.url, { cookie: viewer.cookie });
    clients.push(again);
    await again.live;
    await expect(again.socket.emitWithAck('alarm:ack', { id: 'A-1' })).resolves.toMatchObject({ ok: false, code: 'forbidden' });
    const desk = clients[1]!;
    const answers = await Promise.all(Array.from({ length: DEFAULT_COMMAND_LIMITS.burst - 1 }, (_, i) => desk.socket.emitWithAck('alarm:ack', { id: `NOPE-${i}` })));
    expect(answers.every((a) => !a.ok && a.code === 'not_found')).toBe(true);
  });
});

describe('sign-in throttled per (account, address), not locked', () => {
  const pinned = Date.now();
  let server: TestServer;
  beforeAll(async () => {
    // The looser address-wide limit at its default (the test helper raises it for other suites); a pinned clock: no wait runs out meanwhile.
    server = await startTestServer({ clock: { now: () => pinned }, dataset: offDuty(makeSmallDataset()), env: { XIAOAN_LOGIN_ADDRESS_FREE_FAILURES: '30' } });
    await server.services.auth.createUser({ username: 'duty.officer', displayName: '值班民警', password: TEST_PASSWORD, role: 'police_operator' });
  });
  afterAll(async () => {
    await server.close();
  });

  const login = (from: string, username: string, password: string) => postFrom(server, from, '/api/v1/auth/login', { username, password });

  it('lets a stranger with 50 wrong passwords slow only themself: the operator signs in from another address', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof login>> | null = null;
    for (let i = 0; i < 50; i++) {
      last = await login('127.0.0.2', 'duty.officer', `guess-${i}`);
      statuses.push(last.status);
    }
    // Five free failures and the sixth (its wait starts after it), then every attempt waits: no hash runs.
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true);
    expect(Number(last!.retryAfter)).toBe(5);
    expect(last!.body).toEqual({ error: 'too many sign-in attempts: try again in 5 seconds', message: { zh: '登录尝试过多：请 5 秒后再试', en: 'too many sign-in attempts: try again in 5 seconds' } });
    // Even the right password waits from the stranger's address…
    expect((await login('127.0.0.2', 'duty.officer', TEST_PASSWORD)).status).toBe(429);
    // …while the operator, elsewhere, is not slowed at all.
    const operator = await login('127.0.0.3', 'duty.officer', TEST_PASSWORD);
    expect(operator.status).toBe(200);
    expect(operator.body).toMatchObject({ user: { username: 'duty.officer' } });

    // The trail of failed sign-ins stays: each one, with its reason and address.
    const failed = await server.services.audit.search({ actor: 'duty.officer', action: 'auth.login_failed', limit: 100 });
    expect(failed.filter((e) => e.details.reason === 'invalid' && e.address === '127.0.0.2')).toHaveLength(6);
    expect(failed.filter((e) => e.details.reason === 'throttled')).toHaveLength(45);
  });

  it('answers unknown and known accounts the same, throttled the same', async () => {
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 9; i++) {
      const a = await login('127.0.0.4', 'duty.officer', `wrong-${i}`);
      const b = await login('127.0.0.5', 'nobody.here', `wrong-${i}`);
      known.push([a.status, a.retryAfter, a.body]);
      unknown.push([b.status, b.retryAfter, b.body]);
    }
    expect(unknown).toEqual(known);
    expect(known[0]).toEqual([401, undefined, { error: 'wrong username or password', message: { zh: '用户名或密码错误', en: 'wrong username or password' } }]);
    expect((known.at(-1) as unknown[])[0]).toBe(429);
  });

  it('caps an address spraying many account names, more loosely, without touching other addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 34; i++) statuses.push((await login('127.0.0.6', `name-${i}`, 'x-password')).status);
    expect(statuses.slice(0, 31).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(31).every((s) => s === 429)).toBe(true);
    expect((await login('127.0.0.6', 'duty.officer', TEST_PASSWORD)).status).toBe(429);
    expect((await login('127.0.0.7', 'duty.officer', TEST_PASSWORD)).status).toBe(200);
  });

  it('lets an administrator’s new password lift the account’s waits', async () => {
    const account = (await server.services.auth.listUsers()).find((u) => u.username === 'duty.officer')!;
    expect((await login('127.0.0.2', 'duty.officer', TEST_PASSWORD)).status).toBe(429);
    expect(await server.services.auth.resetPassword(account.id, 'a fresh password 1')).toBe(true);
    expect((await login('127.0.0.2', 'duty.officer', 'a fresh password 1')).status).toBe(200);
  });
});

describe('password change attempts and the session-bound CSRF token', () => {
  const pinned = Date.now();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock: { now: () => pinned }, dataset: offDuty(makeSmallDataset()) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('limits wrong current passwords, fifty sent at once included: six run the hash, the rest wait', async () => {
    const person = await signInAs(server, { role: 'education_staff', username: 'edu.guess' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => person.send('POST', '/api/v1/auth/password', { currentPassword: `guess-${i}`, newPassword: 'a new password 99' })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(44);
    const waited = answers.find((a) => a.status === 429)!;
    expect(Number(waited.headers.get('retry-after'))).toBe(5);
    expect(await waited.json()).toEqual({ error: 'too many password change attempts: try again in 5 seconds', message: { zh: '密码修改尝试过多：请 5 秒后再试', en: 'too many password change attempts: try again in 5 seconds' } });
    // The right password waits too, until the wait is over (the clock is pinned).
    expect((await person.send('POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a new password 99' })).status).toBe(429);
    const failed = await server.services.audit.search({ actor: 'edu.guess', action: 'auth.password_change_failed', limit: 100 });
    expect(failed).toHaveLength(51);
    // Another account's change is not slowed.
    const other = await signInAs(server, { role: 'education_staff', username: 'edu.other' });
    expect((await other.send('POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a new password 99' })).status).toBe(204);
  });

  it('refuses the CSRF token of session A on session B, even planted in B’s cookie', async () => {
    const a = await signInAs(server, { role: 'police_operator', username: 'csrf.a' });
    const b = await signInAs(server, { role: 'police_operator', username: 'csrf.b' });
    const bSession = b.cookie.split('; ').find((c) => c.startsWith('xiaoan_session='))!;
    expect(a.csrf).not.toBe(b.csrf);
    expect(a.csrf.length).toBeGreaterThan(20);
    const logoutB = (csrfCookie: string, header: string) =>
      fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: `${bSession}; xiaoan_csrf=${csrfCookie}`, 'x-csrf-token': header } });
    // A's token, header and cookie agreeing (the old double submit would have let it through).
    const forged = await logoutB(a.csrf, a.csrf);
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: expect.stringMatching(/X-CSRF-Token/), message: { zh: expect.stringMatching(/安全令牌/) } });
    expect((await logoutB('planted', 'planted')).status).toBe(403);
    expect((await b.get('/api/v1/auth/me')).status).toBe(200);
    // A page with a planted cookie gets its own session's token back on its next read.
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: `${bSession}; xiaoan_csrf=planted` } });
    expect(me.headers.getSetCookie().find((c) => c.startsWith('xiaoan_csrf='))?.split(';')[0]).toBe(`xiaoan_csrf=${b.csrf}`);
    // B's own token works; A is untouched by all this.
    expect((await logoutB('whatever', b.csrf)).status).toBe(204);
    expect((await a.get('/api/v1/auth/me')).status).toBe(200);
  });
});
