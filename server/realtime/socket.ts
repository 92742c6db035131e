import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Broadcaster, XiaoanServer } from './broadcaster.js';

const handshakeSchema = z.object({ lastSeq: z.number().int().min(0).nullable().optional() });

/** Creates the Socket.IO server and validates every handshake. */
export function createSocketServer(http: HttpServer): XiaoanServer {
  const io: XiaoanServer = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6 });
  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) {
      next(new Error('handshake auth.lastSeq must be a whole number ≥ 0 or null'));
      return;
    }
    socket.data.lastSeq = parsed.data.lastSeq ?? null;
    next();
  });
  return io;
}

/** Hands each new screen to the broadcaster's catch-up; a failed catch-up disconnects it so it retries. */
export function handleConnections(io: XiaoanServer, broadcaster: Broadcaster, log: Logger): void {
  io.on('connection', (socket) => {
    broadcaster.catchUp(socket, socket.data.lastSeq).catch((error: unknown) => {
      log.error({ err: error, socket: socket.id }, 'catch-up failed; disconnecting the screen so it retries');
      socket.disconnect(true);
    });
  });
}
