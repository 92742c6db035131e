import { io as connect, type Socket } from 'socket.io-client';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { sleep } from './stats.js';

export type ScreenSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Bytes one screen received, by what carried them. */
export interface ByteCounts {
  /** WebSocket payload + frame header of every frame, counted from the decoded engine.io packets. */
  total: number;
  frames: number;
  /** The same by Socket.IO event name (`alarm`, `school:status`…), or `engine.io <type>` for pings and control packets. */
  byEvent: Map<string, number>;
  /** The same, read from the TCP socket (bytesRead), as a cross-check; null when not reachable. */
  tcpBytes: number | null;
}

/** A real socket.io-client screen (websocket transport) that notes when each `alarm` arrives. */
export interface Screen {
  socket: ScreenSocket;
  /** Each `alarm` change with performance.now() at arrival, in arrival order. */
  arrivals: { change: AlarmChange; at: number }[];
  /** Called on every `alarm` after it is recorded. */
  onAlarm: ((change: AlarmChange, at: number) => void) | null;
  bytes: ByteCounts;
  /** Zeroes the byte counts (e.g. once the catch-up is over). */
  resetBytes(): void;
}

/** The size of a WebSocket frame header for a server-to-client (unmasked) payload of `n` bytes. */
export function wsHeaderBytes(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

/** The underlying TCP socket's bytesRead, reached through engine.io's websocket transport (not public API). */
function tcpBytesRead(socket: ScreenSocket): number | null {
  const transport = socket.io.engine?.transport as unknown as { ws?: { _socket?: { bytesRead?: number } } } | undefined;
  const read = transport?.ws?._socket?.bytesRead;
  return typeof read === 'number' ? read : null;
}

/** The server a screen connects to: its URL and the signed-in session's `Cookie` header ('' for none). */
export interface ScreenTarget {
  url: string;
  cookie: string;
}

/**
 * Connects a screen that starts from `lastSeq` (the server's current seq: it replays nothing and
 * sends no snapshot), signed in with the session cookie, and resolves once the server says it is live.
 * It speaks the screens' protocol (issue 12): `lastSeq` null gets `alarm:snapshot` `{ seq, data }`
 * (a binary gzip attachment, counted under `binary attachment`; `decodeSnapshot` in
 * client/snapshot.ts reads it) and then the replay from its `seq`; a number replays from there; both
 * end with `alarm:live`. One session may hold XIAOAN_SOCKETS_PER_SESSION sockets (16 by default);
 * one more rejects here with the server's connect_error (`data.code` `too_many_sockets`).
 */
export async function connectScreen(target: ScreenTarget, lastSeq: number | null, timeoutMs = 60_000): Promise<Screen> {
  const socket: ScreenSocket = connect(target.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { lastSeq },
    timeout: timeoutMs,
    ...(target.cookie ? { extraHeaders: { cookie: target.cookie } } : {}),
  });
  let tcpBase = 0;
  const screen: Screen = {
    socket,
    arrivals: [],
    onAlarm: null,
    bytes: { total: 0, frames: 0, byEvent: new Map(), tcpBytes: null },
    resetBytes() {
      screen.bytes.total = 0;
      screen.bytes.frames = 0;
      screen.bytes.byEvent.clear();
      tcpBase = tcpBytesRead(socket) ?? 0;
    },
  };
  Object.defineProperty(screen.bytes, 'tcpBytes', {
    enumerable: true,
    get: () => {
      const read = tcpBytesRead(socket);
      return read === null ? null : read - tcpBase;
    },
  });
  socket.on('alarm', (change) => {
    const at = performance.now();
    screen.arrivals.push({ change, at });
    screen.onAlarm?.(change, at);
  });
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (packet) => {
      // engine.io packet = one-character type + data; socket.io puts its own packet in `data`.
      const data = typeof packet.data === 'string' ? packet.data : '';
      // A binary attachment (the compact snapshot's gzip) comes as its own frame after its header packet.
      const binary = packet.data instanceof ArrayBuffer || ArrayBuffer.isView(packet.data) ? (packet.data as ArrayBuffer | ArrayBufferView).byteLength : null;
      const payload = binary ?? 1 + Buffer.byteLength(data);
      const size = payload + wsHeaderBytes(payload);
      screen.bytes.total += size;
      screen.bytes.frames++;
      // A Socket.IO event on the main namespace is `2["<name>",…]`.
      const name = binary !== null ? 'binary attachment' : packet.type === 'message' ? (/^[25]\d*-?\["([^"]+)"/.exec(data)?.[1] ?? 'socket.io other') : `engine.io ${packet.type}`;
      screen.bytes.byEvent.set(name, (screen.bytes.byEvent.get(name) ?? 0) + size);
    });
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('screen did not go live in time')), timeoutMs);
    socket.once('alarm:live', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return screen;
}

/** Connects `count` screens, `parallel` at a time. */
export async function connectScreens(target: ScreenTarget, count: number, lastSeq: number | null, parallel = 20): Promise<Screen[]> {
  const screens: Screen[] = [];
  while (screens.length < count) {
    const wave = Math.min(parallel, count - screens.length);
    screens.push(...(await Promise.all(Array.from({ length: wave }, () => connectScreen(target, lastSeq)))));
    await sleep(20);
  }
  return screens;
}

export function closeScreens(screens: readonly Screen[]): void {
  for (const screen of screens) screen.socket.disconnect();
}
