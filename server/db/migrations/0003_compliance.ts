import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The compliance desk: security records (one per school, JSON validated on the way in and out)
 * and their history, drills, inspections, self-checks, and hazards with their transitions.
 */
export function complianceMigration(dialect: Dialect): Migration {
  // An ever-growing integer key: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's bigserial.
  const serialKey = (db: Kysely<unknown>, table: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('security_records')
        .addColumn('school_id', 'text', (c) => c.primaryKey())
        .addColumn('record', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await serialKey(db, 'record_history')
        .addColumn('school_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('changes', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('record_history_school').on('record_history').columns(['school_id', 'at']).execute();

      for (const table of ['drills', 'inspections', 'self_checks']) {
        let builder = db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('school_id', 'text', (c) => c.notNull())
          .addColumn('date', 'text', (c) => c.notNull());
        if (table === 'drills') builder = builder.addColumn('scenario', 'text', (c) => c.notNull());
        if (table === 'inspections') builder = builder.addColumn('by', 'text', (c) => c.notNull());
        if (table !== 'drills') builder = builder.addColumn('note', 'text');
        await builder
          .addColumn('recorded_by', 'text', (c) => c.notNull())
          .addColumn('recorded_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex(`${table}_school`).on(table).columns(['school_id', 'date']).execute();
      }

      await db.schema
        .createTable('hazards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('school_id', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('found_on', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('assignee', 'text')
        .addColumn('deadline', 'text')
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('rectified_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hazards_state').on('hazards').columns(['state', 'district_code']).execute();
      await db.schema.createIndex('hazards_school').on('hazards').column('school_id').execute();

      await serialKey(db, 'hazard_transitions')
        .addColumn('hazard_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('assignee', 'text')
        .addColumn('deadline', 'text')
        .execute();
      await db.schema.createIndex('hazard_transitions_hazard').on('hazard_transitions').column('hazard_id').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['hazard_transitions', 'hazards', 'self_checks', 'inspections', 'drills', 'record_history', 'security_records']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
