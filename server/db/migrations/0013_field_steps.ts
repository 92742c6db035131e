import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The dispatched unit's phone (issue 14): a responder's unit (`users.unit_id`, a police post id),
 * what a unit's step adds to an alarm step (`alarm_transitions.field`, JSON `FieldStepRecord`, and
 * its `request_id` — unique, so a step re-sent from a phone's queue is stored once), and the
 * photos of a report (`alarm_photos`: the re-encoded JPEG bytes — SQLite blob, PostgreSQL bytea).
 */
export function fieldStepsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('users').addColumn('unit_id', 'text').execute();
      await db.schema.alterTable('alarm_transitions').addColumn('field', 'text').execute();
      await db.schema.alterTable('alarm_transitions').addColumn('request_id', 'text').execute();
      await db.schema.createIndex('alarm_transitions_request').on('alarm_transitions').column('request_id').unique().execute();
      await db.schema
        .createTable('alarm_photos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alarm_id', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alarm_photos_alarm').on('alarm_photos').column('alarm_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('alarm_photos').execute();
      await db.schema.dropIndex('alarm_transitions_request').execute();
      await db.schema.alterTable('alarm_transitions').dropColumn('request_id').execute();
      await db.schema.alterTable('alarm_transitions').dropColumn('field').execute();
      await db.schema.alterTable('users').dropColumn('unit_id').execute();
    },
  };
}
