import type { Kysely, Migration } from 'kysely';

/**
 * The city's and the counties' inspection campaigns (检查督导, 二(五)2, issue 15): a department
 * (education / police) at a level (city, or a county with its district), the term its start date
 * falls in, the schools inspected and the findings (JSON text), and its circular (通报, JSON text,
 * null until published). Plain text and integer columns only: the same on SQLite and PostgreSQL.
 */
export const inspectionCampaignsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('inspection_campaigns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text')
      .addColumn('term_start', 'text', (c) => c.notNull())
      .addColumn('term_end', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text', (c) => c.notNull())
      .addColumn('school_ids', 'text', (c) => c.notNull())
      .addColumn('findings', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('circular', 'text')
      .execute();
    await db.schema.createIndex('inspection_campaigns_term').on('inspection_campaigns').columns(['term_start', 'department']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('inspection_campaigns').execute();
  },
};
