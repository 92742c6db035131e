import { API, routeUrl, type AnswerOf, type BodyIn, type ParamsIn, type PathParamNames, type QueryIn, type RouteName, type RouteSpec } from '../shared/api/index.js';
import { CSRF_COOKIE, CSRF_HEADER } from '../shared/auth.js';
import type { LocalizedText } from '../shared/domain/text.js';
import { isLocalizedText, type RefusalLike } from './refusal-text.js';

/**
 * A failed HTTP call to the server, with its status (0 when the network failed) and, when the
 * server refused in words (a 429 "too many reads", a 403), those words in both languages.
 */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
    readonly words: LocalizedText | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A failure as a screen words it (useRefusalText): the server's refusal in both languages when it sent one, else the error's own text. */
export function failureWords(failure: unknown): RefusalLike {
  if (failure instanceof HttpError) return { error: failure.message, message: failure.words };
  return { error: failure instanceof Error ? failure.message : String(failure), message: null };
}

/** The `{ zh, en }` message of a refusal body, if the failed response carries one. */
async function refusalWords(response: Response): Promise<LocalizedText | null> {
  const body: unknown = await response.json().catch(() => null);
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : null;
  return isLocalizedText(message) ? message : null;
}

/** The cookie the server sets beside the session for the page to echo in `X-CSRF-Token` (shared/auth.ts). */
export { CSRF_COOKIE };

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
  return { accept: 'application/json', 'content-type': 'application/json', ...(csrf ? { [CSRF_HEADER]: csrf } : {}) };
}

let unauthorized: () => void = () => undefined;

/**
 * What to do when the server says the session is gone (401 on an ordinary call): app-start.ts sends
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
    throw new HttpError(url, response.status, `${url} answered ${response.status}`, await refusalWords(response));
  }
  return (await response.json()) as T;
}

/**
 * A server refusal as a screen uses it: `error` in English (the API contract), `message` in both
 * UI languages (null from a server that sent none), and each field's words likewise. Show it
 * through `useRefusalText` (composables/useRefusalText.ts).
 */
export interface Refusal {
  status: number;
  error: string;
  message: LocalizedText | null;
  fields: Record<string, string>;
  fieldMessages: Record<string, LocalizedText>;
}

/** A write's answer: the data, or the server's refusal with its status, words and per-field messages. */
export type WriteResult<T> = { ok: true; data: T } | ({ ok: false } & Refusal);

/** A write that was not sent (nothing was open to send it for): status 0, no words. */
export const NOT_SENT: WriteResult<never> = { ok: false, status: 0, error: '', message: null, fields: {}, fieldMessages: {} };

/** A refusal that never reached the server (the network failed): the browser's words as they are. */
export function networkRefusal(error: unknown): { ok: false } & Refusal {
  return { ok: false, status: 0, error: error instanceof Error ? error.message : String(error), message: null, fields: {}, fieldMessages: {} };
}

/** Reads a refusal body (`{ error, message?, fields?, fieldMessages? }`, docs/api.md "Errors"); `fallback` when it has no words. */
export function refusalOf(status: number, body: unknown, fallback: string): { ok: false } & Refusal {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const record = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  const fields = Object.fromEntries(Object.entries(record(answer.fields)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const fieldMessages = Object.fromEntries(Object.entries(record(answer.fieldMessages)).filter((entry): entry is [string, LocalizedText] => isLocalizedText(entry[1])));
  return {
    ok: false,
    status,
    error: typeof answer.error === 'string' ? answer.error : fallback,
    message: isLocalizedText(answer.message) ? answer.message : null,
    fields,
    fieldMessages,
  };
}

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
  return refusalOf(response.status, answer, `${url} answered ${response.status}`);
}

/** A route of the table (shared/api) by its name. */
type Spec<K extends RouteName> = (typeof API)[K];
/** The routes that read (GET) and those that write. */
export type ReadRoute = { [K in RouteName]: Spec<K>['method'] extends 'GET' ? K : never }[RouteName];
export type WriteRoute = Exclude<RouteName, ReadRoute>;

/** What a call gives: the path's parameters when it has any, the query when it takes one, the body when it takes one. */
export type RouteInput<S extends RouteSpec> = ([PathParamNames<S['path']>] extends [never] ? { params?: undefined } : { params: ParamsIn<S> }) &
  (S['query'] extends object ? { query?: QueryIn<S> } : { query?: undefined }) &
  (S['body'] extends object ? { body: BodyIn<S> } : { body?: undefined });

/** The URL of a route with its parameters and query (a link: a download, a page of the server). */
export function routeLink<K extends RouteName>(name: K, input: RouteInput<Spec<K>>): string {
  const spec: RouteSpec = API[name];
  return routeUrl(spec, input.params as Record<string, string> | undefined, input.query as Record<string, unknown> | undefined);
}

/**
 * In development, an answer that does not match its route's schema is reported at once (the
 * screen would otherwise fail somewhere later, far from the cause).
 */
function checked<K extends RouteName>(name: K, data: unknown): AnswerOf<Spec<K>> {
  const spec: RouteSpec = API[name];
  if (import.meta.env.DEV && typeof spec.answer === 'object') {
    const result = spec.answer.safeParse(data);
    if (!result.success) console.error(`answer of ${name} does not match its contract`, result.error.issues);
  }
  return data as AnswerOf<Spec<K>>;
}

/** Reads a route (GET) by name: typed input, typed answer; throws HttpError when refused. */
export async function getRoute<K extends ReadRoute>(name: K, input: RouteInput<Spec<K>>, signal?: AbortSignal): Promise<AnswerOf<Spec<K>>> {
  return checked(name, await getJson<unknown>(routeLink(name, input), signal));
}

/** Sends a write route by name: typed input, the typed answer or the server's refusal (see `sendJson`). */
export async function sendRoute<K extends WriteRoute>(name: K, input: RouteInput<Spec<K>>): Promise<WriteResult<AnswerOf<Spec<K>>>> {
  const spec: RouteSpec = API[name];
  const result = await sendJson<unknown>(spec.method as WriteMethod, routeLink(name, input), input.body ?? {});
  return result.ok ? { ok: true, data: checked(name, result.data) } : result;
}

/**
 * Calls a route by name and hands back the raw response, for the callers that read its status
 * themselves: the sign-in calls (stores/session.ts, stores/kioskSession.ts), where a 401 is a
 * wrong password or an unknown link — an answer, not an ended session — and a 429 says how long
 * to wait. No 401 handler here; read the answer with `answerOf`. Throws what fetch throws (the network).
 */
export function fetchRoute<K extends RouteName>(name: K, input: RouteInput<Spec<K>>): Promise<Response> {
  const spec: RouteSpec = API[name];
  const body: unknown = input.body;
  if (spec.method === 'GET') return fetch(routeLink(name, input), { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  return fetch(routeLink(name, input), { method: spec.method, headers: writeHeaders(), credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** The answer of a route's successful response (checked in development), or null when its body is not JSON. */
export async function answerOf<K extends RouteName>(name: K, response: Response): Promise<AnswerOf<Spec<K>> | null> {
  const data: unknown = await response.json().catch(() => null);
  return data === null ? null : checked(name, data);
}
