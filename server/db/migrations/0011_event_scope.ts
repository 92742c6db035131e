import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Event ids unique per integration (issue 12, DESIGN.md §4): the idempotency key of a stored
 * event becomes (`id`, `source`) — `source` names who numbered it: `token:<ingest token id>` for
 * HTTP, `mqtt:<gatewayId>` for MQTT, `system` for the keys the server raises its own alarms
 * under (`AlarmService.raiseOnce`). `digest` is the SHA-256 of the event's canonical content, so
 * the same key again with other content is told apart from a true re-send.
 *
 * Rows stored before this migration cannot say which integration sent them: they keep their id
 * under `source = 'legacy'` (server-raised ones under `system`) with no digest. The ingest
 * service treats a legacy row as belonging to whichever integration re-sends the same content
 * (a gateway re-sending its buffer after the upgrade raises nothing twice); an event with that id
 * and other content is another integration's and is stored (docs/api.md "Idempotency").
 *
 * The primary key changes, which SQLite cannot alter in place: the table is rebuilt (on both
 * engines, one code path) and the old rows copied across in one statement.
 */
export const eventScopeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('events_scoped')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('digest', 'text')
      .addPrimaryKeyConstraint('events_id_source_pk', ['id', 'source'])
      .execute();
    await sql`insert into events_scoped (id, source, type, device_id, at, received_at, payload, digest)
      select id, case when type like 'system.%' then 'system' else 'legacy' end, type, device_id, at, received_at, payload, null
      from events`.execute(db);
    await db.schema.dropTable('events').execute();
    await db.schema.alterTable('events_scoped').renameTo('events').execute();
    await db.schema.createIndex('events_device_at').on('events').columns(['device_id', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    // Back to one global id: where two integrations used the same id, the first stored is kept.
    await db.schema
      .createTable('events_global')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into events_global (id, type, device_id, at, received_at, payload)
      select id, type, device_id, at, received_at, payload from events where true order by received_at
      on conflict (id) do nothing`.execute(db);
    await db.schema.dropTable('events').execute();
    await db.schema.alterTable('events_global').renameTo('events').execute();
    await db.schema.createIndex('events_device_at').on('events').columns(['device_id', 'at']).execute();
  },
};
