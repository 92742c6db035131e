import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { can as roleCan, ROLE_PERMISSIONS, type Permission, type Role, type SessionUser } from '../../shared/auth.js';
import { CSRF_COOKIE } from '../../shared/auth.js';
import { answerOf, fetchRoute, HttpError, networkRefusal, readCookie, refusalOf, routeLink, type WriteResult } from '../api.js';
import type { LocalizedText } from '../../shared/domain/text.js';

/**
 * `unknown`: not asked yet (or asking); `signed-in`: the server knows this page's person;
 * `signed-out`: nobody signed in, or they signed out here; `expired`: the session ended under the
 * page (it expired, the password was changed elsewhere, an administrator revoked it).
 */
export type SessionState = 'unknown' | 'signed-in' | 'signed-out' | 'expired';

/**
 * A sign-in's outcome. `wrong`: username or password (401, the server says no more, nor do we);
 * `throttled` (429): too many attempts from this computer — for this account or overall — so the
 * server asks to wait `retryAfterSeconds`, until `retryAt` (ms, this page's clock); `invalid`:
 * the form was not acceptable; `failed`: the server or the network.
 */
export type SignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'wrong' | 'invalid' | 'failed'; error: string; message?: LocalizedText | null }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number; retryAt: number; error: string; message?: LocalizedText | null };

/** Where each role starts after signing in (a `next` the person was sent away from wins). */
export function roleHome(user: Pick<SessionUser, 'role' | 'schoolId'>): string {
  switch (user.role) {
    case 'police_operator':
      return '/console';
    case 'education_staff':
      return '/desk';
    case 'school_user':
      return user.schoolId ? `/desk/schools/${encodeURIComponent(user.schoolId)}` : '/desk';
    case 'admin':
      return '/admin';
    case 'viewer':
      return '/';
    case 'responder':
      return '/m';
  }
}

/**
 * A `next` query worth following: a path on this site (never `//host` or a full URL, which
 * would make the sign-in page an open redirect) and not the sign-in page itself.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return null;
  return next;
}

/** Seconds in a `Retry-After` header (delta-seconds or an HTTP date); 60 when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number {
  if (!header) return 60;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 60 : Math.max(0, Math.ceil((date - now) / 1000));
}

async function errorWords(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
}

/**
 * Who is signed in on this page (`GET /api/v1/auth/me`), what their role may do (shared/auth.ts),
 * and the sign-in, sign-out and password-change calls. The acting person of every write and
 * command is this user: the server takes it from the session cookie.
 */
export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);
  const state = ref<SessionState>('unknown');
  let asking: Promise<SessionUser | null> | null = null;

  const permissions = computed<readonly Permission[]>(() => (user.value ? ROLE_PERMISSIONS[user.value.role] : []));
  const role = computed<Role | null>(() => user.value?.role ?? null);
  const home = computed(() => (user.value ? roleHome(user.value) : '/login'));

  /** Whether the signed-in person may do this (false when nobody is signed in). */
  function can(permission: Permission): boolean {
    return user.value !== null && roleCan(user.value, permission);
  }

  /** The token to echo in `X-CSRF-Token`, read from its cookie at the moment of asking. */
  function csrfToken(): string | null {
    return readCookie(CSRF_COOKIE);
  }

  /** Someone is signed in (a sign-in, or the kiosk's viewer link): the page acts for them from now on. */
  function adopt(next: SessionUser): void {
    user.value = next;
    state.value = 'signed-in';
  }

  /** Nobody is signed in (any more): forget the person. */
  function forget(): void {
    user.value = null;
    state.value = 'signed-out';
  }

  /** The server no longer knows this page's session (a 401, or the socket refused): the page goes to sign-in. */
  function expired(): void {
    if (state.value === 'signed-out') return;
    user.value = null;
    state.value = 'expired';
  }

  /** Asks the server who this page's person is; once, unless `force`. A network failure throws (the page retries). */
  function load(force = false): Promise<SessionUser | null> {
    if (!force && state.value !== 'unknown') return Promise.resolve(user.value);
    if (asking && !force) return asking;
    const request = (async () => {
      const url = routeLink('auth.me', {});
      let response: Response;
      try {
        response = await fetchRoute('auth.me', {});
      } catch (error) {
        throw new HttpError(url, 0, error instanceof Error ? error.message : String(error));
      }
      // Nobody signed in is an answer here, not an ended session.
      if (response.status === 401) {
        forget();
        return null;
      }
      if (!response.ok) throw new HttpError(url, response.status, await errorWords(response));
      const body = await answerOf('auth.me', response);
      if (!body) throw new HttpError(url, response.status, 'the answer is not JSON');
      adopt(body.user);
      return body.user;
    })();
    asking = request;
    return request.finally(() => {
      if (asking === request) asking = null;
    });
  }

  /** `POST /api/v1/auth/login`: on success the server sets the session and CSRF cookies. */
  async function signIn(username: string, password: string): Promise<SignInOutcome> {
    let response: Response;
    try {
      response = await fetchRoute('auth.login', { body: { username, password } });
    } catch (error) {
      return { ok: false, reason: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    if (response.ok) {
      const body = await answerOf('auth.login', response);
      if (!body) return { ok: false, reason: 'failed', error: 'the answer is not JSON' };
      adopt(body.user);
      return { ok: true, user: body.user };
    }
    const { error, message } = refusalOf(response.status, await response.json().catch(() => null), `HTTP ${response.status}`);
    switch (response.status) {
      case 401:
        return { ok: false, reason: 'wrong', error, message };
      case 429: {
        const wait = retryAfterSeconds(response.headers.get('retry-after'));
        return { ok: false, reason: 'throttled', retryAfterSeconds: wait, retryAt: Date.now() + wait * 1000, error, message };
      }
      case 400:
        return { ok: false, reason: 'invalid', error, message };
      default:
        return { ok: false, reason: 'failed', error, message };
    }
  }

  /** `POST /api/v1/auth/logout`; the page forgets the person even when the server cannot be reached. */
  async function signOut(): Promise<void> {
    try {
      await fetchRoute('auth.logout', {});
    } catch {
      // Signed out here anyway; the server's session expires on its own.
    }
    forget();
  }

  /** `POST /api/v1/auth/password`: 204, or the server's reason (wrong current password, too short). */
  async function changePassword(currentPassword: string, newPassword: string): Promise<WriteResult<null>> {
    let response: Response;
    try {
      response = await fetchRoute('auth.password', { body: { currentPassword, newPassword } });
    } catch (error) {
      return networkRefusal(error);
    }
    if (response.ok) return { ok: true, data: null };
    return refusalOf(response.status, await response.json().catch(() => null), `HTTP ${response.status}`);
  }

  return { user, state, role, permissions, home, can, csrfToken, adopt, forget, expired, load, signIn, signOut, changePassword };
});
