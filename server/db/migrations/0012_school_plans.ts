import type { Kysely, Migration } from 'kysely';

/**
 * A school's people (校长, 保卫干部, 法制副校长) and its emergency plan (预案, 一校一案, issue 14):
 * each save is a new numbered version, none is overwritten, so the history is the table. The
 * key (school, version) makes two saves of the same version refuse each other; the current one
 * is the highest version. The bodies are JSON, validated by their schemas on the way in and out.
 */
export const schoolPlansMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [table, body] of [['school_people', 'people'], ['emergency_plans', 'plan']] as const) {
      await db.schema
        .createTable(table)
        .addColumn('school_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('saved_at', 'text', (c) => c.notNull())
        .addColumn('saved_by', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn(body, 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['school_id', 'version'])
        .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('emergency_plans').execute();
    await db.schema.dropTable('school_people').execute();
  },
};
