import type { Kysely, Migration } from 'kysely';

/**
 * Shelving (搁置, ISA-18.2; issue 11): one row per device put on the shelf, with who, why and
 * until when; `ended_*` say when it came off (expired by itself or un-shelved early). A shelf in
 * force is a row with `ended_at` null. Alarms of a shelved device are stored as ever.
 */
export const shelvesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('shelves')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('shelved_by', 'text', (c) => c.notNull())
      .addColumn('shelved_at', 'text', (c) => c.notNull())
      .addColumn('until', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('end_reason', 'text')
      .addColumn('end_note', 'text')
      .execute();
    await db.schema.createIndex('shelves_open').on('shelves').columns(['ended_at', 'device_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('shelves').execute();
  },
};
