import { createHmac } from 'node:crypto';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../shared/auth.js';
import type { AuthService } from '../auth/auth.service.js';
import { setUserOf } from './caller.js';

/** Cookie settings: strict same-site, Secure when the request came over TLS (directly or through a trusted proxy). */
function cookieOptions(req: Request, httpOnly: boolean): CookieOptions {
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
 * Sets a new session's cookies (HttpOnly session, page-readable CSRF token) and answers the CSRF
 * token. `maxAge` (ms) makes them outlive a browser restart (the kiosk); else they end with it.
 */
export function setSessionCookies(req: Request, res: Response, token: string, maxAge?: number): string {
  const csrfToken = csrfTokenFor(token);
  const lasting = maxAge === undefined ? {} : { maxAge };
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req, true), ...lasting });
  res.cookie(CSRF_COOKIE, csrfToken, { ...cookieOptions(req, false), ...lasting });
  return csrfToken;
}

/** Clears the session's cookies (sign-out). */
export function clearSessionCookies(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
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
      const user = await auth.session(token);
      setUserOf(req, user);
      // On reads only: a sign-in answer sets the new session's cookie itself.
      if (user && (req.method === 'GET' || req.method === 'HEAD')) {
        const csrf = csrfTokenFor(token);
        if (req.cookies?.[CSRF_COOKIE] !== csrf) res.cookie(CSRF_COOKIE, csrf, cookieOptions(req, false));
      }
    }
    next();
  };
}
