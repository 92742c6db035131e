/**
 * Runs writes one at a time, in the order they were asked for. Alarm changes therefore
 * commit in `seq` order and are announced in that order, on SQLite and PostgreSQL alike.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every write asked for so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
