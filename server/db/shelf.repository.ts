import type { Kysely, Selectable } from 'kysely';
import type { Shelf, ShelfEnd } from '../../shared/console.js';
import type { Database } from './schema.js';

type ShelfRow = Selectable<Database['shelves']>;

function shelfOf(row: ShelfRow): Shelf {
  return {
    id: row.id,
    deviceId: row.device_id,
    schoolId: row.school_id,
    districtCode: row.district_code,
    reason: row.reason,
    shelvedBy: row.shelved_by,
    shelvedAt: row.shelved_at,
    until: row.until,
  };
}

/** Shelved devices (搁置): put up, taken down, and the ones in force; each method inside the caller's transaction when given one (`db`). */
export class ShelfRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The shelves in force (not ended), oldest first. */
  async open(db: Kysely<Database> = this.db): Promise<Shelf[]> {
    const rows = await db.selectFrom('shelves').selectAll().where('ended_at', 'is', null).orderBy('shelved_at').execute();
    return rows.map(shelfOf);
  }

  async insert(shelf: Shelf, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('shelves')
      .values({
        id: shelf.id,
        device_id: shelf.deviceId,
        school_id: shelf.schoolId,
        district_code: shelf.districtCode,
        reason: shelf.reason,
        shelved_by: shelf.shelvedBy,
        shelved_at: shelf.shelvedAt,
        until: shelf.until,
      })
      .execute();
  }

  /** Ends a shelf still in force; false when it had ended already (expired meanwhile, say). */
  async end(id: string, end: ShelfEnd, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('shelves')
      .set({ ended_at: end.at, ended_by: end.by, end_reason: end.reason, end_note: end.note })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
