import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../server/auth/audit.service.js';
import { AuthService } from '../../server/auth/auth.service.js';
import { openStore, type Store } from '../../server/db/database.js';
import { availableEngines, freshPostgresDatabase } from '../helpers/engines.js';
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
    expect(wrong).toEqual({ ok: false, reason: 'invalid', message: 'wrong username or password' });
    expect(unknown).toEqual(wrong);
  });

  it('locks the account after five failures, even against the right password, and unlocks after 15 minutes', async () => {
    await sut.createUser({ username: 'zhang', displayName: '张', password: 'right password 1', role: 'education_staff' });
    for (let i = 0; i < 4; i++) expect((await sut.login('zhang', 'bad', null)).ok).toBe(false);
    const fifth = await sut.login('zhang', 'bad', null);
    expect(fifth).toMatchObject({ ok: false, reason: 'locked', retryAfterSeconds: 900 });
    now += 14 * 60_000;
    expect(await sut.login('zhang', 'right password 1', null)).toMatchObject({ ok: false, reason: 'locked', message: expect.stringMatching(/locked for 1 more minute/) });
    now += 60_000;
    expect(await sut.login('zhang', 'right password 1', null)).toMatchObject({ ok: true });
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
    expect(await sut.changePassword(a.user.id, 'wrong', 'a new password', a.token)).toEqual({ ok: false, message: 'the current password is wrong' });
    expect(await sut.changePassword(a.user.id, 'correct horse battery', 'a new password', a.token)).toEqual({ ok: true });
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
    expect(await forged.json()).toEqual({ error: expect.stringMatching(/X-CSRF-Token/) });
    const wrong = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': `${csrfToken}x` } });
    expect(wrong.status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);

    const out = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: session!.split(';')[0]! } })).status).toBe(401);
  });

  it('answers a wrong password 401, a locked account 423 with Retry-After, and bad input 400', async () => {
    expect((await login({ username: 'admin', password: 'wrong' })).status).toBe(401);
    for (let i = 0; i < 3; i++) await login({ username: 'admin', password: 'wrong' });
    const locked = await login({ username: 'admin', password: 'wrong' });
    expect(locked.status).toBe(423);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as { error: string }).error).toMatch(/locked/);
    expect((await login({ username: 'admin', password: 'admin password 1' })).status).toBe(423);
    expect((await login({ username: '', password: 5 })).status).toBe(400);
  });

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await login({ username: `nobody-${i}`, password: 'x' })).status);
    expect(statuses.at(-1)).toBe(429);
  });

  it('sends security headers and no stack traces', async () => {
    const response = await fetch(`${server.url}/api/v1/alarms?state=bogus`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const body = await response.text();
    expect(body).not.toMatch(/at .*\.ts:\d+/);
  });
});
