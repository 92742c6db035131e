import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** The registry, the event log, alarms with their transitions and the `seq` change log. */
export function initialMigration(dialect: Dialect): Migration {
  // An ever-growing integer key: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's bigserial.
  const serialKey = (db: Kysely<unknown>, table: string, column: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn(column, 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
  const real = 'double precision';

  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('meta').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();

      await db.schema
        .createTable('schools')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('setting', 'text', (c) => c.notNull())
        .addColumn('boarding', 'integer', (c) => c.notNull())
        .addColumn('boarders', 'integer', (c) => c.notNull())
        .addColumn('students', 'integer', (c) => c.notNull())
        .addColumn('staff', 'integer', (c) => c.notNull())
        .addColumn('counter_terror', 'integer', (c) => c.notNull())
        .addColumn('guards', 'integer', (c) => c.notNull())
        .addColumn('lat', real, (c) => c.notNull())
        .addColumn('lng', real, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schools_district').on('schools').column('district_code').execute();

      await db.schema
        .createTable('police_posts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('lat', real, (c) => c.notNull())
        .addColumn('lng', real, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('guard_posts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('school_ids', 'text', (c) => c.notNull())
        .addColumn('person', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('duty', 'text', (c) => c.notNull())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('days', 'text')
        .addColumn('off_dates', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('radius_m', 'integer', (c) => c.notNull())
        .addColumn('lat', real, (c) => c.notNull())
        .addColumn('lng', real, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('school_id', 'text')
        .addColumn('post_id', 'text')
        .addColumn('place', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('devices_school').on('devices').column('school_id').execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_device_at').on('events').columns(['device_id', 'at']).execute();

      await db.schema
        .createTable('alarms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('school_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('drill', 'integer', (c) => c.notNull())
        .addColumn('unit_id', 'text')
        .addColumn('disposition', 'text')
        .execute();
      await db.schema.createIndex('alarms_state').on('alarms').columns(['state', 'received_at']).execute();
      await db.schema.createIndex('alarms_device').on('alarms').columns(['device_id', 'type', 'state']).execute();
      await db.schema.createIndex('alarms_received').on('alarms').column('received_at').execute();

      await serialKey(db, 'alarm_transitions', 'id')
        .addColumn('alarm_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema.createIndex('alarm_transitions_alarm').on('alarm_transitions').column('alarm_id').execute();

      await serialKey(db, 'alarm_changes', 'seq')
        .addColumn('alarm_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['alarm_changes', 'alarm_transitions', 'alarms', 'events', 'devices', 'guard_posts', 'police_posts', 'schools', 'meta']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
