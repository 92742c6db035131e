import type { Server } from 'socket.io';

/** Express's compiled `trust proxy` (`app.get('trust proxy fn')`): whether the address `hops` steps from the server is a proxy to believe. */
export type TrustFn = (address: string, hops: number) => boolean;

/**
 * The client's address as Express's `req.ip` finds it (proxy-addr): the peer, then the
 * X-Forwarded-For entries from the right, for as long as each address so far is a trusted proxy.
 * With `trust proxy` off, always the peer.
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trust: TrustFn): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const chain = [peer, ...header.split(',').map((entry) => entry.trim()).filter(Boolean).reverse()];
  let index = 0;
  while (index < chain.length - 1 && trust(chain[index]!, index)) index++;
  return chain[index]!;
}

/** The `trust proxy` of the app each Socket.IO server belongs to (set once by createApp). */
const socketTrust = new WeakMap<object, TrustFn>();

export function trustForSockets(io: Server, trust: TrustFn): void {
  socketTrust.set(io, trust);
}

/** A socket's client address with the same trust as `req.ip`; the peer's when none was set. */
export function socketClientAddress(socket: { nsp: { server: object }; handshake: { address: string; headers: Record<string, string | string[] | undefined> } }): string | null {
  const peer = socket.handshake.address;
  if (!peer) return null;
  const trust = socketTrust.get(socket.nsp.server);
  return trust ? clientAddress(peer, socket.handshake.headers['x-forwarded-for'], trust) : peer;
}
