import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { AUTH_ROUTES } from '../../shared/api/auth.js';
import { refusal } from '../../shared/refusal.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Logger } from '../logger.js';
import type { ViewerLinkService } from '../auth/viewer-link.service.js';
import { refuse } from '../services/outcome.js';
import { NOT_SIGNED_IN } from './refusal.js';
import type { RouteHandlers } from './route-table.js';
import { clearSessionCookies, sessionToken, setSessionCookies } from './session.js';

/** How long a kiosk's cookies last: past a browser restart; the session's own idle limit (90 days) ends it. */
const KIOSK_COOKIE_MS = 400 * 24 * 3600_000;

const UNKNOWN_LINK = refusal('该查看链接不存在或已被撤销：请向管理员索取新链接', 'this viewer link is unknown or was revoked: ask the administrator for a new one');

/** express-rate-limit's messages in the server's log: a failing store at debug, its warnings as warnings. */
function limitLogger(log: Logger) {
  return {
    error: (error: unknown, message?: string) => log.debug({ err: error }, message ?? 'sign-in limit'),
    warn: (error: unknown, message?: string) => log.warn({ err: error }, message ?? 'sign-in limit'),
  };
}

/**
 * The guard of the sign-in routes (`guard: 'sign-in'`): so many attempts per address a minute, then
 * 429. `shared.store`: counts shared by the nodes (REDIS_URL); when it fails the attempt goes on to
 * the throttles, which count on the node meanwhile (each such failure a debug line: the outage itself
 * is logged by the Redis connections). Without it, in this node's memory.
 */
export function signInLimit(loginsPerMinute: number, shared?: { store: Store; log: Logger }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: loginsPerMinute,
    ...(shared ? { store: shared.store, passOnStoreError: true, logger: limitLogger(shared.log) } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: refusal('此地址登录尝试过多：请等一分钟再试', 'too many sign-in attempts from this address: wait a minute and try again'),
  });
}

/**
 * Sign-in (shared/api/auth.ts). The services check and audit every attempt; the handlers set and
 * clear the cookies. A sign-in on a browser that held another session ends that one: one person
 * per browser.
 */
export function authHandlers(deps: { auth: AuthService; viewerLinks: ViewerLinkService }): RouteHandlers<typeof AUTH_ROUTES> {
  const { auth, viewerLinks } = deps;
  const endPrevious = async (token: string | null) => {
    if (token) await auth.logout(token);
  };
  return {
    'auth.login': async ({ body, req, res }) => {
      const result = await auth.login(body.username, body.password, req.ip ?? null);
      // A throttled attempt is 429 with how long to wait, whether or not the account exists.
      if (!result.ok) return result.reason === 'throttled' ? { ...refuse(429, result.words), retryAfter: result.retryAfterSeconds } : refuse(401, result.words);
      await endPrevious(sessionToken(req));
      return { ok: true, data: { user: result.user, csrfToken: setSessionCookies(req, res, result.token) } };
    },
    // A big screen exchanges its viewer link's key for a long-lived, read-only viewer session.
    'auth.kiosk': async ({ body, req, res }) => {
      const result = await viewerLinks.exchange(body.key, req.ip ?? null);
      if (!result) return refuse(401, UNKNOWN_LINK);
      await endPrevious(sessionToken(req));
      return { ok: true, data: { user: result.user, csrfToken: setSessionCookies(req, res, result.token, KIOSK_COOKIE_MS) } };
    },
    'auth.logout': async ({ actor, req, res }) => {
      const token = sessionToken(req);
      if (token) await auth.logout(token, actor);
      clearSessionCookies(res);
      return { ok: true, data: null };
    },
    'auth.me': ({ user }) => ({ ok: true, data: { user } }),
    'auth.password': async ({ body, actor, req }) => {
      const token = sessionToken(req);
      if (!token) return refuse(401, NOT_SIGNED_IN);
      const result = await auth.changePassword(actor, body.currentPassword, body.newPassword, token);
      if (result.ok) return { ok: true, data: null };
      return result.reason === 'throttled' ? { ...refuse(429, result.words), retryAfter: result.retryAfterSeconds } : refuse(400, result.words);
    },
  };
}
