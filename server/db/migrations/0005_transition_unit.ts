import type { Kysely, Migration } from 'kysely';

/** The unit each dispatch step sent, so a re-dispatch keeps both units on the record. */
export const transitionUnitMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('alarm_transitions').addColumn('unit_id', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('alarm_transitions').dropColumn('unit_id').execute();
  },
};
