import { createClient } from 'redis';
import { z } from 'zod';

/** The Redis connection of the shared device state (redis-camera-state.ts): the client, its keys, its scripts. */

/**
 * Commands a connection holds at most, sent or waiting to be (node-redis's `commandsQueueMaxLength`):
 * while Redis is away the client queues commands for its reconnection, and this bounds that queue
 * (past it a command fails at once with "The queue is full"). Keepalive folds do not queue at all
 * (`RedisCameraState.fold` in redis-camera-state.ts); what remains are the rare announcements and the tick's few commands.
 */
export const COMMAND_QUEUE_MAX = 1000;

/** RESP2: the scripts' and the stream's raw replies are plain arrays, read with zod below. */
export function makeRedisClient(url: string) {
  return createClient({ url, RESP: 2, commandsQueueMaxLength: COMMAND_QUEUE_MAX, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3_000) } });
}
export type RedisClient = ReturnType<typeof makeRedisClient>;

/** `promise`, or a rejection after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The keys under the cluster key (docs/device-state.md, "Keys"). */
export function stateKeys(cluster: string): { deadlines: string; states: string; retention: string; lease: string; stream: string; seeded: string } {
  return {
    deadlines: `${cluster}:cam:deadlines`,
    states: `${cluster}:cam:states`,
    retention: `${cluster}:cam:retention`,
    lease: `${cluster}:cam:sweep-lease`,
    stream: `${cluster}:device-changes`,
    seeded: `${cluster}:cam:seeded`,
  };
}

/** Runs a script by its SHA, loading it on NOSCRIPT (a restarted or flushed Redis). */
export class Scripts {
  private readonly shas = new Map<string, string>();
  constructor(private readonly client: RedisClient) {}

  async run(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (sha === undefined) {
      sha = z.string().parse(await this.client.sendCommand(['SCRIPT', 'LOAD', script]));
      this.shas.set(script, sha);
    }
    try {
      return await this.client.sendCommand(['EVALSHA', sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      this.shas.delete(script);
      return this.run(script, keys, args);
    }
  }
}

