import type http from 'node:http';
import type { ServerTimeouts } from '../config.js';

/**
 * Sets the server's timeouts (config.ts, XIAOAN_*_TIMEOUT_MS) so that idle and slow clients cannot
 * hold connections: headers and the whole request (a slow body) within their limits (Node checks
 * them every `connectionsCheckingInterval`, set at creation: see `checkingIntervalOf`), idle
 * keep-alive connections closed, silent sockets closed. Socket.IO is unaffected: an upgraded
 * WebSocket is outside the HTTP parser's request timers, and its pings (25 s) (every 25 s) keep a
 * socket from going idle: the idle timeout's floor (50 s, config.ts) is above one ping round, so
 * a held long-poll is never cut either.
 */
export function applyTimeouts(server: http.Server, timeouts: ServerTimeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.setTimeout(timeouts.idleMs);
}

/** How often Node looks for requests past their headers/request timeout: often enough to cut one within a quarter of its limit. */
export function checkingIntervalOf(timeouts: ServerTimeouts): number {
  return Math.max(250, Math.min(30_000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)));
}
