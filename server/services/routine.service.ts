import { randomUUID } from 'node:crypto';
import type { DrillView, InspectionView, SelfCheckView } from '../../shared/compliance.js';
import type { InspectionRecord } from '../../shared/domain/security-record.js';
import type { RoutineRepository } from '../db/routine.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { ComplianceService } from './compliance.service.js';
import { refuse, type Outcome } from './outcome.js';
import { refusal, say } from '../../shared/refusal.js';
import type { RegistryService } from './registry.service.js';

/** The routines a school records. */
export type RoutineKind = 'drills' | 'inspections' | 'self-checks';
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

/** Drills, inspections and monthly self-checks per school; the compliance rules count them. */
export class RoutineService {
  constructor(private readonly deps: { writes: WriteQueue; repository: RoutineRepository; registry: RegistryService; compliance: ComplianceService; clock: Clock }) {}

  async list<K extends RoutineKind>(kind: K, schoolId: string): Promise<RoutineViews[K][] | null> {
    if (!this.deps.registry.school(schoolId)) return null;
    const { repository } = this.deps;
    const lists: { [Q in RoutineKind]: () => Promise<RoutineViews[Q][]> } = {
      drills: () => repository.drills(schoolId),
      inspections: () => repository.inspections(schoolId),
      'self-checks': () => repository.selfChecks(schoolId),
    };
    return lists[kind]();
  }

  async add<K extends RoutineKind>(kind: K, schoolId: string, input: RoutineInputs[K], actor: string): Promise<Outcome<RoutineViews[K]>> {
    if (!this.deps.registry.school(schoolId)) return refuse(404, refusal(`没有编号为 ${schoolId} 的学校`, `no school ${schoolId}`));
    const today = this.deps.compliance.today();
    if (input.date > today) return refuse(400, refusal(`日期 ${input.date} 在未来（今天是 ${today}）`, `date: ${input.date} is in the future (today is ${today})`), { date: say('不能晚于今天', 'is in the future') });
    const base = { id: `${PREFIX[kind]}-${randomUUID()}`, schoolId, date: input.date, recordedBy: actor, recordedAt: isoNow(this.deps.clock) };
    const { repository } = this.deps;
    let view: DrillView | InspectionView | SelfCheckView;
    if (kind === 'drills') {
      const drill = { ...base, scenario: (input as RoutineInputs['drills']).scenario };
      await this.deps.writes.run(() => repository.addDrill(drill));
      view = drill;
    } else if (kind === 'inspections') {
      const { by, note } = input as RoutineInputs['inspections'];
      const inspection = { ...base, by, note: note ?? null };
      await this.deps.writes.run(() => repository.addInspection(inspection));
      view = inspection;
    } else {
      const check = { ...base, note: (input as RoutineInputs['self-checks']).note ?? null };
      await this.deps.writes.run(() => repository.addSelfCheck(check));
      view = check;
    }
    await this.deps.compliance.schoolChanged(schoolId);
    return { ok: true, data: view as RoutineViews[K] };
  }
}
