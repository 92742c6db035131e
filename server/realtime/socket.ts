import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { operatorNameSchema } from '../../shared/commands.js';
import type { AlarmService } from '../services/alarm.service.js';
import { registerAlarmHandlers } from './alarm.handlers.js';
import type { Broadcaster, XiaoanServer } from './broadcaster.js';

const handshakeSchema = z.object({
  lastSeq: z.number().int().min(0).nullable().optional(),
  operator: operatorNameSchema.optional(),
});

/** Creates the Socket.IO server and validates every handshake. */
export function createSocketServer(http: HttpServer): XiaoanServer {
  const io: XiaoanServer = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6 });
  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) {
      next(new Error('handshake auth: lastSeq must be a whole number ≥ 0 or null; operator a name of 1 to 40 characters'));
      return;
    }
    socket.data.lastSeq = parsed.data.lastSeq ?? null;
    socket.data.operator = parsed.data.operator ?? null;
    next();
  });
  return io;
}

/**
 * Registers each new screen's command handlers and hands it to the broadcaster's catch-up;
 * a failed catch-up disconnects it so it retries.
 */
export function handleConnections(io: XiaoanServer, broadcaster: Broadcaster, deps: { alarms: AlarmService; log: Logger }): void {
  const { log } = deps;
  io.on('connection', (socket) => {
    registerAlarmHandlers(socket, deps);
    broadcaster.catchUp(socket, socket.data.lastSeq).catch((error: unknown) => {
      log.error({ err: error, socket: socket.id }, 'catch-up failed; disconnecting the screen so it retries');
      socket.disconnect(true);
    });
  });
}
