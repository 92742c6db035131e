import type { DevicePlace, School } from '../../domain/entities.js';
import type { SchoolGuardPost } from '../guard-post-setup.js';
import type { DrillRecord, InspectionRecord, SchoolSecurityRecord, SelfCheckRecord } from '../../domain/security-record.js';

/** The requirements of the plan, in the order the desk shows them. */
export const COMPLIANCE_RULES = [
  'guards',
  'equipment',
  'closed_campus',
  'anti_ram',
  'sos_alarm',
  'video',
  'intrusion',
  'control_room',
  'gate_police_camera',
  'system_upkeep',
  'retention',
  'fault_restore',
  'guard_post',
  'guard_post_person',
  'drill',
  'emergency_plan',
  'inspections',
  'self_check',
] as const;
/** A requirement's id. */
export type ComplianceRuleId = (typeof COMPLIANCE_RULES)[number];

/**
 * A rule's verdict for one school as of a date: `pass`; `fail`; `pending` (a routine not yet
 * done but its period is still running); `not_due` (its phased target date has not come);
 * `not_applicable` (the plan does not ask it of this kind of school).
 */
export type ComplianceStatus = 'pass' | 'fail' | 'pending' | 'not_due' | 'not_applicable';

/** Both UI languages. */
export interface Reason {
  zh: string;
  en: string;
}

/** One rule's verdict, with its reason and the date it is due from. */
export interface ComplianceResult {
  rule: ComplianceRuleId;
  status: ComplianceStatus;
  /** The phased target date (`YYYY-MM-DD`) the rule must be met by (judged from the day after), or null when it does not apply. */
  dueBy: string | null;
  reason: Reason;
}

/** The device kinds whose faults the 24 h restore rule (附件3 二(三)) covers. */
export const RESTORE_DEVICE_KINDS = ['camera', 'sos', 'intrusion', 'access'] as const;
/** One of {@link RESTORE_DEVICE_KINDS}. */
export type RestoreDeviceKind = (typeof RESTORE_DEVICE_KINDS)[number];

/** A device fault ticket as the 24 h rule sees it: opened at the fault's start, due 24 h after it. */
export interface FaultWindow {
  /** Camera when absent (tickets stored before issue 15 were all cameras'). */
  deviceKind?: RestoreDeviceKind;
  openedAt: string;
  deadlineAt: string;
  closedAt: string | null;
}

/** A school term (学期), by local month-day: e.g. 09-01 to 01-31 and 03-01 to 07-15. */
export interface SemesterRule {
  start: string;
  end: string;
}

/** Everything the rules know about one school. */
export interface ComplianceInput {
  school: School;
  record: SchoolSecurityRecord;
  /** Places of the school's devices, by kind (from the registry). */
  devices: { camera: DevicePlace[]; sos: DevicePlace[]; intrusion: DevicePlace[] };
  /** The school's 护学岗 by THE rule (shared/rules/guard-post-setup.ts), null when none is set up. */
  guardPost: SchoolGuardPost | null;
  /**
   * Video retention as the school's cameras report it in their keepalives (the shortest of
   * them, and how many reported); null when none has reported: the typed record value counts then.
   */
  reportedRetention: RetentionReport | null;
  faults: FaultWindow[];
  drills: DrillRecord[];
  inspections: InspectionRecord[];
  selfChecks: SelfCheckRecord[];
  /** The emergency plan's saved versions (预案, 一校一案), any order; empty when none was ever saved. */
  plans: PlanSave[];
}

/** What a school's cameras say they keep (附件3 二(三)). */
export interface RetentionReport {
  /** The shortest retention any of them reports, days. */
  minDays: number;
  /** Cameras that reported one. */
  cameras: number;
}

/** When a version of the emergency plan was saved. */
export interface PlanSave {
  version: number;
  /** ISO instant. */
  savedAt: string;
}

/** Settings of an evaluation. */
export interface ComplianceOptions {
  /** Local date `YYYY-MM-DD` the verdicts are "as of". */
  asOf: string;
  semesters: readonly SemesterRule[];
  /** THE 护学岗 rule's reach, metres, for the reasons (default GUARD_POST_REACH_M). */
  guardPostReachM?: number;
}

/** Default terms: autumn 1 Sep – 31 Jan, spring 1 Mar – 15 Jul. */
export const DEFAULT_SEMESTERS: readonly SemesterRule[] = [
  { start: '09-01', end: '01-31' },
  { start: '03-01', end: '07-15' },
];
