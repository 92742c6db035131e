import { inTransaction } from '../db/transaction.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SessionUser } from '../../shared/auth.js';
import type { DrillView, InspectionView, RoutineKind, SelfCheckView } from '../../shared/compliance.js';
import type { InspectionRecord } from '../../shared/domain/security-record.js';
import { refusal, say } from '../../shared/refusal.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Store } from '../db/database.js';
import type { RoutineRepository } from '../db/routine.repository.js';
import type { Database } from '../db/schema.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Actor } from './actor.js';
import { isoNow, type Clock } from '../clock.js';
import type { ComplianceService } from './compliance.service.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { noSchool, refusedSchool } from './school-access.js';

/** What each kind's answer holds. */
export interface RoutineViews {
  drills: DrillView;
  inspections: InspectionView;
  'self-checks': SelfCheckView;
}
/** What each kind takes (validated by the route). */
export interface RoutineInputs {
  drills: { date: string; scenario: string };
  inspections: { date: string; by: InspectionRecord['by']; note?: string | null | undefined };
  'self-checks': { date: string; note?: string | null | undefined };
}

const PREFIX: Record<RoutineKind, string> = { drills: 'DR', inspections: 'IN', 'self-checks': 'SC' };

/**
 * Drills, inspections and monthly self-checks per school; the compliance rules count them. Read
 * and recorded within the person's scope; each one recorded is on the audit log, written with it.
 */
export class RoutineService {
  constructor(private readonly deps: { store: Store; writes: WriteQueue; repository: RoutineRepository; registry: RegistryService; compliance: ComplianceService; clock: Clock; audit: AuditService }) {}

  /** A school's routines of one kind, newest first: 403 outside the person's scope, 404 for an unknown school. */
  async list<K extends RoutineKind>(kind: K, schoolId: string, user: SessionUser): Promise<Outcome<RoutineViews[K][]>> {
    const refused = refusedSchool(user, this.deps.registry, schoolId);
    if (refused) return refused;
    if (!this.deps.registry.school(schoolId)) return noSchool(schoolId);
    const { repository } = this.deps;
    const lists: { [Q in RoutineKind]: () => Promise<RoutineViews[Q][]> } = {
      drills: () => repository.drills(schoolId),
      inspections: () => repository.inspections(schoolId),
      'self-checks': () => repository.selfChecks(schoolId),
    };
    return ok(await lists[kind]());
  }

  addDrill(schoolId: string, input: RoutineInputs['drills'], by: Actor): Promise<Outcome<DrillView>> {
    return this.add('drills', schoolId, input.date, by, (base) => ({ ...base, scenario: input.scenario }), (db, drill) => this.deps.repository.addDrill(drill, db));
  }

  addInspection(schoolId: string, input: RoutineInputs['inspections'], by: Actor): Promise<Outcome<InspectionView>> {
    return this.add('inspections', schoolId, input.date, by, (base) => ({ ...base, by: input.by, note: input.note ?? null }), (db, inspection) => this.deps.repository.addInspection(inspection, db));
  }

  addSelfCheck(schoolId: string, input: RoutineInputs['self-checks'], by: Actor): Promise<Outcome<SelfCheckView>> {
    return this.add('self-checks', schoolId, input.date, by, (base) => ({ ...base, note: input.note ?? null }), (db, check) => this.deps.repository.addSelfCheck(check, db));
  }

  /** Records one routine (not in the future) and its audit entry in one transaction; the school's verdicts are then read again. */
  private async add<K extends RoutineKind>(
    kind: K,
    schoolId: string,
    date: string,
    by: Actor,
    make: (base: { id: string; schoolId: string; date: string; recordedBy: string; recordedAt: string }) => RoutineViews[K],
    insert: (db: Kysely<Database>, view: RoutineViews[K]) => Promise<void>,
  ): Promise<Outcome<RoutineViews[K]>> {
    const refused = refusedSchool(by.user, this.deps.registry, schoolId);
    if (refused) return refused;
    if (!this.deps.registry.school(schoolId)) return noSchool(schoolId);
    const today = this.deps.compliance.today();
    if (date > today) return refuse(400, refusal(`日期 ${date} 在未来（今天是 ${today}）`, `date: ${date} is in the future (today is ${today})`), { date: say('不能晚于今天', 'is in the future') });
    const view = make({ id: `${PREFIX[kind]}-${randomUUID()}`, schoolId, date, recordedBy: by.user.displayName, recordedAt: isoNow(this.deps.clock) });
    await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx) => {
        await insert(trx, view);
        await this.deps.audit.append(actedBy(by, `routine.${kind}`, `school:${schoolId}`, { record: view }), trx);
      }),
    );
    await this.deps.compliance.schoolChanged(schoolId);
    return ok(view);
  }
}
