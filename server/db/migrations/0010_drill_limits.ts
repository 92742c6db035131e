import type { Kysely, Migration } from 'kysely';

/**
 * Drills that end (issue 12): a planned length (`length_minutes`, 45 for drills planned before),
 * how a drill ended (`end_reason`: `operator` or `time_limit`; the ended ones before count as
 * `operator`), and the notes on its record (`notes`, JSON: re-plans, the end at the time limit,
 * alarms turned real).
 */
export const drillLimitsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('drill_runs').addColumn('length_minutes', 'integer', (c) => c.notNull().defaultTo(45)).execute();
    await db.schema.alterTable('drill_runs').addColumn('end_reason', 'text').execute();
    await db.schema.alterTable('drill_runs').addColumn('notes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await (db as Kysely<{ drill_runs: { state: string; end_reason: string | null } }>)
      .updateTable('drill_runs')
      .set({ end_reason: 'operator' })
      .where('state', '=', 'ended')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('drill_runs').dropColumn('notes').execute();
    await db.schema.alterTable('drill_runs').dropColumn('end_reason').execute();
    await db.schema.alterTable('drill_runs').dropColumn('length_minutes').execute();
  },
};
