import { z } from 'zod';
import type { Permission } from '../auth.js';
import { bilingual } from '../zod-text.js';

/**
 * One REST route of `/api/v1`, written once: its method and path, who may call it, the zod
 * schemas of what it takes and what it answers. The server mounts its handler from this (typed by
 * it) and derives the access policy from it (server/http/route-table.ts, route-policy.ts); the
 * client calls it by name with typed input and a typed answer (client/api.ts `getRoute`,
 * `sendRoute`). The table is `API` in shared/api/index.ts.
 */

/** HTTP methods a route names (HEAD is answered by the GET route). */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * Who may call a route: a permission (signed in and the role holds it), anyone (`public`), any
 * signed-in person (`signed-in`), an integration with a bearer ingest token (`ingest`), or either
 * a bearer ingest token or a signed-in person with `read` (`ingest-or-read`, the registry).
 * District and school scope are checked by the services (the person's own district or school).
 */
export type RouteAllow = Permission | 'public' | 'signed-in' | 'ingest' | 'ingest-or-read';

/**
 * What a route answers: JSON checked against a zod schema (no transforms: what the server sends is
 * what the client reads), a `file` (CSV, XLSX, PDF: a download, not JSON), or `none` (204).
 */
export type AnswerSpec = z.ZodType | 'file' | 'none';

/**
 * Route-specific middleware the server mounts before a route's handler (after the access check):
 * `sign-in`, the per-address limit of sign-in attempts; `ingest`, the ingest contract's own body
 * handling (its size limit, structural limits and per-token rate, refusals with `accepted`/`rejected`);
 * `photo`, a raw image body (`image/jpeg|png|webp`, at most MAX_PHOTO_BYTES; 413 over, 415 another type).
 */
export type RouteGuard = 'sign-in' | 'ingest' | 'photo';

/** A route as the table holds it. `path` is relative to `/api/v1`, Express syntax (`/drills/:id`). */
export interface RouteSpec {
  method: RouteMethod;
  path: `/${string}`;
  allow: RouteAllow;
  /** The path parameters' schema (values arrive as strings: use `z.coerce` for numbers); without one each is a string. */
  params?: z.ZodType;
  /** The query string's schema (values arrive as strings: use `z.coerce` for numbers). */
  query?: z.ZodType;
  /** The JSON body's schema. */
  body?: z.ZodType;
  answer: AnswerSpec;
  /** The status of a successful answer: 200 unless said (201 created, 202 accepted, 204 no content). */
  status?: 200 | 201 | 202 | 204;
  /** An expensive read (worker pool, exports): counted against the per-session limit (XIAOAN_HEAVY_READS_PER_MINUTE). */
  heavy?: boolean;
  /** Middleware of its own before the handler (see RouteGuard). */
  guard?: RouteGuard;
  /** What the route does, one line (docs and the access matrix). */
  summary: string;
}

/** Declares a route, keeping its literal types (path, schemas) for the types below. */
export function route<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** The `:names` of a path: `/drills/:id/checklist/:itemId` → `'id' | 'itemId'`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** A route's path parameters as a caller gives them: strings (an empty object for a path with none). */
export type ParamsIn<S extends RouteSpec> = { [K in PathParamNames<S['path']>]: string };
/** A route's path parameters as its handler reads them: parsed by `params` when the route has one, else strings. */
export type ParamsOf<S extends RouteSpec> = S['params'] extends z.ZodType ? z.output<S['params']> : ParamsIn<S>;

const NOT_AN_ID = bilingual('not an id: must be a whole number from 1', '不是有效的编号：须为从 1 起的整数');

/** `:id` as a positive integer (a row's number): for `params`. */
export const numericIdParams = z.object({
  id: z.coerce.number({ error: NOT_AN_ID }).int({ error: NOT_AN_ID }).min(1, { error: NOT_AN_ID }).max(Number.MAX_SAFE_INTEGER, { error: NOT_AN_ID }),
});

/** The query a handler reads (parsed, defaults applied); `undefined` for a route without one. */
export type QueryOf<S extends RouteSpec> = S['query'] extends z.ZodType ? z.output<S['query']> : undefined;
/** The query a caller gives (before parsing). */
export type QueryIn<S extends RouteSpec> = S['query'] extends z.ZodType ? z.input<S['query']> : undefined;

/** The body a handler reads (parsed); `undefined` for a route without one. */
export type BodyOf<S extends RouteSpec> = S['body'] extends z.ZodType ? z.output<S['body']> : undefined;
/** The body a caller sends. */
export type BodyIn<S extends RouteSpec> = S['body'] extends z.ZodType ? z.input<S['body']> : undefined;

/** A download a route answers: its bytes or text, its media type and the file name offered. */
export interface FileAnswer {
  body: string | Uint8Array;
  /** Media type, e.g. `text/csv; charset=utf-8`. */
  type: string;
  /** The name offered to save it as (may hold Chinese: sent as RFC 5987 `filename*`). */
  name: string;
  /** An ASCII name for old clients; `name` when absent and ASCII. */
  asciiName?: string;
  /** Shown in the browser (a photo opened from the timeline) rather than offered as a download. */
  inline?: boolean;
}

/** What a route answers when it succeeds. */
export type AnswerOf<S extends RouteSpec> = S['answer'] extends z.ZodType ? z.output<S['answer']> : S['answer'] extends 'file' ? FileAnswer : null;

/** The URL of a route with its parameters filled (each encoded) and its query, relative to the origin. */
export function routeUrl(spec: Pick<RouteSpec, 'path'>, params: Record<string, string> = {}, query?: Record<string, unknown>): string {
  const path = spec.path.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${spec.path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  const search = query ? queryString(query) : '';
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

/** A query object as a query string: undefined and null left out, arrays comma-joined, the rest as text. */
export function queryString(query: Record<string, unknown>): string {
  // Written out (not URLSearchParams): shared/ compiles without the DOM's or node's globals.
  return Object.entries(query)
    .filter((entry): entry is [string, NonNullable<unknown>] => entry[1] !== undefined && entry[1] !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(Array.isArray(value) ? value.map(String).join(',') : String(value))}`)
    .join('&');
}
