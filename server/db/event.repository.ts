import type { Kysely } from 'kysely';
import type { Database, StoredEventType } from './schema.js';

/** One row of the event log, as written. */
export interface EventRecord {
  /** The integration's id of the event (or a server-made one). */
  id: string;
  /** Who numbered the id: `token:<id>`, `mqtt:<gatewayId>`, `system`, or `legacy`. */
  source: string;
  type: StoredEventType;
  deviceId: string;
  /** Device time, ISO. */
  at: string;
  receivedAt: string;
  /** The event as JSON. */
  payload: string;
  /** SHA-256 of the canonical event; null for system and legacy rows. */
  digest: string | null;
}

/** What is stored under one id, for the idempotency check. */
export interface EventUnderId {
  source: string;
  digest: string | null;
  payload: string;
}

/**
 * The event log (`events`): every stored ingest event and every alarm the server raised itself,
 * keyed by (`id`, `source`). Write methods take the transaction they belong to.
 */
export class EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Appends an event unless its (`id`, `source`) is stored already. True when this call stored
   * it: the one place the log is written, for ingest and for the server's own alarms alike.
   */
  async appendOnce(trx: Kysely<Database>, event: EventRecord): Promise<boolean> {
    const inserted = await trx
      .insertInto('events')
      .values({
        id: event.id,
        source: event.source,
        type: event.type,
        device_id: event.deviceId,
        at: event.at,
        received_at: event.receivedAt,
        payload: event.payload,
        digest: event.digest,
      })
      .onConflict((oc) => oc.columns(['id', 'source']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** The rows stored under `id` by any of `sources`. */
  storedUnder(trx: Kysely<Database>, id: string, sources: readonly string[]): Promise<EventUnderId[]> {
    return trx.selectFrom('events').select(['source', 'digest', 'payload']).where('id', '=', id).where('source', 'in', sources).execute();
  }

  /** Whether any row from before ids were scoped (`legacy`) is left. */
  async hasLegacyRows(): Promise<boolean> {
    const row = await this.db.selectFrom('events').select('id').where('source', '=', 'legacy').limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
