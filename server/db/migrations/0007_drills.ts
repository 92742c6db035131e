import type { Kysely, Migration } from 'kysely';

/**
 * Live drills (应急演练, issue 7): `drill_runs` — one row per planned drill with its targets
 * (JSON), state, who started and ended it, the drill alarm it scores and the compliance record
 * its end wrote — and `drill_checklist`, the observer's items with who ticked them when. The
 * compliance desk's `drills` table (0003) stays the record of drills held.
 */
export const drillsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('drill_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text', (c) => c.notNull())
      .addColumn('scenario', 'text', (c) => c.notNull())
      .addColumn('participants', 'text', (c) => c.notNull())
      .addColumn('planned_for', 'text', (c) => c.notNull())
      .addColumn('targets', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text')
      .addColumn('started_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('cancel_note', 'text')
      .addColumn('alarm_id', 'text')
      .addColumn('alarm_origin', 'text')
      .addColumn('record_id', 'text')
      .execute();
    await db.schema.createIndex('drill_runs_state').on('drill_runs').columns(['state', 'school_id']).execute();
    await db.schema.createIndex('drill_runs_school').on('drill_runs').columns(['school_id', 'planned_for']).execute();

    await db.schema
      .createTable('drill_checklist')
      .addColumn('drill_id', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull())
      .addColumn('checked_by', 'text')
      .addColumn('checked_at', 'text')
      .addPrimaryKeyConstraint('drill_checklist_pk', ['drill_id', 'item_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('drill_checklist').execute();
    await db.schema.dropTable('drill_runs').execute();
  },
};
