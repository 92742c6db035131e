import type { Kysely, Migration } from 'kysely';

/**
 * The school risk history (issue 15): one row per school when its risk level changes, and once a
 * day (the day's first computation) so a school's page can draw its score as a line. `kind` is
 * `change` or `daily`; `contributions` is JSON `RiskContribution[]` (shared/risk.ts) as computed.
 */
export const riskHistoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('risk_history')
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('contributions', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('risk_history_school_at').on('risk_history').columns(['school_id', 'at']).execute();
    await db.schema.createIndex('risk_history_at').on('risk_history').column('at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('risk_history').execute();
  },
};
