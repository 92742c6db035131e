import type { Kysely } from 'kysely';
import type { DistrictCode } from '../../shared/domain/index.js';
import type { HazardState } from '../../shared/rules/hazard.js';
import type { Database } from './schema.js';

/** At most this many rows of each source are read for one report (a month of a city: far more than any real month). */
const MAX_ROWS = 500_000;

/**
 * The rows a periodic report reads beside the alarms (report-gather.ts, in the report worker):
 * camera faults and hazards overlapping the period, 护学岗 check-ins and drills recorded in it.
 * `district` narrows to one district; undefined reads the whole city.
 */
export class ReportSourcesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Camera faults open at any time in [from, to). */
  async faults(from: string, to: string, district: DistrictCode | undefined): Promise<{ openedAt: string; closedAt: string | null; deadlineAt: string }[]> {
    let query = this.db.selectFrom('camera_faults').select(['opened_at', 'closed_at', 'deadline_at'])
      .where('opened_at', '<', to).where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]));
    if (district) query = query.where('district_code', '=', district);
    return (await query.limit(MAX_ROWS).execute()).map((f) => ({ openedAt: f.opened_at, closedAt: f.closed_at, deadlineAt: f.deadline_at }));
  }

  /** The device of every 护学岗 check-in stored in [from, to) (null when the event named none). */
  async checkInDevices(from: string, to: string): Promise<(string | null)[]> {
    const rows = await this.db.selectFrom('events').select(['device_id']).where('type', '=', 'post.checkin')
      .where('at', '>=', from).where('at', '<', to).limit(MAX_ROWS).execute();
    return rows.map((row) => row.device_id);
  }

  /** Hazards open at any time in [from, to). */
  async hazards(from: string, to: string, district: DistrictCode | undefined): Promise<{ registeredAt: string; closedAt: string | null; deadline: string | null; state: HazardState }[]> {
    let query = this.db.selectFrom('hazards').select(['registered_at', 'closed_at', 'deadline', 'state'])
      .where('registered_at', '<', to).where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]));
    if (district) query = query.where('district_code', '=', district);
    return (await query.limit(MAX_ROWS).execute()).map((h) => ({ registeredAt: h.registered_at, closedAt: h.closed_at, deadline: h.deadline, state: h.state }));
  }

  /** How many drills were recorded with a date in [fromDate, toDate] (Shanghai dates, both ends included). */
  async drillsRecorded(fromDate: string, toDate: string, district: DistrictCode | undefined): Promise<number> {
    let query = this.db.selectFrom('drills').innerJoin('schools', 'schools.id', 'drills.school_id')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('drills.date', '>=', fromDate).where('drills.date', '<=', toDate);
    if (district) query = query.where('schools.district_code', '=', district);
    return Number((await query.executeTakeFirst())?.n ?? 0);
  }
}
