// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REVOKED_RETRY_MS, UNREACHABLE_RETRY_MS, useKioskSessionStore } from '../../client/stores/kioskSession.js';
import { useSessionStore } from '../../client/stores/session.js';
import type { SessionUser } from '../../shared/auth.js';

const VIEWER: SessionUser = { id: 7, username: 'kiosk-1', displayName: '大屏', role: 'viewer', districtCode: null, schoolId: null, unitId: null };

/** The server's answers to `POST /api/v1/auth/kiosk`, in order; every call is recorded. */
function serverAnswering(...statuses: (number | 'down')[]) {
  const calls: { url: string; body: unknown }[] = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null });
    const status = statuses.length > 1 ? statuses.shift() : statuses[0];
    if (status === 'down') throw new TypeError('fetch failed');
    return new Response(status === 200 ? JSON.stringify({ user: VIEWER, csrfToken: 'c' }) : JSON.stringify({ error: 'no' }), { status });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

describe(useKioskSessionStore.name, () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    useKioskSessionStore().stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('exchanges its key and hands the viewer to the page session (which opens the socket)', async () => {
    const calls = serverAnswering(200);
    const sut = useKioskSessionStore();
    await expect(sut.start('k-123')).resolves.toBe('signed-in');
    expect(calls).toEqual([{ url: '/api/v1/auth/kiosk', body: { key: 'k-123' } }]);
    expect(useSessionStore().state).toBe('signed-in');
    expect(useSessionStore().user).toEqual(VIEWER);
  });

  it('a refused key shows the revoked screen and is tried again every minute, until the link works again', async () => {
    const calls = serverAnswering(401, 401, 200);
    const sut = useKioskSessionStore();
    await sut.start('old');
    expect(sut.state).toBe('revoked');
    await vi.advanceTimersByTimeAsync(REVOKED_RETRY_MS - 1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(sut.state).toBe('revoked');
    await vi.advanceTimersByTimeAsync(REVOKED_RETRY_MS);
    expect(sut.state).toBe('signed-in');
  });

  it('no key at all is the revoked screen, without asking the server', async () => {
    const calls = serverAnswering(200);
    const sut = useKioskSessionStore();
    await expect(sut.start('')).resolves.toBe('revoked');
    expect(calls).toHaveLength(0);
  });

  it('when the session ends under the page (the link revoked: the socket is refused), it asks again and shows the revoked screen', async () => {
    const calls = serverAnswering(200, 401);
    const sut = useKioskSessionStore();
    await sut.start('k');
    useSessionStore().expired();
    await vi.waitFor(() => expect(sut.state).toBe('revoked'));
    expect(calls).toHaveLength(2);
  });

  it('a server that cannot be reached does not throw the picture away, and is asked again sooner', async () => {
    const calls = serverAnswering(200, 'down', 200);
    const sut = useKioskSessionStore();
    await sut.start('k');
    useSessionStore().expired();
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(sut.state).toBe('signed-in');
    await vi.advanceTimersByTimeAsync(UNREACHABLE_RETRY_MS);
    expect(calls).toHaveLength(3);
    expect(useSessionStore().state).toBe('signed-in');
  });
});
