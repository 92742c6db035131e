/** A failed HTTP call to the server, with its status (0 when the network failed). */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The cookie the server sets beside the session for the page to echo in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'xiaoan_csrf';

/** A cookie's value as the page sees it (`document.cookie`), or null. */
export function readCookie(name: string, cookies: string = globalThis.document?.cookie ?? ''): string | null {
  for (const part of cookies.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return part.slice(separator + 1).trim();
    }
  }
  return null;
}

/** The headers every cookie-authenticated write carries: JSON, and the CSRF token echoed from its cookie. */
export function writeHeaders(): Record<string, string> {
  const csrf = readCookie(CSRF_COOKIE);
  return { accept: 'application/json', 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) };
}

let unauthorized: () => void = () => undefined;

/**
 * What to do when the server says the session is gone (401 on an ordinary call): main.ts sends
 * the person to the sign-in page. The sign-in calls themselves (stores/session.ts) do not go
 * through here: a wrong password is an answer, not an expired session.
 */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

function check401(status: number): void {
  if (status === 401) unauthorized();
}

/** GETs JSON from the server; the caller names the contract type it expects (shared/*). */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    throw new HttpError(url, 0, error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    check401(response.status);
    throw new HttpError(url, response.status, `${url} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

/** A write's answer: the data, or the server's refusal with its status, words and per-field messages. */
export type WriteResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; fields: Record<string, string> };

/** A write that was not sent (nothing was open to send it for): status 0, no words. */
export const NOT_SENT: WriteResult<never> = { ok: false, status: 0, error: '', fields: {} };

/** The HTTP methods that change something. */
export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Sends a write as JSON with the CSRF token; the server records the signed-in person as the
 * actor. A refusal (400, 403, 404, 409) is an answer, not an exception: the caller shows its
 * reason; only a network failure throws. A 401 (the session ended) also sends the person to
 * the sign-in page.
 */
export async function sendJson<T>(method: WriteMethod, url: string, body?: unknown): Promise<WriteResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: writeHeaders(), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (error) {
    throw new HttpError(url, 0, error instanceof Error ? error.message : String(error));
  }
  const answer: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: answer as T };
  check401(response.status);
  const refusal = (answer ?? {}) as { error?: unknown; fields?: unknown };
  return {
    ok: false,
    status: response.status,
    error: typeof refusal.error === 'string' ? refusal.error : `${url} answered ${response.status}`,
    fields: typeof refusal.fields === 'object' && refusal.fields !== null ? (refusal.fields as Record<string, string>) : {},
  };
}
