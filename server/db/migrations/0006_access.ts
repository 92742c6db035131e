import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Ingest tokens per integration and kiosk viewer links (both stored as SHA-256 only, with a short
 * prefix to tell them apart on screen), and the viewer link a kiosk session belongs to.
 */
export function accessMigration(dialect: Dialect): Migration {
  const serial = (db: Kysely<unknown>, table: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await serial(db, 'ingest_tokens')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();

      await serial(db, 'viewer_links')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();

      await db.schema.alterTable('sessions').addColumn('viewer_link_id', 'integer').execute();
      await db.schema.createIndex('sessions_viewer_link').on('sessions').column('viewer_link_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('sessions_viewer_link').execute();
      await db.schema.alterTable('sessions').dropColumn('viewer_link_id').execute();
      for (const table of ['viewer_links', 'ingest_tokens']) await db.schema.dropTable(table).execute();
    },
  };
}
