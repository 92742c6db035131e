import type { Kysely, Migration } from 'kysely';

/**
 * The compliance desk's figures as computed (issue 17 item 5): one row per closed as-of date and
 * scope (the filters, canonical) — the district × requirement matrix as JSON — with the
 * fingerprint of the sources it was computed from (server/db/compliance-figures.ts). A read whose
 * current fingerprint is the stored one is answered from the row; any other is computed again
 * and the row replaced. Plain text columns: the same on SQLite and PostgreSQL.
 */
export const complianceFiguresMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('compliance_figures')
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('matrix', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('compliance_figures_pk', ['as_of', 'scope'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('compliance_figures').execute();
  },
};
