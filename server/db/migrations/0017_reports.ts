import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The periodic reports (issue 15 item 3): one row per generation — its kind (weekly/monthly), its
 * period [from, to), its scope (`city` or a district code), when and by whom (`system` for the
 * schedule) it was made, its figures (JSON) and the PDF and xlsx bytes (SQLite blob, PostgreSQL
 * bytea). A report is never rewritten: generating the same period again keeps both.
 */
export function reportsMigration(dialect: Dialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('period_from', 'text', (c) => c.notNull())
        .addColumn('period_to', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('alarms', 'integer', (c) => c.notNull())
        .addColumn('figures', 'text', (c) => c.notNull())
        .addColumn('pdf', bytes, (c) => c.notNull())
        .addColumn('xlsx', bytes, (c) => c.notNull())
        .addColumn('pdf_bytes', 'integer', (c) => c.notNull())
        .addColumn('xlsx_bytes', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reports_scope_period').on('reports').columns(['scope', 'kind', 'period_from']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('reports').execute();
    },
  };
}
