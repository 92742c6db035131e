import type { Kysely, Selectable } from 'kysely';
import { findDistrict } from '../../shared/domain/index.js';
import type { Hazard, HazardState, HazardTransition } from '../../shared/rules/hazard.js';
import type { Database } from './schema.js';

type HazardRow = Selectable<Database['hazards']>;

/** Which hazards a listing wants. `open` is every state but closed. */
export interface HazardQuery {
  state: HazardState | 'open' | 'all';
  districtCode?: string;
  schoolId?: string;
  /** Only those dispatched with a deadline before this local date (overdue on it). */
  overdueOn?: string;
  limit: number;
}

function hazardToRow(h: Hazard): Database['hazards'] {
  return {
    id: h.id,
    school_id: h.schoolId,
    district_code: h.districtCode,
    source: h.source,
    source_id: h.sourceId,
    severity: h.severity,
    description: h.description,
    found_on: h.foundOn,
    state: h.state,
    assignee: h.assignee,
    deadline: h.deadline,
    registered_at: h.registeredAt,
    updated_at: h.updatedAt,
    rectified_at: h.rectifiedAt,
    closed_at: h.closedAt,
    version: h.version,
  };
}

function rowToHazard(r: HazardRow, transitions: HazardTransition[]): Hazard {
  return {
    id: r.id,
    schoolId: r.school_id,
    districtCode: r.district_code,
    source: r.source,
    sourceId: r.source_id,
    severity: r.severity,
    description: r.description,
    foundOn: r.found_on,
    state: r.state,
    assignee: r.assignee,
    deadline: r.deadline,
    registeredAt: r.registered_at,
    updatedAt: r.updated_at,
    rectifiedAt: r.rectified_at,
    closedAt: r.closed_at,
    version: Number(r.version),
    transitions,
  };
}

function rowToTransition(t: Selectable<Database['hazard_transitions']>): HazardTransition {
  return {
    action: t.action,
    from: t.from_state,
    to: t.to_state,
    actor: t.actor,
    at: t.at,
    note: t.note,
    assignee: t.assignee,
    deadline: t.deadline,
  };
}

/** Hazards (隐患) and their steps. Write methods take the transaction they belong to. */
export class HazardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a hazard with every transition it carries. */
  async insert(trx: Kysely<Database>, hazard: Hazard): Promise<void> {
    await trx.insertInto('hazards').values(hazardToRow(hazard)).execute();
    for (const t of hazard.transitions) await this.insertTransition(trx, hazard.id, t);
  }

  async insertTransition(trx: Kysely<Database>, hazardId: string, t: HazardTransition): Promise<void> {
    await trx
      .insertInto('hazard_transitions')
      .values({ hazard_id: hazardId, action: t.action, from_state: t.from, to_state: t.to, actor: t.actor, at: t.at, note: t.note, assignee: t.assignee, deadline: t.deadline })
      .execute();
  }

  /** Writes a hazard only if it is still at `expectedVersion` (compare-and-set). True when written. */
  async update(trx: Kysely<Database>, hazard: Hazard, expectedVersion: number): Promise<boolean> {
    const { id, ...row } = hazardToRow(hazard);
    const result = await trx.updateTable('hazards').set(row).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(db: Kysely<Database>, id: string): Promise<Hazard | null> {
    const row = await db.selectFrom('hazards').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const transitions = await db.selectFrom('hazard_transitions').selectAll().where('hazard_id', '=', id).orderBy('id').execute();
    return rowToHazard(row, transitions.map(rowToTransition));
  }

  /** Hazards newest first, without their transitions (one hazard's steps come with `get`). */
  async list(query: HazardQuery): Promise<Hazard[]> {
    let q = this.db.selectFrom('hazards').selectAll();
    if (query.state === 'open') q = q.where('state', '!=', 'closed');
    else if (query.state !== 'all') q = q.where('state', '=', query.state);
    if (query.districtCode) {
      // A code outside the city has no hazards (and is no DistrictCode for the typed column).
      const district = findDistrict(query.districtCode);
      if (!district) return [];
      q = q.where('district_code', '=', district.code);
    }
    if (query.schoolId) q = q.where('school_id', '=', query.schoolId);
    if (query.overdueOn) q = q.where('state', '=', 'dispatched').where('deadline', '<', query.overdueOn);
    const rows = await q.orderBy('registered_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => rowToHazard(r, []));
  }

  /** What the counts need: every open hazard, and those closed since `closedSince` (ISO). */
  async forCounts(closedSince: string): Promise<Pick<Hazard, 'districtCode' | 'state' | 'deadline' | 'closedAt'>[]> {
    const rows = await this.db
      .selectFrom('hazards')
      .select(['district_code', 'state', 'deadline', 'closed_at'])
      .where((eb) => eb.or([eb('state', '!=', 'closed'), eb('closed_at', '>=', closedSince)]))
      .execute();
    return rows.map((r) => ({ districtCode: r.district_code, state: r.state, deadline: r.deadline, closedAt: r.closed_at }));
  }
}
