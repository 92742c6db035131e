import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** Camera fault tickets: opened when a camera goes offline or reports a fault, closed when it is back. */
export function cameraFaultsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const table = dialect === 'postgres'
        ? db.schema.createTable('camera_faults').addColumn('id', 'bigserial', (c) => c.primaryKey())
        : db.schema.createTable('camera_faults').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('school_id', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('deadline_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('outage_seconds', 'integer')
        .execute();
      await db.schema.createIndex('camera_faults_open').on('camera_faults').columns(['closed_at', 'device_id']).execute();
      await db.schema.createIndex('camera_faults_opened').on('camera_faults').column('opened_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('camera_faults').execute();
    },
  };
}
