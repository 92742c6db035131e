/** How long a starting node waits for Redis before giving up with a clear error. */
export const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** What of a node-redis client this needs (any RESP version or module set). */
interface RedisConnection {
  connect(): Promise<unknown>;
  readonly isOpen: boolean;
  destroy(): void;
}

/**
 * Connects `clients` to the Redis at `url` (REDIS_URL), within {@link REDIS_CONNECT_TIMEOUT_MS}:
 * at start Redis must answer, or the node refuses to start with a message naming the host (later
 * outages are the clients' reconnect strategy's). On failure every client is closed.
 */
export async function connectAll(clients: readonly RedisConnection[], url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(clients.map((client) => client.connect())),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`REDIS_URL is set but Redis at ${new URL(url).host} does not answer`)), REDIS_CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    for (const client of clients) if (client.isOpen) client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
