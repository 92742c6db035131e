// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../shared/auth.js';
import { onUnauthorized, readCookie, sendJson } from '../../client/api.js';
import { retryAfterSeconds, roleHome, safeNext, useSessionStore } from '../../client/stores/session.js';

const POLICE: SessionUser = { id: 2, username: 'police-xinhua', displayName: '王警官', role: 'police_operator', districtCode: '410402', schoolId: null, unitId: null };

/** The server's answers, by path; every request is recorded. */
function serve(answers: Record<string, () => Response>): { url: string; init: RequestInit | undefined }[] {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const answer = answers[url];
    if (!answer) throw new Error(`unexpected ${url}`);
    return answer();
  }));
  return calls;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

beforeEach(() => {
  setActivePinia(createPinia());
  document.cookie = 'xiaoan_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});
afterEach(() => {
  vi.unstubAllGlobals();
  onUnauthorized(() => undefined);
});

describe(readCookie.name, () => {
  it('finds one cookie among several and decodes it', () => {
    expect(readCookie('xiaoan_csrf', 'a=1; xiaoan_csrf=abc%2Bdef; b=2')).toBe('abc+def');
    expect(readCookie('xiaoan_csrf', 'xiaoan_csrf_old=1')).toBeNull();
    expect(readCookie('xiaoan_csrf', '')).toBeNull();
  });
});

describe(sendJson.name, () => {
  it('echoes the CSRF cookie in X-CSRF-Token and names no operator', async () => {
    document.cookie = 'xiaoan_csrf=token-123; path=/';
    const calls = serve({ '/api/v1/hazards': () => json(201, { id: 'H1' }) });
    const sut = await sendJson<{ id: string }>('POST', '/api/v1/hazards', { a: 1 });
    expect(sut).toEqual({ ok: true, data: { id: 'H1' } });
    const headers = calls[0]?.init?.headers as Record<string, string>;
    expect(headers['x-csrf-token']).toBe('token-123');
    expect(Object.keys(headers)).not.toContain('x-xiaoan-operator');
  });

  it('reports a 401 as the end of the session, and returns the refusal', async () => {
    serve({ '/api/v1/hazards': () => json(401, { error: 'not signed in' }) });
    const ended = vi.fn();
    onUnauthorized(ended);
    const sut = await sendJson('POST', '/api/v1/hazards', {});
    expect(sut).toMatchObject({ ok: false, status: 401, error: 'not signed in' });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('does not call a 403 an ended session', async () => {
    serve({ '/api/v1/hazards': () => json(403, { error: 'not allowed' }) });
    const ended = vi.fn();
    onUnauthorized(ended);
    await expect(sendJson('POST', '/api/v1/hazards', {})).resolves.toMatchObject({ ok: false, status: 403 });
    expect(ended).not.toHaveBeenCalled();
  });
});

describe('useSessionStore', () => {
  it('asks the server who is signed in once, and knows what the role may do', async () => {
    const calls = serve({ '/api/v1/auth/me': () => json(200, { user: POLICE }) });
    const sut = useSessionStore();
    await Promise.all([sut.load(), sut.load()]);
    expect(calls).toHaveLength(1);
    expect(sut.state).toBe('signed-in');
    expect(sut.can('alarm.command')).toBe(true);
    expect(sut.can('records.write')).toBe(false);
    expect(sut.can('admin')).toBe(false);
    expect(sut.home).toBe('/console');
  });

  it('is signed out when the server answers 401, and can nothing', async () => {
    serve({ '/api/v1/auth/me': () => json(401, { error: 'not signed in' }) });
    const sut = useSessionStore();
    await expect(sut.load()).resolves.toBeNull();
    expect(sut.state).toBe('signed-out');
    expect(sut.can('read')).toBe(false);
  });

  it('tells a wrong password and a throttled attempt with its wait apart', async () => {
    let answer = json(401, { error: 'wrong username or password' });
    serve({ '/api/v1/auth/login': () => answer });
    const sut = useSessionStore();
    await expect(sut.signIn('police', 'nope')).resolves.toMatchObject({ ok: false, reason: 'wrong' });
    answer = json(429, { error: 'too many sign-in attempts: try again in 14 minutes' }, { 'retry-after': '840' });
    const before = Date.now();
    const throttled = await sut.signIn('police', 'nope');
    expect(throttled).toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 840 });
    expect(throttled.ok === false && throttled.reason === 'throttled' ? throttled.retryAt : 0).toBeGreaterThanOrEqual(before + 840_000);
    // Without a Retry-After (an older server or a proxy), a minute.
    answer = json(429, { error: 'too many' });
    await expect(sut.signIn('police', 'nope')).resolves.toMatchObject({ ok: false, reason: 'throttled', retryAfterSeconds: 60 });
    expect(sut.state).toBe('unknown');
    answer = json(200, { user: POLICE, csrfToken: 'x' });
    await expect(sut.signIn('police', 'right')).resolves.toEqual({ ok: true, user: POLICE });
    expect(sut.user).toEqual(POLICE);
  });

  it('forgets the person on sign-out even when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('network down');
    }));
    const sut = useSessionStore();
    sut.adopt(POLICE);
    await sut.signOut();
    expect(sut.state).toBe('signed-out');
    expect(sut.user).toBeNull();
  });
});

describe(roleHome.name, () => {
  it('sends each role to its own screen', () => {
    expect(roleHome({ role: 'police_operator', schoolId: null })).toBe('/console');
    expect(roleHome({ role: 'education_staff', schoolId: null })).toBe('/desk');
    expect(roleHome({ role: 'school_user', schoolId: 'S0007' })).toBe('/desk/schools/S0007');
    expect(roleHome({ role: 'viewer', schoolId: null })).toBe('/');
    expect(roleHome({ role: 'admin', schoolId: null })).toBe('/admin');
  });
});

describe(safeNext.name, () => {
  it('follows only paths on this site, never another host or the sign-in page', () => {
    expect(safeNext('/console?x=1')).toBe('/console?x=1');
    expect(safeNext('//evil.example/')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('/login?next=/x')).toBeNull();
    expect(safeNext(['/console'])).toBeNull();
  });
});

describe(retryAfterSeconds.name, () => {
  it('reads seconds or a date, and falls back to a minute', () => {
    expect(retryAfterSeconds('900')).toBe(900);
    expect(retryAfterSeconds(new Date(10_000 + 120_000).toUTCString(), 10_000)).toBe(120);
    expect(retryAfterSeconds(null)).toBe(60);
    expect(retryAfterSeconds('soon')).toBe(60);
  });
});

describe('useDistrictScope', () => {
  it('offers every district to a city-level person and leaves the choice open', async () => {
    const { useDistrictScope } = await import('../../client/composables/useDistrictScope.js');
    useSessionStore().adopt({ ...POLICE, districtCode: null });
    let chosen: string | null = null;
    const sut = useDistrictScope({ get: () => chosen, set: (code) => (chosen = code) });
    expect(sut.locked.value).toBe(false);
    expect(sut.districts.value).toHaveLength(10);
    expect(chosen).toBeNull();
  });

  it('fixes a county-level person to their district and keeps it there', async () => {
    const { useDistrictScope } = await import('../../client/composables/useDistrictScope.js');
    const { reactive, nextTick } = await import('vue');
    useSessionStore().adopt(POLICE);
    const filters = reactive({ districtCode: '' });
    const sut = useDistrictScope({ get: () => filters.districtCode, set: (code) => (filters.districtCode = code) });
    expect(sut.locked.value).toBe(true);
    expect(sut.districts.value.map((district) => district.code)).toEqual(['410402']);
    expect(filters.districtCode).toBe('410402');
    filters.districtCode = ''; // A form reset
    await nextTick();
    expect(filters.districtCode).toBe('410402');
  });
});
