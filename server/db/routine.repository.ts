import type { Kysely, Selectable } from 'kysely';
import type { DrillView, InspectionView, SelfCheckView } from '../../shared/compliance.js';
import type { Database } from './schema.js';

const toDrill = (r: Selectable<Database['drills']>): DrillView => ({
  id: r.id, schoolId: r.school_id, date: r.date, scenario: r.scenario, recordedBy: r.recorded_by, recordedAt: r.recorded_at,
});
const toInspection = (r: Selectable<Database['inspections']>): InspectionView => ({
  id: r.id, schoolId: r.school_id, date: r.date, by: r.by, note: r.note, recordedBy: r.recorded_by, recordedAt: r.recorded_at,
});
const toSelfCheck = (r: Selectable<Database['self_checks']>): SelfCheckView => ({
  id: r.id, schoolId: r.school_id, date: r.date, note: r.note, recordedBy: r.recorded_by, recordedAt: r.recorded_at,
});

/** Drills (应急演练), inspections (安全检查) and monthly self-checks (隐患自查). */
export class RoutineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A school's drills, or every school's (school undefined), newest first. */
  async drills(schoolId?: string): Promise<DrillView[]> {
    let q = this.db.selectFrom('drills').selectAll();
    if (schoolId) q = q.where('school_id', '=', schoolId);
    return (await q.orderBy('date', 'desc').orderBy('id', 'desc').execute()).map(toDrill);
  }

  async inspections(schoolId?: string): Promise<InspectionView[]> {
    let q = this.db.selectFrom('inspections').selectAll();
    if (schoolId) q = q.where('school_id', '=', schoolId);
    return (await q.orderBy('date', 'desc').orderBy('id', 'desc').execute()).map(toInspection);
  }

  async selfChecks(schoolId?: string): Promise<SelfCheckView[]> {
    let q = this.db.selectFrom('self_checks').selectAll();
    if (schoolId) q = q.where('school_id', '=', schoolId);
    return (await q.orderBy('date', 'desc').orderBy('id', 'desc').execute()).map(toSelfCheck);
  }

  /**
   * Every school's drills, inspections or self-checks, grouped by school, each school's newest
   * first (as the one-school reads). No ORDER BY over the whole table: at province scale (1.2
   * million self-checks) PostgreSQL's sort spilled to disk and was most of the read; a school's
   * few dozen rows are sorted here instead (docs/benchmarks.md, issue 17).
   */
  async bySchool(kind: 'drills'): Promise<Map<string, DrillView[]>>;
  async bySchool(kind: 'inspections'): Promise<Map<string, InspectionView[]>>;
  async bySchool(kind: 'self_checks'): Promise<Map<string, SelfCheckView[]>>;
  async bySchool(kind: 'drills' | 'inspections' | 'self_checks'): Promise<Map<string, DrillView[] | InspectionView[] | SelfCheckView[]>> {
    switch (kind) {
      case 'drills':
        return newestFirstBySchool((await this.db.selectFrom('drills').selectAll().execute()).map(toDrill));
      case 'inspections':
        return newestFirstBySchool((await this.db.selectFrom('inspections').selectAll().execute()).map(toInspection));
      case 'self_checks':
        return newestFirstBySchool((await this.db.selectFrom('self_checks').selectAll().execute()).map(toSelfCheck));
    }
  }

  /** Records a drill; `db` is the transaction it belongs to, when there is one. */
  async addDrill(d: DrillView, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('drills').values({ id: d.id, school_id: d.schoolId, date: d.date, scenario: d.scenario, recorded_by: d.recordedBy, recorded_at: d.recordedAt }).execute();
  }

  async addInspection(i: InspectionView, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('inspections').values({ id: i.id, school_id: i.schoolId, date: i.date, by: i.by, note: i.note, recorded_by: i.recordedBy, recorded_at: i.recordedAt }).execute();
  }

  async addSelfCheck(c: SelfCheckView, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('self_checks').values({ id: c.id, school_id: c.schoolId, date: c.date, note: c.note, recorded_by: c.recordedBy, recorded_at: c.recordedAt }).execute();
  }
}

/** Rows grouped by school, each group ordered as `ORDER BY date DESC, id DESC` (the one-school reads' order). */
function newestFirstBySchool<T extends { schoolId: string; date: string; id: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(row.schoolId);
    if (list) list.push(row);
    else groups.set(row.schoolId, [row]);
  }
  const newestFirst = (a: T, b: T) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  for (const list of groups.values()) list.sort(newestFirst);
  return groups;
}
