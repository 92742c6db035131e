import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A stored photo of an alarm's report, without its bytes. */
export interface PhotoInfo {
  id: string;
  alarmId: string;
  unitId: string;
  uploadedBy: string;
  uploadedAt: string;
  width: number;
  height: number;
  bytes: number;
}

/** The photos of alarms' reports (`alarm_photos`, 0013): re-encoded JPEG bytes. */
export class PhotoRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(trx: Kysely<Database>, photo: PhotoInfo, data: Buffer): Promise<void> {
    await trx
      .insertInto('alarm_photos')
      .values({ id: photo.id, alarm_id: photo.alarmId, unit_id: photo.unitId, uploaded_by: photo.uploadedBy, uploaded_at: photo.uploadedAt, width: photo.width, height: photo.height, bytes: photo.bytes, data })
      .execute();
  }

  /** How many photos an alarm holds. */
  async countFor(trx: Kysely<Database>, alarmId: string): Promise<number> {
    const row = await trx.selectFrom('alarm_photos').select((eb) => eb.fn.countAll<number | string>().as('n')).where('alarm_id', '=', alarmId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The photos of an alarm among `ids`, without their bytes. */
  async infoOf(trx: Kysely<Database>, alarmId: string, ids: readonly string[]): Promise<PhotoInfo[]> {
    if (ids.length === 0) return [];
    const rows = await trx
      .selectFrom('alarm_photos')
      .select(['id', 'alarm_id', 'unit_id', 'uploaded_by', 'uploaded_at', 'width', 'height', 'bytes'])
      .where('alarm_id', '=', alarmId)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map((r) => ({ id: r.id, alarmId: r.alarm_id, unitId: r.unit_id, uploadedBy: r.uploaded_by, uploadedAt: r.uploaded_at, width: Number(r.width), height: Number(r.height), bytes: Number(r.bytes) }));
  }

  /** One photo with its bytes. */
  async get(alarmId: string, id: string): Promise<{ unitId: string; data: Buffer } | null> {
    const row = await this.db.selectFrom('alarm_photos').select(['unit_id', 'data']).where('alarm_id', '=', alarmId).where('id', '=', id).executeTakeFirst();
    return row ? { unitId: row.unit_id, data: Buffer.from(row.data) } : null;
  }
}
