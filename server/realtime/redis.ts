import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Kysely } from 'kysely';
import { createClient } from 'redis';
import { connectAll } from '../cluster/redis-connect.js';
import { MetaRepository } from '../db/meta.repository.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { XiaoanServer } from './rooms.js';

/** The Redis side of the fan-out, to close on shutdown. */
export interface RedisFanOut {
  /** The Redis channel prefix: nodes on one database share it, other deployments on the same Redis do not. */
  key: string;
  close(): Promise<void>;
}

/**
 * The cluster's name, kept in the database: every node on the same database reads the same one
 * (the first to start makes it), so they find each other on Redis and nobody else's nodes do.
 */
export async function clusterKey(db: Kysely<Database>): Promise<string> {
  return `xiaoan:${await new MetaRepository(db).getOrSet('cluster_id', randomBytes(9).toString('base64url'))}`;
}

/**
 * REDIS_URL: puts the Socket.IO server on the Redis adapter, so the nodes of one deployment
 * (one database) pass each other the alarm changes they commit (see AlarmDelivery.relayAcrossNodes).
 * Redis going away later is logged and retried; at start it must answer.
 */
export async function attachRedisAdapter(io: XiaoanServer, deps: { url: string; db: Kysely<Database>; log: Logger }): Promise<RedisFanOut> {
  const key = await clusterKey(deps.db);
  const pub = createClient({ url: deps.url, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3_000) } });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: unknown) => deps.log.warn({ err: error }, 'Redis connection trouble; retrying'));
  await connectAll([pub, sub], deps.url);
  io.adapter(createAdapter(pub, sub, { key }));
  deps.log.info({ key }, 'Socket.IO fan-out across nodes through Redis');
  return {
    key,
    async close() {
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}
