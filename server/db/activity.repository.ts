import type { Kysely } from 'kysely';
import type { Database, StoredEventType } from './schema.js';

/** The stored event types that are 护学岗 or patrol activity. */
const ACTIVITY_TYPES = ['post.checkin', 'post.checkout', 'patrol.scan'] as const satisfies readonly ActivityEvent['type'][];

function isActivity(type: StoredEventType): type is ActivityEvent['type'] {
  return ACTIVITY_TYPES.some((t) => t === type);
}

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
      .where('type', 'in', ACTIVITY_TYPES)
      .where('at', '>=', sinceIso)
      .orderBy('at')
      .execute();
    return rows.flatMap(({ type, device_id: deviceId, at }) => (isActivity(type) ? [{ type, deviceId, at: Date.parse(at) }] : []));
  }
}
