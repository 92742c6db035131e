import type { Kysely } from 'kysely';
import type { AlarmState, AlarmType } from '../../shared/domain/index.js';
import type { RiskContribution, RiskHistoryPoint, RiskLevel } from '../../shared/risk.js';
import type { Database } from './schema.js';

/** An alarm row as the risk model reads it. */
export interface RiskAlarmRow {
  id: string;
  schoolId: string;
  type: AlarmType;
  state: AlarmState;
  drill: boolean;
  openedAt: string;
  receivedAt: string;
}

/** A row of the risk history to write. */
export interface RiskHistoryRow {
  schoolId: string;
  at: string;
  score: number;
  level: RiskLevel;
  kind: 'change' | 'daily';
  contributions: RiskContribution[];
}

/** Rows per read when loading a window of alarms: each read is a short, indexed step (the event loop is yielded between). */
export const RISK_PAGE = 2000;

/**
 * What the risk service reads (the model's inputs: alarms, camera outages, open hazards, last
 * drills) and the risk history it keeps (0016). Reads are bounded: a window, open rows, a page.
 */
export class RiskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Alarms of `types` received at or after `since` (the indexed column), in (received_at, id) order after `after`, one page. */
  async alarmsPage(since: string, types: readonly AlarmType[], after: { receivedAt: string; id: string } | null): Promise<RiskAlarmRow[]> {
    let q = this.db.selectFrom('alarms').select(['id', 'school_id', 'type', 'state', 'drill', 'opened_at', 'received_at']).where('received_at', '>=', since).where('type', 'in', [...types]);
    if (after) q = q.where((eb) => eb.or([eb('received_at', '>', after.receivedAt), eb.and([eb('received_at', '=', after.receivedAt), eb('id', '>', after.id)])]));
    const rows = await q.orderBy('received_at').orderBy('id').limit(RISK_PAGE).execute();
    return rows.map((r) => ({ id: r.id, schoolId: r.school_id, type: r.type, state: r.state, drill: r.drill === 1, openedAt: r.opened_at, receivedAt: r.received_at }));
  }

  /** Camera fault tickets open now or closed at or after `since`. */
  async outages(since: string): Promise<{ deviceId: string; schoolId: string; openedAt: string; closedAt: string | null }[]> {
    const rows = await this.db
      .selectFrom('camera_faults')
      .select(['device_id', 'school_id', 'opened_at', 'closed_at'])
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', since)]))
      .execute();
    return rows.map((r) => ({ deviceId: r.device_id, schoolId: r.school_id, openedAt: r.opened_at, closedAt: r.closed_at }));
  }

  /** Hazards not yet rectified (registered or dispatched), with their deadline and severity. */
  async openHazards(): Promise<{ schoolId: string; state: string; deadline: string | null; severity: string }[]> {
    const rows = await this.db.selectFrom('hazards').select(['school_id', 'state', 'deadline', 'severity']).where('state', 'in', ['registered', 'dispatched']).execute();
    return rows.map((r) => ({ schoolId: r.school_id, state: r.state, deadline: r.deadline, severity: r.severity }));
  }

  /** Each school's last recorded drill date (schools without one are absent). */
  async lastDrills(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('drills').select((eb) => ['school_id', eb.fn.max('date').as('last')]).groupBy('school_id').execute();
    return new Map(rows.filter((r) => r.last !== null).map((r) => [r.school_id, String(r.last)]));
  }

  /** `db`: the transaction the rows belong to (with the audit entries of their level changes). */
  async appendHistory(rows: readonly RiskHistoryRow[], db: Kysely<Database> = this.db): Promise<void> {
    // Small inserts (SQLite runs each on the event loop), the loop free between them.
    for (let i = 0; i < rows.length; i += 100) {
      const values = rows.slice(i, i + 100).map((r) => ({ school_id: r.schoolId, at: r.at, score: r.score, level: r.level, kind: r.kind, contributions: JSON.stringify(r.contributions) }));
      await db.insertInto('risk_history').values(values).execute();
    }
  }

  /** One school's history since `since`, oldest first (at most `limit` points: the newest). */
  async history(schoolId: string, since: string, limit = 2000): Promise<RiskHistoryPoint[]> {
    const rows = await this.db
      .selectFrom('risk_history')
      .select(['at', 'score', 'level'])
      .where('school_id', '=', schoolId)
      .where('at', '>=', since)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({ at: r.at, score: Number(r.score), level: r.level }));
  }

  /** Each school's newest history row (what a restart continues from). */
  async latest(): Promise<Map<string, { at: string; score: number; level: RiskLevel }>> {
    const rows = await this.db
      .selectFrom('risk_history as h')
      .innerJoin(
        (eb) => eb.selectFrom('risk_history').select((e) => ['school_id', e.fn.max('at').as('last')]).groupBy('school_id').as('m'),
        (join) => join.onRef('m.school_id', '=', 'h.school_id').onRef('m.last', '=', 'h.at'),
      )
      .select(['h.school_id', 'h.at', 'h.score', 'h.level'])
      .execute();
    return new Map(rows.map((r) => [r.school_id, { at: r.at, score: Number(r.score), level: r.level }]));
  }
}
