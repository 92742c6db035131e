import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';

/** A stored kiosk viewer link (its key's SHA-256, never the key). */
export type ViewerLinkRow = Selectable<Database['viewer_links']>;

/** Kiosk viewer links (0006). */
export class ViewerLinkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every link, newest first. */
  list(): Promise<ViewerLinkRow[]> {
    return this.db.selectFrom('viewer_links').selectAll().orderBy('id', 'desc').execute();
  }

  get(id: number, db: Kysely<Database> = this.db): Promise<ViewerLinkRow | undefined> {
    return db.selectFrom('viewer_links').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByKeyHash(hash: string): Promise<ViewerLinkRow | undefined> {
    return this.db.selectFrom('viewer_links').selectAll().where('key_hash', '=', hash).executeTakeFirst();
  }

  insert(link: { name: string; keyHash: string; prefix: string; districtCode: string | null; createdBy: string; createdAt: string }, db: Kysely<Database> = this.db): Promise<ViewerLinkRow> {
    return db
      .insertInto('viewer_links')
      .values({ name: link.name, key_hash: link.keyHash, prefix: link.prefix, district_code: link.districtCode, created_by: link.createdBy, created_at: link.createdAt, revoked_at: null, last_used_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Marks a link revoked and returns it as it now stands. */
  revoke(id: number, at: string, db: Kysely<Database> = this.db): Promise<ViewerLinkRow> {
    return db.updateTable('viewer_links').set({ revoked_at: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  async markUsed(id: number, at: string): Promise<void> {
    await this.db.updateTable('viewer_links').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
