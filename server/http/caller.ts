import type { Request } from 'express';
import type { SessionUser } from '../../shared/auth.js';

/**
 * Who is behind a request, as the session loader and the route policy found it: the signed-in
 * person (`loadSession`, server/http/session.ts) and the integration behind a bearer ingest token
 * (`routePolicy`). Read them here, nowhere else: routes of the table get both in their context.
 */

/** An integration that presented a valid bearer ingest token. */
export interface IngestCaller {
  /** The token's id; 0 for the built-in token (XIAOAN_INGEST_TOKEN or the stored default). */
  tokenId: number;
  name: string;
}

/** Kept beside the request, not on it: no cast, and nothing else can set them. */
const users = new WeakMap<Request, SessionUser>();
const integrations = new WeakMap<Request, IngestCaller>();

/** The signed-in person behind a request, or null (no session, or it ended). */
export function userOf(req: Request): SessionUser | null {
  return users.get(req) ?? null;
}

/** Notes the signed-in person (the session loader). */
export function setUserOf(req: Request, user: SessionUser | null): void {
  if (user) users.set(req, user);
  else users.delete(req);
}

/** The integration behind a request the policy let through with a bearer ingest token, or null. */
export function ingestCallerOf(req: Request): IngestCaller | null {
  return integrations.get(req) ?? null;
}

/** Notes the integration (the route policy, after checking its token). */
export function setIngestCallerOf(req: Request, caller: IngestCaller): void {
  integrations.set(req, caller);
}
