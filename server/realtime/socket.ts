import type { IncomingMessage, Server as HttpServer } from 'node:http';
import cookieParser from 'cookie-parser';
import { Server } from 'socket.io';
import { refusal } from '../../shared/refusal.js';
import { NOT_SIGNED_IN } from '../../shared/events.js';
import { DEFAULT_REALTIME_LIMITS } from '../config.js';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { SessionUser } from '../../shared/auth.js';
import type { AuthService } from '../auth/auth.service.js';
import { SESSION_COOKIE } from '../../shared/auth.js';
import type { AlarmService } from '../services/alarm.service.js';
import { registerAlarmHandlers } from './alarm.handlers.js';
import { registerConsoleHandlers } from './console.handlers.js';
import type { ShelfService } from '../services/shelf.service.js';
import type { AlarmDelivery } from './alarm-delivery.js';
import type { XiaoanServer, XiaoanSocket } from './rooms.js';
import { DEFAULT_COMMAND_LIMITS, guardCommands, type CommandLimits } from './command-gate.js';
import { systemClock, type Clock } from '../clock.js';

const handshakeSchema = z.object({
  lastSeq: z.number().int().min(0).nullable().optional(),
});

/** The handshake's refusal past the per-session socket cap (XIAOAN_SOCKETS_PER_SESSION): English in `message`, both languages in `data`. */
export const TOO_MANY_SOCKETS = 'too many screens for one session';

/** A refusal carried in Socket.IO's connect_error: `message` in English, `data` the words in both languages. */
function tooManySockets(cap: number): Error & { data: ReturnType<typeof refusal> & { code: 'too_many_sockets'; cap: number } } {
  const words = refusal(
    `同一登录会话最多同时打开 ${cap} 个屏幕连接：请关闭其他窗口或标签页后再试`,
    `${TOO_MANY_SOCKETS}: at most ${cap} screens may be open at once with one sign-in; close other windows or tabs and try again`,
  );
  return Object.assign(new Error(words.error), { data: { ...words, code: 'too_many_sockets' as const, cap } });
}

/** How often connected screens' sessions are looked at again (expired ones are closed; live ones kept alive). */
const SESSION_CHECK_MS = 60_000;

/** Each connection's session token, kept on the server only (never in socket.data, which the adapter may share). */
const tokens = new WeakMap<XiaoanSocket, string>();

/** The session token from the handshake request's cookies (parsed by cookie-parser on the engine). */
function sessionTokenOf(request: IncomingMessage): string | null {
  const value: unknown = (request as IncomingMessage & { cookies?: Record<string, unknown> }).cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Whether a handshake comes from our own pages. A browser names the page's origin on every
 * cross-origin request and on every WebSocket upgrade; the session cookie (SameSite=Strict) is
 * also sent from a sibling site — another app on this host on another port, say — so without
 * this check such a page could open a socket with an operator's cookie and act on alarms. No
 * Origin header (a gateway, a test client, a same-origin polling request) is not a browser
 * page of another origin. Behind a loopback proxy its X-Forwarded-Host names the public host.
 */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(request.socket.remoteAddress ?? '');
  const forwarded = loopback ? request.headers['x-forwarded-host'] : undefined;
  const host = (typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : undefined) ?? request.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Creates the Socket.IO server: every handshake must come from our own origin and carry a live
 * session cookie (the browser sends it on the same origin), and its `auth` may carry the last
 * `seq` the screen saw.
 */
/** The largest Socket.IO message a screen may send (bytes): 64 kB, far above any real command. */
export const SOCKET_PACKET_MAX_BYTES = 64 * 1024;

export function createSocketServer(http: HttpServer, deps: { auth: AuthService; log: Logger; socketsPerSession?: number }): XiaoanServer {
  const cap = deps.socketsPerSession ?? DEFAULT_REALTIME_LIMITS.socketsPerSession;
  /** Sockets open (or admitted and connecting) per session on this node: counted at admission, so a burst of handshakes cannot all slip past the cap. */
  const perSession = new Map<string, number>();
  const io: XiaoanServer = new Server(http, {
    serveClient: false,
    // A screen's commands are small (the largest, alarm:bulk with 500 ids, is about 25 kB); Socket.IO
    // parses a packet with plain JSON.parse, so 1 MB of nested brackets held the loop ~350 ms.
    // A larger packet closes the connection before it is parsed.
    maxHttpBufferSize: SOCKET_PACKET_MAX_BYTES,
    allowRequest: (request, answer) => {
      const allowed = sameOrigin(request);
      answer(allowed ? null : 'origin not allowed', allowed);
    },
  });
  io.engine.use(cookieParser());
  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) {
      next(new Error('handshake auth: lastSeq must be a whole number ≥ 0 or null'));
      return;
    }
    const token = sessionTokenOf(socket.request);
    if (!token) {
      next(new Error(NOT_SIGNED_IN));
      return;
    }
    deps.auth.session(token).then(
      (user) => {
        if (!user) {
          next(new Error(NOT_SIGNED_IN));
          return;
        }
        const sessionKey = deps.auth.sessionKey(token);
        const open = perSession.get(sessionKey) ?? 0;
        if (open >= cap) {
          deps.log.warn({ user: user.username, open, cap }, 'socket refused: too many screens for one session');
          next(tooManySockets(cap));
          return;
        }
        perSession.set(sessionKey, open + 1);
        // Counted until the socket closes, or until the handshake fails after this point.
        let counted = true;
        const release = () => {
          if (!counted) return;
          counted = false;
          const left = (perSession.get(sessionKey) ?? 1) - 1;
          if (left > 0) perSession.set(sessionKey, left);
          else perSession.delete(sessionKey);
        };
        socket.on('disconnect', release);
        socket.conn.once('close', release);
        socket.data.user = user;
        socket.data.sessionKey = sessionKey;
        tokens.set(socket, token);
        socket.data.lastSeq = parsed.data.lastSeq ?? null;
        next();
      },
      (error: unknown) => {
        deps.log.error({ err: error }, 'session lookup failed at the socket handshake');
        next(new Error('internal error: try again'));
      },
    );
  });
  // A session that ends (sign-out, a revoked kiosk link, a disabled account, a changed role or
  // scope) closes its screens at once; through the Redis adapter on every node.
  io.on('connection', (socket) => void socket.join(sessionRoom(socket.data.sessionKey)));
  deps.auth.onSessionsEnded((keys) => {
    if (keys.length > 0) io.in(keys.map(sessionRoom)).disconnectSockets(true);
  });
  // A session can also lapse (idle expiry). Looking at each screen's session once a minute closes
  // a lapsed one, and keeps the session of a screen that is still open alive (a wall stays up).
  const checker = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      void currentUser(socket, deps.auth).then(
        (user) => {
          if (!user) socket.disconnect(true);
        },
        (error: unknown) => deps.log.warn({ err: error }, 'session check of a screen failed; trying again next time'),
      );
    }
  }, SESSION_CHECK_MS);
  checker.unref();
  http.once('close', () => clearInterval(checker));
  return io;
}

/** The person behind a connection's session as of now; null once the session has ended or lapsed. */
function currentUser(socket: XiaoanSocket, auth: AuthService): Promise<SessionUser | null> {
  const token = tokens.get(socket);
  return token ? auth.session(token) : Promise.resolve(null);
}

/** Each connection is in its session's room, so the session's end can close it wherever it is. */
function sessionRoom(sessionKey: string): string {
  return `session:${sessionKey}`;
}

/**
 * Registers each new screen's command handlers and hands it to the alarm delivery's catch-up;
 * a failed catch-up disconnects it so it retries.
 */
export function handleConnections(
  io: XiaoanServer,
  delivery: Pick<AlarmDelivery, 'catchUp'>,
  deps: { alarms: AlarmService; shelves: ShelfService; auth: AuthService; log: Logger; clock?: Clock; commandLimits?: CommandLimits },
): void {
  const { log } = deps;
  io.on('connection', (socket) => {
    // Rate and permission before any handler: a flood of refused commands costs no database work.
    guardCommands(socket, { log, clock: deps.clock ?? systemClock, limits: deps.commandLimits ?? DEFAULT_COMMAND_LIMITS });
    registerAlarmHandlers(socket, { ...deps, currentUser: () => currentUser(socket, deps.auth) });
    registerConsoleHandlers(socket, { ...deps, currentUser: () => currentUser(socket, deps.auth) });
    delivery.catchUp(socket, socket.data.lastSeq).catch((error: unknown) => {
      log.error({ err: error, socket: socket.id }, 'catch-up failed; disconnecting the screen so it retries');
      socket.disconnect(true);
    });
  });
}
