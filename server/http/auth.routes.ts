import { createHmac } from 'node:crypto';
import { Router, type CookieOptions, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { loginSchema, passwordChangeSchema, type SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import { zodRefusal } from '../../shared/zod-text.js';
import { NOT_SIGNED_IN, sendRefusal } from './refusal.js';
import type { AuditService } from '../auth/audit.service.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ViewerLinkService } from '../auth/viewer-link.service.js';
import { kioskSchema } from '../../shared/admin.js';

/** The session cookie (HttpOnly) and the CSRF cookie the page echoes in a header (double submit). */
export const SESSION_COOKIE = 'xiaoan_session';
export const CSRF_COOKIE = 'xiaoan_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A request with its signed-in user, once `loadSession` ran. */
export interface WithUser {
  user?: SessionUser;
}

function cookieOptions(req: Request, httpOnly: boolean): CookieOptions {
  // Secure when the request came over TLS (directly or through a trusted proxy).
  return { httpOnly, sameSite: 'strict', secure: req.secure, path: '/' };
}

/** The session token from the request's cookie, or null. */
export function sessionToken(req: Request): string | null {
  const value: unknown = req.cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The CSRF token of a session: derived from the session's own (HttpOnly, secret) token, so it is
 * good for that session only — a token from another session, or a cookie planted beside this
 * one, does not match. Derived rather than stored, it needs no database and is the same on
 * every node.
 */
export function csrfTokenFor(sessionTokenValue: string): string {
  return createHmac('sha256', sessionTokenValue).update('xiaoan csrf v1').digest('base64url');
}

/**
 * Attaches the signed-in user (if any) to the request; refuses nothing by itself. A page whose
 * CSRF cookie is not its session's (a session from before tokens were bound, a cookie planted by
 * a sibling site) gets its session's token back in the cookie.
 */
export function loadSession(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const token = sessionToken(req);
    if (token) {
      const user = (await auth.session(token)) ?? undefined;
      (req as Request & WithUser).user = user;
      // On reads only: a sign-in answer sets the new session's cookie itself.
      if (user && (req.method === 'GET' || req.method === 'HEAD')) {
        const csrf = csrfTokenFor(token);
        if (req.cookies?.[CSRF_COOKIE] !== csrf) res.cookie(CSRF_COOKIE, csrf, cookieOptions(req, false));
      }
    }
    next();
  };
}

/** `POST /auth/login`, `POST /auth/kiosk`, `POST /auth/logout`, `GET /auth/me`, `POST /auth/password`. */
export function authRouter(deps: { auth: AuthService; audit: AuditService; viewerLinks: ViewerLinkService; loginsPerMinute: number }): Router {
  const { auth, audit } = deps;
  const router = Router();
  const perAddress = rateLimit({
    windowMs: 60_000,
    limit: deps.loginsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: refusal('此地址登录尝试过多：请等一分钟再试', 'too many sign-in attempts from this address: wait a minute and try again'),
  });

  router.post('/auth/login', perAddress, async (req, res) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) {
      sendRefusal(res, 400, zodRefusal(parsed.error, req.body));
      return;
    }
    const { username, password } = parsed.data;
    const result = await auth.login(username, password, req.ip ?? null);
    if (!result.ok) {
      await audit.append({ actor: username, action: 'auth.login_failed', address: req.ip ?? null, details: { reason: result.reason } });
      // A throttled attempt is 429 with how long to wait, whether or not the account exists.
      if (result.reason === 'throttled') res.set('Retry-After', String(result.retryAfterSeconds)).status(429);
      else res.status(401);
      res.json(result.words);
      return;
    }
    await audit.append({ actor: username, action: 'auth.login', address: req.ip ?? null });
    // A sign-in on a browser that held another session ends that one: one person per browser.
    const previous = sessionToken(req);
    if (previous) await auth.logout(previous);
    const csrfToken = csrfTokenFor(result.token);
    res.cookie(SESSION_COOKIE, result.token, cookieOptions(req, true));
    res.cookie(CSRF_COOKIE, csrfToken, cookieOptions(req, false));
    res.json({ user: result.user, csrfToken });
  });

  // A big screen exchanges its viewer link's key for a long-lived, read-only viewer session.
  router.post('/auth/kiosk', perAddress, async (req, res) => {
    const parsed = kioskSchema.safeParse(req.body);
    if (!parsed.success) {
      sendRefusal(res, 400, zodRefusal(parsed.error, req.body));
      return;
    }
    const result = await deps.viewerLinks.exchange(parsed.data.key, req.ip ?? null);
    if (!result) {
      await audit.append({ actor: 'kiosk', action: 'auth.kiosk_failed', address: req.ip ?? null });
      sendRefusal(res, 401, refusal('该查看链接不存在或已被撤销：请向管理员索取新链接', 'this viewer link is unknown or was revoked: ask the administrator for a new one'));
      return;
    }
    const previous = sessionToken(req);
    if (previous) await auth.logout(previous);
    await audit.append({ actor: result.user.username, action: 'auth.kiosk', target: `viewer-link:${result.link.id}`, address: req.ip ?? null, details: { name: result.link.name } });
    const csrfToken = csrfTokenFor(result.token);
    // The kiosk's cookies outlive a browser restart: the session's own idle limit (90 days) ends it.
    const maxAge = 400 * 24 * 3600_000;
    res.cookie(SESSION_COOKIE, result.token, { ...cookieOptions(req, true), maxAge });
    res.cookie(CSRF_COOKIE, csrfToken, { ...cookieOptions(req, false), maxAge });
    res.json({ user: result.user, csrfToken });
  });

  router.post('/auth/logout', async (req, res) => {
    const token = sessionToken(req);
    const user = (req as Request & WithUser).user;
    if (token) await auth.logout(token);
    if (user) await audit.append({ actor: user.username, action: 'auth.logout', address: req.ip ?? null });
    res.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' }).status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    const user = (req as Request & WithUser).user;
    if (!user) {
      sendRefusal(res, 401, NOT_SIGNED_IN);
      return;
    }
    res.json({ user });
  });

  router.post('/auth/password', async (req, res) => {
    const user = (req as Request & WithUser).user;
    const token = sessionToken(req);
    if (!user || !token) {
      sendRefusal(res, 401, NOT_SIGNED_IN);
      return;
    }
    const parsed = passwordChangeSchema.safeParse(req.body);
    if (!parsed.success) {
      sendRefusal(res, 400, zodRefusal(parsed.error, req.body));
      return;
    }
    const result = await auth.changePassword(user.id, parsed.data.currentPassword, parsed.data.newPassword, token);
    if (!result.ok) {
      await audit.append({ actor: user.username, action: 'auth.password_change_failed', address: req.ip ?? null, details: { reason: result.reason } });
      if (result.reason === 'throttled') res.set('Retry-After', String(result.retryAfterSeconds));
      sendRefusal(res, result.reason === 'throttled' ? 429 : 400, result.words);
      return;
    }
    await audit.append({ actor: user.username, action: 'auth.password_changed', address: req.ip ?? null });
    res.status(204).end();
  });
  return router;
}
