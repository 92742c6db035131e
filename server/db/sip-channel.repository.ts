import type { Kysely } from 'kysely';
import type { UnassignedChannel } from '../../shared/sip.js';
import type { Database } from './schema.js';

/** Rows per multi-row upsert (6 parameters a row). */
const CHUNK = 200;

/** A channel to note as seen: its code, the listing device's code, its name and what its type code says. */
export interface SeenChannel {
  code: string;
  parentId: string;
  name: string;
  kind: string;
}

/** Catalog channels the registry does not know (`sip_channels`, migration 0018). */
export class SipChannelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Notes channels as seen at `at` (ISO): new ones are added; known ones get the latest parent, name and last-seen time. */
  async upsert(channels: readonly SeenChannel[], at: string, db: Kysely<Database> = this.db): Promise<void> {
    for (let i = 0; i < channels.length; i += CHUNK) {
      await db
        .insertInto('sip_channels')
        .values(channels.slice(i, i + CHUNK).map((c) => ({ code: c.code, parent_id: c.parentId, name: c.name, kind: c.kind, first_seen_at: at, last_seen_at: at })))
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({
            parent_id: (eb) => eb.ref('excluded.parent_id'),
            name: (eb) => eb.ref('excluded.name'),
            last_seen_at: (eb) => eb.ref('excluded.last_seen_at'),
          }),
        )
        .execute();
    }
  }

  /** The channels waiting for a school, first seen first (at most `limit`). */
  async list(limit: number): Promise<UnassignedChannel[]> {
    const rows = await this.db.selectFrom('sip_channels').selectAll().orderBy('first_seen_at').orderBy('code').limit(limit).execute();
    return rows.map(toChannel);
  }

  async get(code: string, db: Kysely<Database> = this.db): Promise<UnassignedChannel | null> {
    const row = await db.selectFrom('sip_channels').selectAll().where('code', '=', code).executeTakeFirst();
    return row ? toChannel(row) : null;
  }

  async remove(code: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom('sip_channels').where('code', '=', code).execute();
  }
}

function toChannel(row: Database['sip_channels']): UnassignedChannel {
  return { code: row.code, parentId: row.parent_id, name: row.name, kind: row.kind, firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at };
}
