import { z } from 'zod';
import { kioskSchema } from '../admin.js';
import { loginSchema, passwordChangeSchema, sessionUserSchema, signedInSchema } from '../auth.js';
import { route } from './route.js';

/**
 * Sign-in (server/http/auth.routes.ts): a person with a password, a big screen with its viewer
 * link's key (both set the session and CSRF cookies, and are limited per address), sign-out,
 * who is signed in, and a password change.
 */
export const AUTH_ROUTES = {
  'auth.login': route({ method: 'POST', path: '/auth/login', allow: 'public', guard: 'sign-in', body: loginSchema, answer: signedInSchema, summary: 'sign in with a username and password (sets the session and CSRF cookies)' }),
  'auth.kiosk': route({ method: 'POST', path: '/auth/kiosk', allow: 'public', guard: 'sign-in', body: kioskSchema, answer: signedInSchema, summary: 'a big screen signs in with its viewer link key (a long-lived read-only session)' }),
  'auth.logout': route({ method: 'POST', path: '/auth/logout', allow: 'signed-in', answer: 'none', summary: 'sign out: the session ends and its cookies are cleared' }),
  'auth.me': route({ method: 'GET', path: '/auth/me', allow: 'signed-in', answer: z.object({ user: sessionUserSchema }), summary: 'who is signed in' }),
  'auth.password': route({ method: 'POST', path: '/auth/password', allow: 'signed-in', body: passwordChangeSchema, answer: 'none', summary: 'change one’s own password (the other sessions end)' }),
} as const;
