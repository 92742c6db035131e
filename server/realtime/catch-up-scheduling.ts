/** How catch-ups share the event loop (issue 12): one chunk per loop turn, a bounded number at once. */

/**
 * Turns of the event loop for catch-up chunks: one chunk per loop iteration across every
 * catch-up under way. (Each catch-up yielding with its own setImmediate would not do: all the
 * immediates queued before an iteration run back to back in it, so four catch-ups would hold the
 * loop for four chunks at once.) A turn is granted from a setImmediate queued by the previous
 * turn, which Node runs in the next iteration, after the I/O and timers waiting meanwhile.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves at this caller's turn: after the loop has run everything else that was waiting. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      // The granted chunk runs in this iteration's microtasks; the next turn waits for the next iteration.
      this.schedule();
    });
  }
}

/** Runs at most `limit` jobs at once, the others first come, first served. */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Jobs waiting for their turn (not counting the running ones). */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
