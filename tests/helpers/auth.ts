import type { Role, SessionUser } from '../../shared/auth.js';
import type { AuthService } from '../../server/auth/auth.service.js';

/** What signInAs needs of a running server: its URL and its auth service. */
export interface SignInTarget {
  url: string;
  services: { auth: AuthService };
}

/** Who to sign in as; the account is made on first use (per server) with a test password. */
export interface Who {
  role: Role;
  districtCode?: string | null;
  schoolId?: string | null;
  /** A responder's unit (a police post id). */
  unitId?: string | null;
  /** Defaults to a name derived from role, district and school. */
  username?: string;
  displayName?: string;
}

/** A signed-in person: their cookies, CSRF token, and fetch helpers that send both. */
export interface Session {
  user: SessionUser;
  /** `xiaoan_session=…; xiaoan_csrf=…`, for a `cookie` header (also socket.io-client `extraHeaders`). */
  cookie: string;
  csrf: string;
  /** cookie + x-csrf-token + content-type json, plus `extra`. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** GET a path relative to the server URL, e.g. '/api/v1/alarms'. */
  get(path: string): Promise<Response>;
  /** Any method, JSON body when given. */
  send(method: string, path: string, body?: unknown): Promise<Response>;
}

/** The password of every account signInAs makes. */
export const TEST_PASSWORD = 'test-password-123';

const made = new WeakMap<object, Map<string, Promise<unknown>>>();

function defaultUsername(who: Who): string {
  return [who.role, who.districtCode ?? 'city', who.schoolId, who.unitId].filter(Boolean).join('-').toLowerCase();
}

/** Wraps cookies got elsewhere (e.g. the kiosk exchange) in the Session helpers. */
export function sessionFrom(url: string, user: SessionUser, setCookies: string[]): Session {
  const pairs = setCookies.map((c) => c.split(';')[0]!).filter((c) => c.includes('='));
  const cookie = pairs.join('; ');
  const csrf = pairs.find((p) => p.startsWith('xiaoan_csrf='))?.slice('xiaoan_csrf='.length) ?? '';
  const headers = (extra: Record<string, string> = {}) => ({ cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', ...extra });
  return {
    user,
    cookie,
    csrf,
    headers,
    get: (path) => fetch(`${url}${path}`, { headers: headers() }),
    send: (method, path, body) =>
      fetch(`${url}${path}`, { method, headers: headers(), ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) }),
  };
}

/**
 * Signs in over HTTP (`POST /api/v1/auth/login`) as a person of the given role and scope, making
 * the account directly through the server's auth service the first time.
 */
export async function signInAs(server: SignInTarget, who: Who): Promise<Session> {
  const username = who.username ?? defaultUsername(who);
  let accounts = made.get(server.services.auth);
  if (!accounts) made.set(server.services.auth, (accounts = new Map()));
  let creating = accounts.get(username);
  if (!creating) {
    creating = (async () => {
      if (await server.services.auth.hasUser(username)) return;
      await server.services.auth.createUser({
        username,
        displayName: who.displayName ?? username,
        password: TEST_PASSWORD,
        role: who.role,
        districtCode: who.districtCode ?? null,
        schoolId: who.schoolId ?? null,
        unitId: who.unitId ?? null,
      });
    })();
    accounts.set(username, creating);
  }
  await creating;
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`signInAs ${username}: sign-in answered ${response.status} ${await response.text()}`);
  const { user } = (await response.json()) as { user: SessionUser };
  return sessionFrom(server.url, user, response.headers.getSetCookie());
}

/** An answer read as JSON with its status. */
export async function answerOf<T>(response: Promise<Response> | Response): Promise<{ status: number; body: T }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as T };
}

/** A call of `/api/v1` as a named person (null: signed out). */
export type Caller = <T>(method: string, path: string, body?: unknown, name?: string | null) => Promise<{ status: number; body: T }>;

/**
 * Calls `/api/v1` as a named person of one role, each name signed in on first use (the acting
 * person is the session's), or signed out when the name is null.
 */
export function callerAs(server: SignInTarget, role: Role, defaultName: string): Caller {
  const sessions = new Map<string, Promise<Session>>();
  const as = (name: string) => {
    if (!sessions.has(name)) sessions.set(name, signInAs(server, { role, username: name, displayName: name }));
    return sessions.get(name)!;
  };
  return async function call<T>(method: string, path: string, body?: unknown, name: string | null = defaultName): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = name ? (await as(name)).headers() : { 'content-type': 'application/json' };
    return answerOf<T>(fetch(`${server.url}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
  };
}
