import { io as connect } from 'socket.io-client';
import type { ScreenSocket, ScreenTarget } from './screens.js';

/** Where a reconnecting screen starts from: nothing (it asks for a snapshot) or a seq some changes back. */
export type ScreenStart = { kind: 'snapshot' } | { kind: 'behind'; lastSeq: number };

/** How one reconnect ended: live (caught up), refused (the server said no: the per-session cap…), or nothing in time. */
export interface ReconnectOutcome {
  outcome: 'live' | 'refused' | 'timeout';
  /** ms from the connect call to the outcome. */
  ms: number;
  /** The server's words when refused. */
  reason: string | null;
  /** Bytes of Socket.IO packets received before live (snapshot or catch-up), from the decoded engine.io packets. */
  bytes: number;
  socket: ScreenSocket;
}

/**
 * Connects like a real screen coming back after a network blip: the session cookie, the
 * handshake's `lastSeq` (null: snapshot), and waits for the server's `alarm:live` (the catch-up is
 * over). THE ONE PLACE that knows the reconnect wire: adapt it here when the snapshot or catch-up
 * protocol changes (compact snapshot, chunked catch-up, a refusal event for the socket cap).
 */
export function connectLikeAScreen(target: ScreenTarget, start: ScreenStart, timeoutMs: number): Promise<ReconnectOutcome> {
  const began = performance.now();
  const socket: ScreenSocket = connect(target.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { lastSeq: start.kind === 'snapshot' ? null : start.lastSeq },
    timeout: timeoutMs,
    ...(target.cookie ? { extraHeaders: { cookie: target.cookie } } : {}),
  });
  let bytes = 0;
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (packet) => {
      // Text frames and the binary attachment of the compact snapshot (alarm:snapshot's gzip).
      const data: unknown = packet.data;
      if (typeof data === 'string') bytes += Buffer.byteLength(data);
      else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
    });
  });
  return new Promise((resolve) => {
    let settled = false;
    const end = (outcome: ReconnectOutcome['outcome'], reason: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ outcome, ms: performance.now() - began, reason, bytes, socket });
    };
    const timer = setTimeout(() => end('timeout', null), timeoutMs);
    socket.once('alarm:live', () => end('live', null));
    socket.once('connect_error', (error) => end('refused', error.message));
    socket.once('disconnect', (why) => end('refused', `disconnected before live: ${why}`));
  });
}
