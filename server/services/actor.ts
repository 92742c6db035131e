import type { SessionUser } from '../../shared/auth.js';

/**
 * Who acts: the signed-in person and the address the request came from. Services take it for every
 * write, check the person's scope inside the write, and put both on the audit entry they write.
 */
export interface Actor {
  user: SessionUser;
  /** The caller's address (req.ip, after the trusted proxies), null when unknown. */
  address: string | null;
}

/** The system acting by itself (timers, the drill time limit): no person, no address. */
export const SYSTEM_NAME = 'system';
