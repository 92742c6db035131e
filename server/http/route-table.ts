import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { SessionUser } from '../../shared/auth.js';
import type { AnswerOf, BodyOf, FileAnswer, ParamsOf, QueryOf, RouteGuard, RouteSpec } from '../../shared/api/route.js';
import { refusal } from '../../shared/refusal.js';
import type { Logger } from '../logger.js';
import type { Actor } from '../services/actor.js';
import { JsonPieces, JsonText } from '../services/json-text.js';
import type { Outcome } from '../services/outcome.js';
import { HeavyPoolBusy } from '../workers/heavy-pool.js';
import { sendJsonPieces, sendJsonText } from './gzip-json.js';
import { sendBusy } from './heavy-limit.js';
import { refusedBody, sendRefusal, sendValidationError } from './refusal.js';
import { ingestCallerOf, userOf, type IngestCaller } from './caller.js';

/**
 * Mounts the handlers of routes from the table (shared/api): each handler is typed by its route —
 * it gets the parsed query and body, the path parameters and the caller, and must return its
 * route's answer type (the compiler refuses anything else) or a refusal. The adapter answers 400
 * for input the schemas refuse, sends the answer with the route's status, and in development and
 * tests checks every JSON answer against the route's answer schema (a mismatch is a 500 and a
 * logged error, so a test sees it).
 */

/** Services make it (server/services/json-text.ts): the adapter sends it as it is. */
export { JsonPieces, JsonText };

/**
 * An answer with a status of its own instead of the route's: for a contract whose refusals carry
 * the same shape as its answer (the ingest contract answers 400 and 413 with `accepted`/`rejected`;
 * `/health` answers 503 with its body while degraded).
 */
export class StatusAnswer<T> {
  constructor(
    readonly status: number,
    readonly data: T,
  ) {}
}

/** Routes that need no signed-in person; their handlers may be called by anyone or an integration. */
type Open = 'public' | 'ingest' | 'ingest-or-read';
/** The signed-in person: always there on a route that needs one. */
export type UserOf<S extends RouteSpec> = S['allow'] extends Open ? SessionUser | null : SessionUser;
/** The acting person: always there on a route that needs one. */
export type ActorOf<S extends RouteSpec> = S['allow'] extends Open ? Actor | null : Actor;

/** What a handler gets. `res` is for headers and cookies only: the answer is what the handler returns. */
export interface RouteContext<S extends RouteSpec> {
  params: ParamsOf<S>;
  query: QueryOf<S>;
  body: BodyOf<S>;
  user: UserOf<S>;
  actor: ActorOf<S>;
  /** The integration behind a bearer ingest token (`ingest`, `ingest-or-read` routes), else null. */
  ingest: IngestCaller | null;
  req: Request;
  res: Response;
}

/** What a handler returns: its route's answer (as JSON text, or with a status of its own), or a refusal. */
export type RouteReply<S extends RouteSpec> = Outcome<AnswerOf<S> | JsonText<AnswerOf<S>> | JsonPieces<AnswerOf<S>> | StatusAnswer<AnswerOf<S>>>;
/** A route's handler. */
export type RouteHandler<S extends RouteSpec> = (context: RouteContext<S>) => Promise<RouteReply<S>> | RouteReply<S>;
/** A handler for every route of a table (one missing, or one extra, does not compile). */
export type RouteHandlers<T extends Record<string, RouteSpec>> = { [K in keyof T]: RouteHandler<T[K]> };

export interface RouteTableOptions {
  /** The per-session limit of expensive reads, in front of `heavy` routes. */
  heavyReads: RequestHandler;
  /** Check every JSON answer against its schema (development and tests; off in production: it costs time on big answers). */
  checkAnswers: boolean;
  log: Logger;
  /** The middleware of each route guard (RouteGuard) the table's routes name; a route naming one not given here is not mounted (an error). */
  guards?: Partial<Record<RouteGuard, RequestHandler[]>>;
}

const WRONG_ANSWER = refusal('服务器应答不符合接口约定', 'the answer does not match its contract');

function contentDisposition(file: FileAnswer): string {
  const ascii = file.asciiName ?? file.name.replace(/[^\x20-\x7e]/g, '_');
  return `${file.inline ? 'inline' : 'attachment'}; filename="${ascii.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`;
}

function sendFile(res: Response, status: number, file: FileAnswer): void {
  res.status(status).type(file.type).setHeader('content-disposition', contentDisposition(file));
  res.send(typeof file.body === 'string' ? file.body : Buffer.from(file.body.buffer, file.body.byteOffset, file.body.byteLength));
}

/** The answer checked against its schema; the issues when it does not match. */
function mismatch(schema: z.ZodType, data: unknown): z.core.$ZodIssue[] | null {
  const checked = schema.safeParse(data instanceof JsonText ? JSON.parse(data.text) : data instanceof JsonPieces ? JSON.parse(data.text()) : data);
  return checked.success ? null : checked.error.issues.slice(0, 5);
}

/** One route's Express handler. */
function handle<S extends RouteSpec>(spec: S, handler: RouteHandler<S>, options: RouteTableOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      const params = spec.params ? spec.params.safeParse(req.params) : null;
      if (params && !params.success) return sendValidationError(res, params.error, req.params);
      const query = spec.query ? spec.query.safeParse(req.query) : null;
      if (query && !query.success) return sendValidationError(res, query.error, req.query);
      const rawBody: unknown = req.body ?? {};
      const body = spec.body ? spec.body.safeParse(rawBody) : null;
      if (body && !body.success) return sendValidationError(res, body.error, rawBody);
      const user = userOf(req);
      const context = {
        params: params ? params.data : req.params,
        query: query?.data,
        body: body?.data,
        user,
        actor: user ? { user, address: req.ip ?? null } : null,
        ingest: ingestCallerOf(req),
        req,
        res,
      } as RouteContext<S>;
      const reply = await handler(context);
      if (!reply.ok) {
        if (reply.retryAfter !== undefined) res.set('Retry-After', String(reply.retryAfter));
        return void res.status(reply.status).json(refusedBody(reply));
      }
      const own = reply.data instanceof StatusAnswer ? reply.data : null;
      const status = own?.status ?? spec.status ?? 200;
      const data: unknown = own ? own.data : reply.data;
      if (spec.answer === 'none') return void res.status(204).end();
      if (spec.answer === 'file') return sendFile(res, status, data as FileAnswer);
      if (options.checkAnswers) {
        const issues = mismatch(spec.answer, data);
        if (issues) {
          options.log.error({ route: `${spec.method} ${spec.path}`, issues }, 'answer does not match its contract');
          return sendRefusal(res, 500, WRONG_ANSWER);
        }
      }
      if (data instanceof JsonText) return void (await sendJsonText(res, status, data));
      if (data instanceof JsonPieces) return void (await sendJsonPieces(res, status, data));
      res.status(status).json(data);
    } catch (error) {
      if (error instanceof HeavyPoolBusy) return sendBusy(res);
      next(error);
    }
  };
}

/**
 * An Express router serving `routes` with `handlers` (one per route, typed by it). The access
 * rule of each route is checked before (route-policy.ts, derived from the same table).
 */
export function routeTable<T extends Record<string, RouteSpec>>(routes: T, handlers: RouteHandlers<T>, options: RouteTableOptions): Router {
  const router = Router();
  for (const name of Object.keys(routes) as (keyof T & string)[]) {
    const spec = routes[name]!;
    const guard = spec.guard ? options.guards?.[spec.guard] : [];
    if (!guard) throw new Error(`${name}: no middleware given for its guard '${spec.guard}'`);
    const chain: RequestHandler[] = [...(spec.heavy ? [options.heavyReads] : []), ...guard, handle(spec, handlers[name], options)];
    router[spec.method.toLowerCase() as Lowercase<RouteSpec['method']>](spec.path, ...chain);
  }
  return router;
}
