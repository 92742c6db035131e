import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../shared/events.js';

/** The one typed socket of a screen. Only stores (stores/connection.ts) hold it. */
export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Creates the screen's socket, not yet connected. `handshake` is asked again at every
 * (re)connect, so the server always hears the latest `seq` this screen has applied.
 */
export function createWallSocket(handshake: () => HandshakeAuth): WallSocket {
  return io({
    autoConnect: false,
    auth: (callback) => callback({ ...handshake() }),
    // A wall must come back by itself: retry for ever, but no faster than every 5 s once failing.
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    timeout: 8_000,
  });
}
