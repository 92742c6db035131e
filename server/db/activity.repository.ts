import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A stored 护学岗 or patrol event, as the services that keep their live state need it. */
export interface ActivityEvent {
  type: 'post.checkin' | 'post.checkout' | 'patrol.scan';
  deviceId: string;
  /** Device time, ms since the epoch. */
  at: number;
}

/** Reads back stored 护学岗 and patrol events, so live state survives a restart. */
export class ActivityRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Check-ins, check-outs and patrol scans that happened at or after `sinceIso`. */
  async since(sinceIso: string): Promise<ActivityEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['type', 'device_id', 'at'])
      .where('type', 'in', ['post.checkin', 'post.checkout', 'patrol.scan'])
      .where('at', '>=', sinceIso)
      .orderBy('at')
      .execute();
    return rows.map((r) => ({ type: r.type as ActivityEvent['type'], deviceId: r.device_id, at: Date.parse(r.at) }));
  }
}
