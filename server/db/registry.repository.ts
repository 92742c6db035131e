import type { Kysely } from 'kysely';
import type { Dataset } from '../../shared/dataset.js';
import type { Device, GbNvr, GuardPost, PolicePost, School } from '../../shared/domain/index.js';
import { bulkInsert } from './bulk-insert.js';
import { importCompliance } from './compliance-import.js';
import { MetaRepository } from './meta.repository.js';
import { dutyScheduleSchema, parseJsonColumn, stringListSchema, weekdaysSchema } from './json-columns.js';
import type { Database } from './schema.js';

/** Reads and writes the registry: schools, police posts, 护学岗 posts and devices. */
export class RegistryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** True when no school has been loaded yet (a first start). */
  async isEmpty(): Promise<boolean> {
    const row = await this.db.selectFrom('schools').select('id').limit(1).executeTakeFirst();
    return row === undefined;
  }

  /**
   * Loads a generated city or province on first start, in one transaction: all of it or none.
   * `now` (ms) bounds the seeded records' times (none may lie in the future). The rows go in by
   * bulkInsert (PostgreSQL: unnest arrays; SQLite: multi-row inserts), yielding to the event loop
   * between chunks; the server does not listen yet when it runs (server/index.ts).
   */
  async importDataset(dataset: Dataset, now: number = Number.POSITIVE_INFINITY): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await bulkInsert(trx, 'schools', dataset.schools, schoolToRow);
      await bulkInsert(trx, 'police_posts', dataset.policePosts, (p) => ({ id: p.id, name: p.name, kind: p.kind, district_code: p.districtCode, lat: p.lat, lng: p.lng }));
      await bulkInsert(trx, 'guard_posts', dataset.guardPosts, guardPostToRow);
      await bulkInsert(trx, 'devices', dataset.devices, deviceToRow);
      await bulkInsert(trx, 'gb_nvrs', dataset.nvrs ?? [], (n) => ({ code: n.code, school_id: n.schoolId, name: n.name }));
      if (dataset.compliance) await importCompliance(trx, dataset.compliance, now);
      await trx
        .insertInto('meta')
        .values({ key: 'dataset', value: JSON.stringify({ seed: dataset.seed, scale: dataset.scale }) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
        .execute();
    });
  }

  async schools(): Promise<School[]> {
    const rows = await this.db.selectFrom('schools').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      districtCode: r.district_code,
      address: r.address,
      stage: r.stage,
      setting: r.setting,
      boarding: r.boarding === 1,
      boarders: r.boarders,
      students: r.students,
      staff: r.staff,
      counterTerror: r.counter_terror === 1,
      guards: r.guards,
      lat: r.lat,
      lng: r.lng,
    }));
  }

  async policePosts(): Promise<PolicePost[]> {
    const rows = await this.db.selectFrom('police_posts').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, districtCode: r.district_code, lat: r.lat, lng: r.lng }));
  }

  async guardPosts(): Promise<GuardPost[]> {
    const rows = await this.db.selectFrom('guard_posts').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      districtCode: r.district_code,
      schoolIds: parseJsonColumn(stringListSchema, r.school_ids, `guard_posts.school_ids of ${r.id}`),
      person: r.person,
      phone: r.phone,
      duty: r.duty,
      schedule: parseJsonColumn(dutyScheduleSchema, r.schedule, `guard_posts.schedule of ${r.id}`),
      ...(r.days ? { days: parseJsonColumn(weekdaysSchema, r.days, `guard_posts.days of ${r.id}`) } : {}),
      offDates: parseJsonColumn(stringListSchema, r.off_dates, `guard_posts.off_dates of ${r.id}`),
      radiusM: r.radius_m,
      lat: r.lat,
      lng: r.lng,
    }));
  }

  async devices(): Promise<Device[]> {
    const rows = await this.db.selectFrom('devices').selectAll().orderBy('id').execute();
    return rows.map(rowToDevice);
  }

  /** Adds one device (a catalog channel assigned to a school), inside the caller's transaction. */
  async insertDevice(device: Device, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('devices').values(deviceToRow(device)).execute();
  }

  /** The schools' NVRs (GB/T 28181 type 118), by code. */
  async nvrs(): Promise<GbNvr[]> {
    const rows = await this.db.selectFrom('gb_nvrs').selectAll().orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, schoolId: r.school_id, name: r.name }));
  }

  getMeta(key: string): Promise<string | null> {
    return new MetaRepository(this.db).get(key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return new MetaRepository(this.db).set(key, value);
  }
}

/** A device as stored. */
export function deviceToRow(d: Device): Database['devices'] {
  return { id: d.id, kind: d.kind, school_id: d.schoolId, post_id: d.postId, place: d.place, name: d.name, gb_code: d.gbCode ?? null, gb_parent: d.gbParent ?? null };
}

function rowToDevice(r: Database['devices']): Device {
  return {
    id: r.id, kind: r.kind, schoolId: r.school_id, postId: r.post_id, place: r.place, name: r.name,
    ...(r.gb_code !== null ? { gbCode: r.gb_code } : {}),
    ...(r.gb_parent !== null ? { gbParent: r.gb_parent } : {}),
  };
}

export function schoolToRow(s: School): Database['schools'] {
  return {
    id: s.id,
    name: s.name,
    district_code: s.districtCode,
    address: s.address,
    stage: s.stage,
    setting: s.setting,
    boarding: s.boarding ? 1 : 0,
    boarders: s.boarders,
    students: s.students,
    staff: s.staff,
    counter_terror: s.counterTerror ? 1 : 0,
    guards: s.guards,
    lat: s.lat,
    lng: s.lng,
  };
}

function guardPostToRow(p: GuardPost): Database['guard_posts'] {
  return {
    id: p.id,
    name: p.name,
    district_code: p.districtCode,
    school_ids: JSON.stringify(p.schoolIds),
    person: p.person,
    phone: p.phone,
    duty: p.duty,
    schedule: JSON.stringify(p.schedule),
    days: p.days ? JSON.stringify(p.days) : null,
    off_dates: JSON.stringify(p.offDates ?? []),
    radius_m: p.radiusM,
    lat: p.lat,
    lng: p.lng,
  };
}
