import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { API, type RouteSpec } from '../../shared/api/index.js';
import { can, CSRF_COOKIE, CSRF_HEADER, type Permission } from '../../shared/auth.js';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import { NOT_SIGNED_IN, sendRefusal } from './refusal.js';
import { ingestCallerOf, setIngestCallerOf, userOf, type IngestCaller } from './caller.js';
import { csrfTokenFor, sessionToken } from './session.js';

export { ingestCallerOf, type IngestCaller };

/** One route's access rule: its method, Express path relative to `/api/v1`, and who may call it. */
export type RouteRule = Pick<RouteSpec, 'method' | 'path' | 'allow'>;

/**
 * Every `/api/v1` route and who may call it, read from the route table (shared/api), where each
 * route's rule is written once beside its schemas. Deny by default: a request matching no rule is
 * refused 403 (tests/integration/access-matrix.test.ts enumerates the app's real routes and fails
 * for one not in the table, or a table route the app does not serve). District and school scope
 * are checked by the services (server/services/scope.ts).
 */
export const ROUTE_POLICY: readonly RouteRule[] = Object.values(API).map(({ method, path, allow }): RouteRule => ({ method, path, allow }));

interface CompiledRule {
  rule: RouteRule;
  pattern: RegExp;
}

/** Express's default matching: case-insensitive, a trailing slash optional, `:name` one non-empty segment. */
function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`, 'i');
}

const compiled: CompiledRule[] = ROUTE_POLICY.map((rule) => ({ rule, pattern: compile(rule.path) }));

/** The rule for a request, or null (refused). HEAD uses the GET rule. */
export function findRule(method: string, path: string): RouteRule | null {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return compiled.find((c) => c.rule.method === m && c.pattern.test(path))?.rule ?? null;
}

/** Checks a bearer token; null when it is unknown or revoked. */
export type IngestAuthenticator = (token: string) => Promise<IngestCaller | null> | IngestCaller | null;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes a cookie may call without the CSRF header: they start a session, they do not act within one. */
const CSRF_EXEMPT = new Set<string>([API['auth.login'].path, API['auth.kiosk'].path]);

function bearer(req: Request): string | null | undefined {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(status: 401 | 403, words: RefusalWords, bearerChallenge = false): RequestHandler {
  return (_req, res) => {
    if (bearerChallenge) res.set('WWW-Authenticate', 'Bearer');
    sendRefusal(res, status, words);
  };
}

const BAD_TOKEN = refusal('需要有效的接入令牌：Authorization: Bearer <令牌>', 'a valid ingest token is required: Authorization: Bearer <token>');

/**
 * The access check in front of every `/api/v1` router (after the session is loaded): finds the
 * request's rule (none → 403), checks the caller (none → 401, too little → 403), and for
 * cookie-authenticated state changes the CSRF header: it must be the session's own token
 * (`csrfTokenFor`), not merely equal to a cookie a sibling site could have planted (missing or
 * different → 403).
 */
export function routePolicy(deps: { ingest: IngestAuthenticator }): RequestHandler {
  return async (req, res, next) => {
    const rule = findRule(req.method, req.path);
    if (!rule) return refuse(403, refusal(`${req.method} ${req.baseUrl}${req.path} 没有访问规则：已拒绝`, `no access rule for ${req.method} ${req.baseUrl}${req.path}: refused`))(req, res, next);
    const user = userOf(req);

    if (rule.allow === 'ingest' || rule.allow === 'ingest-or-read') {
      const token = bearer(req);
      // `ingest-or-read` without an Authorization header is an ordinary `read` route.
      if (rule.allow === 'ingest' || token !== undefined) {
        const caller = token ? await deps.ingest(token) : null;
        if (!caller) return refuse(401, BAD_TOKEN, true)(req, res, next);
        setIngestCallerOf(req, caller);
        return next();
      }
    }
    if (rule.allow === 'public') return next();
    if (!user) return refuse(401, NOT_SIGNED_IN)(req, res, next);
    const permission: Permission | null = rule.allow === 'signed-in' ? null : rule.allow === 'ingest-or-read' ? 'read' : rule.allow;
    if (permission && !can(user, permission)) return refuse(403, refusal(`您的角色（${user.role}）无权执行此操作：需要“${permission}”权限`, `your role (${user.role}) may not do this: it needs "${permission}"`))(req, res, next);
    if (!SAFE_METHODS.has(req.method) && !CSRF_EXEMPT.has(req.path)) {
      const header = req.get(CSRF_HEADER);
      const session = sessionToken(req);
      if (!header || !session || !sameSecret(header, csrfTokenFor(session))) {
        return refuse(403, refusal('页面安全令牌缺失或不符：请刷新页面后重试', `missing or wrong X-CSRF-Token header: send the value of the ${CSRF_COOKIE} cookie`))(req, res, next);
      }
    }
    next();
  };
}
