import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../server/auth/audit.service.js';
import { AuthService } from '../../server/auth/auth.service.js';
import { openStore, type Store } from '../../server/db/database.js';
import { availableEngines, freshPostgresDatabase } from '../helpers/engines.js';
import type { AuditPage } from '../../shared/admin.js';
import { signInAs, TEST_PASSWORD, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

describe.each(engines)(`${AuthService.name} on %s`, (engine) => {
  let store: Store;
  let now = Date.parse('2026-11-30T00:00:00Z');
  const clock = { now: () => now };
  let sut: AuthService;
  let audit: AuditService;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-auth-'));
    store = await openStore({ databaseUrl: engine === 'postgres' ? await freshPostgresDatabase() : null, dataDir });
    sut = new AuthService({ db: store.db, clock });
    audit = new AuditService({ db: store.db, clock });
    await sut.createUser({ username: 'li.wei', displayName: '李伟', password: 'correct horse battery', role: 'police_operator', districtCode: '410422' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('signs in with the right password and finds the session by its token', async () => {
    const result = await sut.login('li.wei', 'correct horse battery', '127.0.0.1');
    expect(result).toMatchObject({ ok: true, user: { username: 'li.wei', role: 'police_operator', districtCode: '410422' } });
    if (!result.ok) return;
    expect(await sut.session(result.token)).toMatchObject({ username: 'li.wei' });
    expect(await sut.session('not-a-token')).toBeNull();
    await sut.logout(result.token);
    expect(await sut.session(result.token)).toBeNull();
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const wrong = await sut.login('li.wei', 'nope', null);
    const unknown = await sut.login('nobody', 'nope', null);
    expect(wrong).toEqual({ ok: false, reason: 'invalid', words: { error: 'wrong username or password', message: { zh: '用户名或密码错误', en: 'wrong username or password' } } });
    expect(unknown).toEqual(wrong);
  });

  it('throttles failures per (account, address) with doubling waits instead of locking the account, even against the right password', async () => {
    await sut.createUser({ username: 'zhang', displayName: '张', password: 'right password 1', role: 'education_staff' });
    // Five free failures and a sixth, then 5 s, 10 s, 20 s… after each further one.
    for (let i = 0; i < 6; i++) expect(await sut.login('zhang', 'bad', '10.0.0.9')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await sut.login('zhang', 'right password 1', '10.0.0.9')).toEqual({
      ok: false, reason: 'throttled', retryAfterSeconds: 5,
      words: { error: 'too many sign-in attempts: try again in 5 seconds', message: { zh: '登录尝试过多：请 5 秒后再试', en: 'too many sign-in attempts: try again in 5 seconds' } },
    });
    // The owner elsewhere is not held up by it.
    expect(await sut.login('zhang', 'right password 1', '10.0.0.10')).toMatchObject({ ok: true });
    now += 5_000;
    expect(await sut.login('zhang', 'bad', '10.0.0.9')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await sut.login('zhang', 'bad', '10.0.0.9')).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 10 });
    for (let i = 0; i < 9; i++) {
      now += (await sut.loginWait('zhang', '10.0.0.9')) * 1000;
      await sut.login('zhang', 'bad', '10.0.0.9');
    }
    expect(await sut.loginWait('zhang', '10.0.0.9')).toBe(900);
    expect(await sut.login('zhang', 'right password 1', '10.0.0.9')).toMatchObject({ ok: false, reason: 'throttled', words: { error: 'too many sign-in attempts: try again in 15 minutes', message: { zh: '登录尝试过多：请 15 分钟后再试' } } });
    now += 900_000;
    expect(await sut.login('zhang', 'right password 1', '10.0.0.9')).toMatchObject({ ok: true });
    // Success starts the pair again from nothing.
    expect(await sut.loginWait('zhang', '10.0.0.9')).toBe(0);
  });

  it('counts failures sent in parallel before the hash runs: of twenty at once, six run it', async () => {
    await sut.createUser({ username: 'wang', displayName: '王', password: 'right password 2', role: 'education_staff' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => sut.login('wang', 'bad', '10.0.0.11')));
    expect(answers.filter((a) => !a.ok && a.reason === 'invalid')).toHaveLength(6);
    expect(answers.filter((a) => !a.ok && a.reason === 'throttled')).toHaveLength(14);
    expect(await sut.login('wang', 'right password 2', '10.0.0.11')).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('expires a session after the idle time', async () => {
    const result = await sut.login('li.wei', 'correct horse battery', null);
    if (!result.ok) throw new Error('sign-in failed');
    now += 13 * 3600_000;
    expect(await sut.session(result.token)).not.toBeNull();
    now += 14 * 3600_000 + 1;
    expect(await sut.session(result.token)).toBeNull();
  });

  it('changes a password only with the current one, ending the other sessions', async () => {
    const a = await sut.login('li.wei', 'correct horse battery', null);
    const b = await sut.login('li.wei', 'correct horse battery', null);
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    expect(await sut.changePassword({ user: a.user, address: null }, 'wrong', 'a new password', a.token)).toEqual({ ok: false, reason: 'wrong', words: { error: 'the current password is wrong', message: { zh: '当前密码错误', en: 'the current password is wrong' } } });
    expect(await sut.changePassword({ user: a.user, address: null }, 'correct horse battery', 'a new password', a.token)).toEqual({ ok: true });
    expect(await sut.session(a.token)).not.toBeNull();
    expect(await sut.session(b.token)).toBeNull();
    expect((await sut.login('li.wei', 'a new password', null)).ok).toBe(true);
  });

  it('keeps an append-only audit log that the database refuses to change', async () => {
    await audit.append({ actor: 'li.wei', action: 'alarm.ack', target: 'A1', address: '10.0.0.1', details: { from: 'new' } });
    const [entry] = await audit.search({ actor: 'li.wei', limit: 10 });
    expect(entry).toMatchObject({ actor: 'li.wei', action: 'alarm.ack', target: 'A1', details: { from: 'new' } });
    await expect(sql`update audit_log set actor = 'someone else'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    expect(await audit.search({ limit: 10 })).toHaveLength(1);
  });
});

describe('sign-in over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { XIAOAN_ADMIN_PASSWORD: 'admin password 1', XIAOAN_LOGIN_RATE_PER_MINUTE: '12' } });
  });
  afterAll(async () => {
    await server.close();
  });

  const login = (body: unknown) =>
    fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('creates the admin from XIAOAN_ADMIN_PASSWORD and signs in with an HttpOnly, SameSite session cookie', async () => {
    const response = await login({ username: 'admin', password: 'admin password 1' });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('xiaoan_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(cookies.find((c) => c.startsWith('xiaoan_csrf='))).not.toMatch(/HttpOnly/i);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: session!.split(';')[0]! } });
    expect(await me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });

    // A cookie-authenticated write without the CSRF header (a cross-site form) is refused.
    const cookie = cookies.map((c) => c.split(';')[0]!).join('; ');
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const forged = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: expect.stringMatching(/X-CSRF-Token/), message: { zh: expect.stringMatching(/安全令牌/), en: expect.stringMatching(/X-CSRF-Token/) } });
    const wrong = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': `${csrfToken}x` } });
    expect(wrong.status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);

    const out = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: session!.split(';')[0]! } })).status).toBe(401);
  });

  it('answers a wrong password 401, a throttled attempt 429 with Retry-After (never 423), and bad input 400', async () => {
    expect((await login({ username: 'admin', password: 'wrong' })).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await login({ username: 'admin', password: 'wrong' })).status).toBe(401);
    const throttled = await login({ username: 'admin', password: 'wrong' });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toEqual({ error: expect.stringMatching(/^too many sign-in attempts: try again in \d+ seconds?$/), message: { zh: expect.stringMatching(/^登录尝试过多：请 \d+ 秒后再试$/), en: expect.any(String) } });
    expect((await login({ username: '', password: 5 })).status).toBe(400);
  });

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    // 25 attempts span at most two windows of 12 (with the 5 made above), even if one turns over meanwhile.
    for (let i = 0; i < 25; i++) statuses.push((await login({ username: `nobody-${i}`, password: 'x' })).status);
    expect(statuses).toContain(429);
  });

  it('sends security headers and no stack traces', async () => {
    const response = await fetch(`${server.url}/api/v1/alarms?state=bogus`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const body = await response.text();
    expect(body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe.each(engines)('people, and the audit log, administered over HTTP on %s', (engine) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startTestServer({ engine });
    admin = await signInAs(server, { role: 'admin', username: 'chief', displayName: '管理员甲' });
  });
  afterAll(async () => {
    await server.close();
  });

  const login = (username: string, password: string) =>
    fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const create = (body: Record<string, unknown>) => admin.send('POST', '/api/v1/admin/users', body);

  it('creates people with a valid role and scope, and refuses the rest with per-field messages', async () => {
    const county = await create({ username: 'wang.yexian', displayName: '王警官', password: 'county password', role: 'police_operator', districtCode: '410422' });
    expect(county.status).toBe(201);
    expect(await county.json()).toMatchObject({ username: 'wang.yexian', role: 'police_operator', districtCode: '410422', schoolId: null, disabled: false, lockedUntil: null });
    const school = await create({ username: 'xiaozhang', displayName: '校长', password: 'school password', role: 'school_user', schoolId: 'S0003' });
    expect(await school.json()).toMatchObject({ role: 'school_user', schoolId: 'S0003', districtCode: '410422' });

    const refused = async (body: Record<string, unknown>, field: string) => {
      const response = await create({ username: 'x.y', displayName: 'X', password: 'long enough pw', role: 'viewer', ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(((await response.json()) as { fields: Record<string, string> }).fields)).toContain(field);
    };
    await refused({ role: 'school_user' }, 'schoolId');
    await refused({ role: 'school_user', schoolId: 'S9999' }, 'schoolId');
    await refused({ role: 'police_operator', districtCode: '999999' }, 'districtCode');
    await refused({ role: 'education_staff', schoolId: 'S0001' }, 'schoolId');
    await refused({ role: 'admin', districtCode: '410402' }, 'districtCode');
    await refused({ role: 'superuser' }, 'role');
    await refused({ password: 'short' }, 'password');
    await refused({ username: "x' or 1=1" }, 'username');
    expect((await create({ username: 'wang.yexian', displayName: 'again', password: 'county password', role: 'viewer' })).status).toBe(409);
    const { users } = (await (await admin.get('/api/v1/admin/users')).json()) as { users: { username: string }[] };
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['chief', 'wang.yexian', 'xiaozhang']));
    expect(JSON.stringify(users)).not.toMatch(/scrypt|password_hash/);
  });

  it('ends the sessions of a person whose scope narrows or who is disabled, and says so to listeners', async () => {
    const person = await signInAs(server, { role: 'police_operator', username: 'li.city' });
    const ended: string[] = [];
    const stop = server.services.auth.onSessionsEnded((keys) => ended.push(...keys));
    const narrowed = await admin.send('PUT', `/api/v1/admin/users/${person.user.id}`, { districtCode: '410402' });
    expect(narrowed.status).toBe(200);
    expect(await narrowed.json()).toMatchObject({ districtCode: '410402' });
    const token = person.cookie.match(/xiaoan_session=([^;]+)/)![1]!;
    expect(ended).toEqual([server.services.auth.sessionKey(token)]);
    expect((await person.get('/api/v1/auth/me')).status).toBe(401);

    const again = await signInAs(server, { role: 'police_operator', username: 'li.city' });
    expect(again.user.districtCode).toBe('410402');
    expect((await admin.send('PUT', `/api/v1/admin/users/${again.user.id}`, { disabled: true })).status).toBe(200);
    stop();
    expect(ended).toHaveLength(2);
    expect((await again.get('/api/v1/wall')).status).toBe(401);
    const refused = await login('li.city', 'test-password-123');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'this account is disabled', message: { zh: '该账号已停用', en: 'this account is disabled' } });
    // A name change alone keeps the session.
    const edu = await signInAs(server, { role: 'education_staff', username: 'zhao' });
    expect((await admin.send('PUT', `/api/v1/admin/users/${edu.user.id}`, { displayName: '赵干事' })).status).toBe(200);
    expect(((await (await edu.get('/api/v1/auth/me')).json()) as { user: { displayName: string } }).user.displayName).toBe('赵干事');
  });

  it('resets a password, lifting the sign-in waits and ending every session', async () => {
    const person = await signInAs(server, { role: 'viewer', username: 'screen.user' });
    for (let i = 0; i < 6; i++) await login('screen.user', 'wrong');
    expect((await login('screen.user', 'test-password-123')).status).toBe(429);
    expect((await admin.send('POST', `/api/v1/admin/users/${person.user.id}/password`, { password: 'short' })).status).toBe(400);
    expect((await admin.send('POST', `/api/v1/admin/users/${person.user.id}/password`, { password: 'a brand new password' })).status).toBe(204);
    expect((await person.get('/api/v1/auth/me')).status).toBe(401);
    expect((await login('screen.user', 'a brand new password')).status).toBe(200);
    expect((await admin.send('POST', '/api/v1/admin/users/987654/password', { password: 'a brand new password' })).status).toBe(404);
  });

  it('ends the session a browser held when it signs in again', async () => {
    const first = await signInAs(server, { role: 'viewer', username: 'twice' });
    const again = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { cookie: first.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'twice', password: TEST_PASSWORD }),
    });
    expect(again.status).toBe(200);
    expect((await first.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('keeps the administrator from locking themself out, and everyone else out of the admin API', async () => {
    expect((await admin.send('PUT', `/api/v1/admin/users/${admin.user.id}`, { disabled: true })).status).toBe(409);
    expect((await admin.send('PUT', `/api/v1/admin/users/${admin.user.id}`, { role: 'viewer' })).status).toBe(409);
    expect((await admin.send('PUT', `/api/v1/admin/users/${admin.user.id}`, {})).status).toBe(400);
    expect((await admin.send('PUT', `/api/v1/admin/users/${admin.user.id}`, { password: 'sneaky one' })).status).toBe(400);
    const edu = await signInAs(server, { role: 'education_staff' });
    expect((await edu.get('/api/v1/admin/users')).status).toBe(403);
    expect((await edu.send('PUT', `/api/v1/admin/users/${edu.user.id}`, { role: 'admin' })).status).toBe(403);
    expect((await edu.get('/api/v1/admin/audit')).status).toBe(403);
  });

  it('records who changed whom, searches the log by actor, action prefix and time, pages it and exports it', async () => {
    const search = async (query: string) => (await (await admin.get(`/api/v1/admin/audit?${query}`)).json()) as AuditPage;
    const users = await search('action=user.&limit=1000');
    const update = users.entries.filter((e) => e.action === 'user.update' && e.target === 'user:li.city').at(-1);
    expect(update).toMatchObject({ actor: 'chief', address: expect.any(String), details: { changes: { districtCode: { from: null, to: '410402' } } } });
    expect(users.entries.find((e) => e.action === 'user.create' && e.target === 'user:xiaozhang')).toMatchObject({ details: { role: 'school_user', schoolId: 'S0003' } });
    expect(users.entries.some((e) => e.action === 'user.password_reset')).toBe(true);
    expect(users.entries.every((e) => e.action.startsWith('user.'))).toBe(true);
    expect((await search('actor=screen.user&action=auth.login_failed')).entries.length).toBeGreaterThanOrEqual(5);
    expect((await search(`from=${encodeURIComponent('2099-01-01T00:00:00Z')}`)).entries).toEqual([]);
    expect((await admin.get('/api/v1/admin/audit?limit=0')).status).toBe(400);
    expect((await admin.get('/api/v1/admin/audit?colour=red')).status).toBe(400);

    const all = await search('limit=1000');
    const first = await search('limit=3');
    expect(first.entries.map((e) => e.id)).toEqual(all.entries.slice(0, 3).map((e) => e.id));
    const second = await search(`limit=3&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.id)).toEqual(all.entries.slice(3, 6).map((e) => e.id));
    expect((await search(`limit=1000&cursor=${all.entries.at(-1)!.id}`)).entries).toEqual([]);
    expect(all.nextCursor).toBeNull();

    const csv = await admin.get('/api/v1/admin/audit.csv?action=user.');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a UTF-8 BOM, for Excel
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('时间 Time (Asia/Shanghai),操作人 Actor,事件,Event,来源地址 Address,编号 id,操作代码 action,对象 target,记录内容 details');
    expect(lines.some((line) => line.includes(',chief,') && line.includes('创建了账号（') && line.includes(' created an account ('))).toBe(true);
    expect(lines).toHaveLength(users.entries.length + 1);
    expect((await search('action=export.audit_csv')).entries[0]).toMatchObject({ actor: 'chief', details: { rows: users.entries.length } });
  });
});
