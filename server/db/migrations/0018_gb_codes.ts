import { sql, type Kysely, type Migration } from 'kysely';
import type { DeviceKind } from '../../../shared/domain/index.js';
import { assignGbCodes } from '../../../shared/rules/gb-assign.js';

/** The tables the back-fill reads and writes, as they stand at this migration. */
type BackfillTables = {
  schools: { id: string; name: string; district_code: string };
  devices: { id: string; kind: DeviceKind; school_id: string | null; gb_code: string | null; gb_parent: string | null };
  gb_nvrs: { code: string; school_id: string; name: string };
  gb_backfill: { id: string; code: string; parent: string };
};

/** Rows per multi-row INSERT (3 parameters a row: well under both engines' limits). */
const CHUNK = 300;

/**
 * GB/T 28181 codes (issue 16): `devices.gb_code` (unique where set) and `gb_parent` (the NVR it is
 * a channel of), the schools' NVRs (`gb_nvrs`, type 118), and `sip_channels` — channels a device's
 * catalog listed that no registry device has, until the administrator assigns them to a school.
 *
 * An existing registry is numbered here by the same function the dataset generator uses
 * (shared/rules/gb-assign.ts): one NVR per school, its cameras and alarm inputs its channels. The
 * codes go through a staging table and one UPDATE, so a province-scale registry is numbered in a
 * few statements per 300 devices, not one per device.
 */
export const gbCodesMigration: Migration = {
  async up(raw: Kysely<unknown>) {
    await raw.schema.alterTable('devices').addColumn('gb_code', 'text').execute();
    await raw.schema.alterTable('devices').addColumn('gb_parent', 'text').execute();
    await raw.schema.createIndex('devices_gb_code').on('devices').column('gb_code').unique().execute();
    await raw.schema.createIndex('devices_gb_parent').on('devices').column('gb_parent').execute();
    await raw.schema
      .createTable('gb_nvrs')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await raw.schema.createIndex('gb_nvrs_school').on('gb_nvrs').column('school_id').execute();
    await raw.schema
      .createTable('sip_channels')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('parent_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute();
    const db = raw.withTables<BackfillTables>();
    // PostgreSQL runs each migration in a transaction already; on SQLite the back-fill's many inserts are one transaction here.
    if (db.isTransaction) await backfill(db);
    else await db.transaction().execute(backfill);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sip_channels').execute();
    await db.schema.dropTable('gb_nvrs').execute();
    await db.schema.dropIndex('devices_gb_parent').execute();
    await db.schema.dropIndex('devices_gb_code').execute();
    await db.schema.alterTable('devices').dropColumn('gb_parent').execute();
    await db.schema.alterTable('devices').dropColumn('gb_code').execute();
  },
};

/** Numbers the registry's schools and devices (a fresh database has none: nothing to do). */
async function backfill(db: Kysely<BackfillTables>): Promise<void> {
  const schools = await db.selectFrom('schools').select(['id', 'name', 'district_code']).execute();
  if (schools.length === 0) return;
  const devices = await db.selectFrom('devices').select(['id', 'kind', 'school_id']).execute();
  const { nvrs, codes } = assignGbCodes(
    schools.map((s) => ({ id: s.id, name: s.name, districtCode: s.district_code })),
    devices.map((d) => ({ id: d.id, kind: d.kind, schoolId: d.school_id })),
  );
  for (let i = 0; i < nvrs.length; i += CHUNK) {
    await db.insertInto('gb_nvrs').values(nvrs.slice(i, i + CHUNK).map((n) => ({ code: n.code, school_id: n.schoolId, name: n.name }))).execute();
  }
  if (codes.size === 0) return;
  await db.schema
    .createTable('gb_backfill')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('parent', 'text', (c) => c.notNull())
    .execute();
  const rows = [...codes].map(([id, [code, parent]]) => ({ id, code, parent }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('gb_backfill').values(rows.slice(i, i + CHUNK)).execute();
  await sql`update devices set
      gb_code = (select b.code from gb_backfill b where b.id = devices.id),
      gb_parent = (select b.parent from gb_backfill b where b.id = devices.id)
    where id in (select id from gb_backfill)`.execute(db);
  await db.schema.dropTable('gb_backfill').execute();
}
