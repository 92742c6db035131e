import type { UnitScope } from './unit-scope.js';
import type { AuditService } from '../auth/audit.service.js';
import type { Store } from '../db/database.js';
import { HazardRepository } from '../db/hazard.repository.js';
import { PlanRepository } from '../db/plan.repository.js';
import { RecordRepository } from '../db/record.repository.js';
import { RoutineRepository } from '../db/routine.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { RetentionReport, SemesterRule } from '../../shared/rules/compliance/types.js';
import type { Clock } from '../clock.js';
import type { ComplianceOffload } from './compliance-calls.js';
import { ComplianceService } from './compliance.service.js';
import { HazardService } from './hazard.service.js';
import { PlanService } from './plan.service.js';
import { InspectionService } from './inspection.service.js';
import { InspectionRepository } from '../db/inspection.repository.js';
import { RecordService } from './record.service.js';
import type { RegistryService } from './registry.service.js';
import { RoutineService } from './routine.service.js';

/** The education-bureau desk's services (issue 5). */
export interface ComplianceServices {
  compliance: ComplianceService;
  records: RecordService;
  routines: RoutineService;
  hazards: HazardService;
  /** The school's people and emergency plan (预案, issue 14). */
  plans: PlanService;
  /** The city's and counties' inspection campaigns and circulars (二(五)2, issue 15). */
  inspections: InspectionService;
}

/** Wires the compliance, record, routine, hazard and plan services (their writes on `audit`). */
export function buildComplianceServices(deps: {
  store: Store;
  writes: WriteQueue;
  registry: RegistryService;
  clock: Clock;
  semesters: readonly SemesterRule[];
  audit: AuditService;
  /** Lets a unit's responder read the emergency card of a school whose alarm is dispatched to the unit. */
  unitScope?: Pick<UnitScope, 'coversSchool'>;
  offload?: ComplianceOffload | null;
  /** The cameras' retention reports (附件3 二(三), CameraHealthService.retentionBySchool). */
  retention?: () => { version: number; bySchool: ReadonlyMap<string, RetentionReport> };
  /** THE 护学岗 rule's reach (XIAOAN_GUARD_POST_REACH_M). */
  guardPostReachM?: number;
}): ComplianceServices {
  const { store, writes, registry, clock, semesters, audit } = deps;
  const recordRepository = new RecordRepository(store.db);
  const routineRepository = new RoutineRepository(store.db);
  const planRepository = new PlanRepository(store.db);
  const compliance = new ComplianceService({ db: store.db, registry, records: recordRepository, routines: routineRepository, plans: planRepository, clock, semesters, offload: deps.offload ?? null, ...(deps.retention ? { retention: deps.retention } : {}), ...(deps.guardPostReachM !== undefined ? { guardPostReachM: deps.guardPostReachM } : {}) });
  return {
    compliance,
    records: new RecordService({ store, writes, repository: recordRepository, registry, compliance, clock, audit }),
    routines: new RoutineService({ store, writes, repository: routineRepository, registry, compliance, clock, audit }),
    hazards: new HazardService({ store, writes, repository: new HazardRepository(store.db), registry, clock, semesters, audit }),
    plans: new PlanService({ store, writes, repository: planRepository, registry, compliance, clock, audit, semesters, unitScope: deps.unitScope ?? null }),
    inspections: new InspectionService({ store, writes, repository: new InspectionRepository(store.db), registry, clock, audit, semesters }),
  };
}
