/**
 * The latest of a series of reads of the same thing (a list after each filter change, a poll):
 * starting one aborts the one before, so an earlier, slower answer never lands after a later one.
 * The caller passes the controller's `signal` to its request and drops an answer whose signal was
 * aborted (or that is no longer the latest).
 */
export interface LatestRequest {
  /** Aborts the request in flight, if any, and starts the next: pass its `signal` on. */
  next(): AbortController;
  /** Whether `request` is still the latest one started (the one whose answer counts). */
  isLatest(request: AbortController): boolean;
  /** Aborts the request in flight, if any (leaving the screen, closing a panel). */
  abort(): void;
}

/** A new series of requests, none in flight. */
export function latestRequest(): LatestRequest {
  let current: AbortController | null = null;
  return {
    next() {
      current?.abort();
      current = new AbortController();
      return current;
    },
    isLatest: (request) => request === current,
    abort: () => current?.abort(),
  };
}
