import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';

/** A stored ingest token (its SHA-256, never the token). */
export type IngestTokenRow = Selectable<Database['ingest_tokens']>;

/** Ingest tokens per integration (0006). */
export class IngestTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The token stored under this hash: its id, name and whether it was revoked. */
  findByHash(hash: string): Promise<Pick<IngestTokenRow, 'id' | 'name' | 'revoked_at'> | undefined> {
    return this.db.selectFrom('ingest_tokens').select(['id', 'name', 'revoked_at']).where('token_hash', '=', hash).executeTakeFirst();
  }

  async markUsed(id: number, at: string): Promise<void> {
    await this.db.updateTable('ingest_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  /** Every token, newest first. */
  list(): Promise<IngestTokenRow[]> {
    return this.db.selectFrom('ingest_tokens').selectAll().orderBy('id', 'desc').execute();
  }

  get(id: number, db: Kysely<Database> = this.db): Promise<IngestTokenRow | undefined> {
    return db.selectFrom('ingest_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insert(token: { name: string; tokenHash: string; prefix: string; createdBy: string; createdAt: string }, db: Kysely<Database> = this.db): Promise<IngestTokenRow> {
    return db
      .insertInto('ingest_tokens')
      .values({ name: token.name, token_hash: token.tokenHash, prefix: token.prefix, created_by: token.createdBy, created_at: token.createdAt, revoked_at: null, last_used_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Marks a token revoked and returns it as it now stands. */
  revoke(id: number, at: string, db: Kysely<Database> = this.db): Promise<IngestTokenRow> {
    return db.updateTable('ingest_tokens').set({ revoked_at: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }
}
