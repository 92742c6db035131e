/** Messages between the bench and its keepalive generator process (bench/lib/keepalive-worker.ts). */

export interface KeepaliveConfig {
  url: string;
  token: string;
  /** Camera ids, one per line. */
  idsFile: string;
  /** `paced`: `rate` events/s in batches of up to `batchSize`; `max`: back-to-back batches of `batchSize`. */
  mode: 'paced' | 'max';
  rate: number;
  batchSize: number;
  /** HTTP keep-alive connections, and so requests in flight at most. */
  connections: number;
  /** Hard bound: the generator stops by itself after this long even if never told. */
  durationMs: number;
  /** Camera index to start cycling from. */
  startIndex: number;
  /** When set, also sums the bytes a naive one-message-per-keepalive push would send (see bench/bytes.ts). */
  naiveOverheadBytes?: number;
}

export interface KeepaliveStats {
  elapsedMs: number;
  requests: number;
  /** Keepalives sent (in requests that were answered). */
  sent: number;
  accepted: number;
  rejected: number;
  failedRequests: number;
  firstError: string | null;
  /** Paced mode: events that were due but held back because every connection was busy. */
  backlog: number;
  requestP50Ms: number;
  requestP99Ms: number;
  naiveBytes: number;
}

export type ToWorker = { kind: 'start'; config: KeepaliveConfig } | { kind: 'stop' };
export type FromWorker = { kind: 'ready'; cameras: number } | { kind: 'stats'; stats: KeepaliveStats } | { kind: 'done'; stats: KeepaliveStats };
