import { blankRecord, withChangeValues, type RecordHistoryEntry, type RecordState } from '../../shared/compliance.js';
import type { DevicePlace, School } from '../../shared/domain/index.js';
import type { DrillRecord, InspectionRecord, SchoolSecurityRecord, SelfCheckRecord } from '../../shared/domain/security-record.js';
import type { ComplianceInput, FaultWindow, PlanSave } from '../../shared/rules/compliance/index.js';
import { schoolGuardPosts, type SchoolGuardPost } from '../../shared/rules/guard-post-setup.js';
import type { FaultRepository } from '../db/fault.repository.js';
import type { PlanRepository } from '../db/plan.repository.js';
import type { RecordRepository } from '../db/record.repository.js';
import type { RoutineRepository } from '../db/routine.repository.js';
import type { Clock } from '../clock.js';
import type { RegistryService } from './registry.service.js';

/**
 * What the compliance rules read besides the registry (ComplianceService): the records and their
 * edits, routines, late camera faults, devices, 护学岗 and plans, grouped by school and read in one
 * go, and a school's record as it stood on a date.
 */

/** Everything the rules read besides the registry, grouped by school, loaded in one go. */
export interface Sources {
  loadedAt: number;
  /** `fingerprint()` just before the sources were read. */
  fingerprint: string;
  /** The registry's load count when they were read (this process's; the fingerprint has the registry's sizes). */
  registryVersion: number;
  /**
   * The sources are exactly the state `fingerprint` names: it was the same after the read as
   * before (nothing was written meanwhile), and no school was read again since (`schoolChanged`).
   * Only verdicts from exact sources are stored as figures (0019).
   */
  exact: boolean;
  records: Map<string, SchoolSecurityRecord>;
  /** Edits, oldest first. */
  history: Map<string, RecordHistoryEntry[]>;
  drills: Map<string, DrillRecord[]>;
  inspections: Map<string, InspectionRecord[]>;
  selfChecks: Map<string, SelfCheckRecord[]>;
  /** Only the tickets not restored within 24 h (or still open): the others can never fail the rule. */
  lateFaults: Map<string, FaultWindow[]>;
  devices: Map<string, ComplianceInput['devices']>;
  /** Each school's 护学岗 by THE rule (shared/rules/guard-post-setup.ts). */
  guardPosts: Map<string, SchoolGuardPost | null>;
  /** When each school's emergency plan versions were saved (一校一案). */
  plans: Map<string, PlanSave[]>;
}

/** Where the sources are read from, and the state's fingerprint (read before and after, to know whether the read is exact). */
export interface SourceReaders {
  registry: RegistryService;
  records: RecordRepository;
  routines: RoutineRepository;
  plans: PlanRepository;
  faults: FaultRepository;
  clock: Clock;
  /** THE 护学岗 rule's reach, metres. */
  guardPostReachM: number;
  fingerprint: () => Promise<string>;
}

function groupBy<T extends { schoolId: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(item.schoolId);
    if (list) list.push(item);
    else map.set(item.schoolId, [item]);
  }
  return map;
}

/** Every source, read at once. */
export async function readSources(from: SourceReaders): Promise<Sources> {
  const { registry, records, routines, faults } = from;
  const loadedAt = from.clock.now();
  const registryVersion = registry.version;
  const fingerprint = await from.fingerprint();
  const [stored, history, drills, inspections, selfChecks, lateFaults, plans] = await Promise.all([
    records.all(),
    records.allHistory(),
    routines.bySchool('drills'),
    routines.bySchool('inspections'),
    routines.bySchool('self_checks'),
    faults.lateWindows(),
    from.plans.planSaves(),
  ]);
  // The same summary after the read as before: nothing was written meanwhile, the sources are exactly that state.
  const exact = (await from.fingerprint()) === fingerprint && registry.version === registryVersion;
  const devices = new Map<string, ComplianceInput['devices']>();
  for (const device of registry.devices()) {
    if (!device.schoolId || (device.kind !== 'camera' && device.kind !== 'sos' && device.kind !== 'intrusion')) continue;
    let places = devices.get(device.schoolId);
    if (!places) devices.set(device.schoolId, (places = { camera: [], sos: [], intrusion: [] }));
    const list: DevicePlace[] = places[device.kind];
    if (!list.includes(device.place)) list.push(device.place);
  }
  return {
    loadedAt,
    fingerprint,
    registryVersion,
    exact,
    records: new Map([...stored].map(([id, s]) => [id, s.record])),
    history: groupBy(history),
    drills,
    inspections,
    selfChecks,
    lateFaults: groupBy(lateFaults),
    devices,
    guardPosts: schoolGuardPosts(registry.schools(), registry.guardPosts(), from.guardPostReachM),
    plans,
  };
}

export const NO_DEVICES: ComplianceInput['devices'] = { camera: [], sos: [], intrusion: [] };

/**
 * A school's record and own fields as they stood at `end`: the edits made after it undone,
 * newest first. `school` is undefined when no edit is undone (the registry's school stands).
 */
export function stateAsOf(school: School, sources: Sources, end: string): { record: SchoolSecurityRecord; school?: RecordState['school'] } {
  const record = sources.records.get(school.id) ?? blankRecord(school.id);
  const history = sources.history.get(school.id);
  const latest = history?.at(-1);
  if (!history || !latest || latest.at <= end) return { record };
  let state: RecordState = {
    record,
    school: { students: school.students, staff: school.staff, boarding: school.boarding, boarders: school.boarders, guards: school.guards, counterTerror: school.counterTerror },
  };
  for (let i = history.length - 1; i >= 0 && history[i]!.at > end; i--) state = withChangeValues(state, history[i]!.changes, 'from');
  return state;
}

