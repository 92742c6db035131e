import type { Kysely, Migration } from 'kysely';

/** The English of a system step's note (a 护学岗 alarm closed by its check-in), so each screen reads it in its language. */
export const transitionNoteEnMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('alarm_transitions').addColumn('note_en', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('alarm_transitions').dropColumn('note_en').execute();
  },
};
