/**
 * The listeners of one typed event of a store (e.g. the alarm store's "an alarm changed"): another
 * store subscribes with `add` and lets go with the function it returns. Listeners run in the order
 * they were added, synchronously, after the store has applied the change.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(event: T) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: T): void {
    // A copy: a listener that removes itself (or another) does not skip the next one.
    for (const listener of [...this.listeners]) listener(event);
  }
}
