import { z } from 'zod';
import { DISTRICT_CODES, type DistrictCode } from './domain/districts.js';
import { SCHOOL_SETTINGS, SCHOOL_STAGES, type SchoolSetting, type SchoolStage } from './domain/entities.js';
import { EQUIPMENT_ITEMS, type DrillRecord, type InspectionRecord, type SchoolSecurityRecord, type SelfCheckRecord } from './domain/security-record.js';
import { HAZARD_SEVERITIES, HAZARD_SOURCES, HAZARD_STATES, type Hazard, type HazardCounts } from './rules/hazard.js';
import { bilingual as b } from './zod-text.js';
import { COMPLIANCE_RULES, type ComplianceResult, type ComplianceRuleId, type ComplianceStatus, type Reason } from './rules/compliance/types.js';

/**
 * The compliance desk's contract: answer types of `/api/v1/compliance/*`, the school record and
 * routines, and the zod schemas of what people send (record edits, drills, inspections,
 * self-checks, hazards). Both the server and the client import it.
 */

/** Requirement names as the desk and the statistics table (附件4) show them. */
export const RULE_LABELS: Record<ComplianceRuleId, Reason> = {
  guards: { zh: '专职保安员配备', en: 'Full-time guards' },
  equipment: { zh: '门卫室防卫器械', en: 'Gate-room equipment' },
  closed_campus: { zh: '封闭化管理', en: 'Closed campus' },
  anti_ram: { zh: '防冲撞设施', en: 'Anti-ram barriers' },
  sos_alarm: { zh: '一键式紧急报警', en: 'One-key alarm' },
  video: { zh: '视频监控', en: 'Video surveillance' },
  intrusion: { zh: '入侵报警', en: 'Intrusion alarms' },
  control_room: { zh: '安防监控室', en: 'Control room' },
  gate_police_camera: { zh: '校门外公安视频', en: 'Police camera outside the gate' },
  system_upkeep: { zh: '技防系统专人负责及应急预案', en: 'Security system: person in charge and plan' },
  retention: { zh: '视频存储时长', en: 'Video retention' },
  fault_restore: { zh: '故障24小时内修复', en: 'Faults restored within 24 h' },
  guard_post: { zh: '护学岗', en: 'School-gate post (护学岗)' },
  guard_post_person: { zh: '护学岗定人', en: '护学岗 named person (定人)' },
  drill: { zh: '应急演练', en: 'Emergency drills' },
  emergency_plan: { zh: '应急预案（一校一案）', en: 'Emergency plan (one per school)' },
  inspections: { zh: '安全检查', en: 'Safety inspections' },
  self_check: { zh: '隐患月度自查', en: 'Monthly hazard self-check' },
};

/** Stage names (学段) in the statistics table. */
export const STAGE_LABELS_ZH: Record<SchoolStage, string> = {
  kindergarten: '幼儿园', primary: '小学', junior: '初中', senior: '高中', nine_year: '九年一贯制', special: '特殊教育',
};
/** Setting names (城乡类别) in the statistics table. */
export const SETTING_LABELS_ZH: Record<SchoolSetting, string> = { city: '城市', town: '城镇', rural: '乡村' };

/** Which schools a compliance answer covers. */
export interface ComplianceFilters {
  stage?: SchoolStage;
  setting?: SchoolSetting;
  districtCode?: DistrictCode;
}

/**
 * One requirement over a set of schools: `applicable` = every school it applies to (pass + fail
 * + pending + notDue); `rate` = pass / (pass + fail), null when none is judged yet.
 */
export interface ComplianceCell {
  applicable: number;
  pass: number;
  fail: number;
  pending: number;
  notDue: number;
  rate: number | null;
}

/** A row of the matrix: a district, or the city total (`districtCode` null). */
export interface ComplianceRow {
  districtCode: DistrictCode | null;
  /** 新华区 … or 全市合计. */
  name: string;
  schools: number;
  byStage: Record<SchoolStage, number>;
  bySetting: Record<SchoolSetting, number>;
  cells: Record<ComplianceRuleId, ComplianceCell>;
}

/** `GET /api/v1/compliance/matrix`: district × requirement as of a date. */
export interface ComplianceMatrix {
  asOf: string;
  filters: ComplianceFilters;
  rules: readonly ComplianceRuleId[];
  rows: ComplianceRow[];
  total: ComplianceRow;
}

/** A school as a compliance list names it. */
export interface SchoolSummary {
  id: string;
  name: string;
  districtCode: DistrictCode;
  stage: SchoolStage;
  setting: SchoolSetting;
}

/** One school's items (all of them, or those a drill-down asked for), each with its reason. */
export interface SchoolCompliance {
  school: SchoolSummary;
  items: ComplianceResult[];
}

/** `GET /api/v1/compliance/schools`: the drill-down. */
export interface ComplianceSchoolsAnswer {
  asOf: string;
  rule: ComplianceRuleId | null;
  status: ComplianceStatus | 'any';
  schools: SchoolCompliance[];
}

/** `GET /api/v1/schools/:id/compliance`. */
export interface SchoolComplianceAnswer extends SchoolCompliance {
  asOf: string;
  summary: Record<ComplianceStatus, number>;
}

/** `GET /api/v1/compliance/trend`: the city (or filtered) cells at each step. */
export interface ComplianceTrend {
  from: string;
  to: string;
  step: 'month' | 'week';
  filters: ComplianceFilters;
  points: { asOf: string; cells: Record<ComplianceRuleId, ComplianceCell> }[];
}

/** The school's editable fields. */
export type SchoolEditable = Record<'students' | 'staff' | 'boarders' | 'guards', number> & Record<'boarding' | 'counterTerror', boolean>;

/** `GET /api/v1/schools/:id/record`. A school with no stored record shows a blank one (`updatedAt` null). */
export interface SchoolRecordView {
  schoolId: string;
  record: SchoolSecurityRecord;
  school: SchoolEditable;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** One field changed by an edit: `equipment.helmet`, `retentionDays`, `guards`, … */
export interface RecordChange {
  field: string;
  from: number | boolean | null;
  to: number | boolean | null;
}

/** An edit's stored changes (`record_history.changes`), checked when read back. */
export const recordChangesSchema = z.array(
  z.object({ field: z.string(), from: z.union([z.number(), z.boolean()]).nullable(), to: z.union([z.number(), z.boolean()]).nullable() }) satisfies z.ZodType<RecordChange>,
);

/** One edit of a school's record, with who made it and when. */
export interface RecordHistoryEntry {
  id: number;
  schoolId: string;
  at: string;
  actor: string;
  note: string | null;
  changes: RecordChange[];
}

/** A hazard as `GET /api/v1/hazards` lists it: without its steps, with whether it is overdue today. */
export type HazardListItem = Omit<Hazard, 'transitions'> & { overdue: boolean };

/** `GET /api/v1/hazards/counts`: per district and for the city, today and this term. */
export interface HazardCountsAnswer {
  asOf: string;
  term: { start: string; end: string };
  byDistrict: (HazardCounts & { districtCode: DistrictCode; name: string })[];
  total: HazardCounts;
}

/** The routines a school records, as the API names them (`/schools/:id/<kind>`). */
export const ROUTINE_KINDS = ['drills', 'inspections', 'self-checks'] as const;
/** A routine's kind. */
export type RoutineKind = (typeof ROUTINE_KINDS)[number];

/** Who recorded a routine, and when. */
export interface Recorded {
  recordedBy: string;
  recordedAt: string;
}
/** A drill as the API answers it. */
export type DrillView = DrillRecord & Recorded;
/** An inspection as the API answers it. */
export type InspectionView = InspectionRecord & Recorded;
/** A self-check as the API answers it. */
export type SelfCheckView = SelfCheckRecord & Recorded & { note: string | null };

/** A real calendar date `YYYY-MM-DD`. */
export const localDate = z
  .string({ error: b('must be a date YYYY-MM-DD', '须为日期（年-月-日）') })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: b('must be a date YYYY-MM-DD', '须为日期（年-月-日）') })
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= '2000-01-01';
  }, { error: b('is not a real date (or is before 2000)', '不是有效日期（或早于 2000 年）') });

const count = (what: string, max: number) =>
  z
    .number({ error: b(`${what} must be a number`, '须为数字') })
    .int({ error: b(`${what} must be a whole number`, '须为整数') })
    .min(0, { error: b(`${what} cannot be negative`, '不能为负数') })
    .max(max, { error: b(`${what} cannot be over ${max}`, `不能超过 ${max}`) });
const flag = (what: string) => z.boolean({ error: b(`${what} must be true or false`, '须为是或否') });

const recordFields = {
  guardsOnDuty: count('guards on duty', 50),
  gateCameraNightCapable: flag('gate camera at night'),
  sosLinkedToPolice: flag('one-key alarm linked to the police'),
  videoLinkedToPolice: flag('video linked to the police'),
  alarmLinkedToPolice: flag('alarms linked to the police'),
  controlRoom: flag('control room'),
  controlRoomStaffed: flag('control room staffed'),
  retentionDays: count('video retention (days)', 3650),
  closedCampus: flag('closed campus'),
  antiRamBarriers: flag('anti-ram barriers'),
  gatePoliceCamera: flag('police camera outside the gate'),
  systemManager: flag('a named person runs the security system'),
  systemEmergencyPlan: flag('emergency plan for the security system'),
  controlRoomQualified: flag('control-room staff qualified'),
};
const equipmentFields = Object.fromEntries(EQUIPMENT_ITEMS.map((item) => [item, count(item, 500)])) as Record<(typeof EQUIPMENT_ITEMS)[number], ReturnType<typeof count>>;
const schoolFields = {
  students: count('students', 20_000),
  staff: count('staff', 5_000),
  boarding: flag('boarding'),
  boarders: count('boarders', 20_000),
  guards: count('guards', 200),
  counterTerror: flag('counter-terror key unit'),
};

/** A whole stored record: how it is validated on its way into and out of the database. */
export const securityRecordSchema = z.strictObject({
  schoolId: z.string().min(1),
  ...recordFields,
  // Records stored before issue 15 lack the 附件3 fields: they read as not met (never guessed met).
  gatePoliceCamera: recordFields.gatePoliceCamera.default(false),
  systemManager: recordFields.systemManager.default(false),
  systemEmergencyPlan: recordFields.systemEmergencyPlan.default(false),
  controlRoomQualified: recordFields.controlRoomQualified.default(false),
  equipment: z.strictObject(equipmentFields),
});

/**
 * `PUT /api/v1/schools/:id/record`: any of the record's fields and the school's own editable
 * fields, flat; `equipment` may name only some items; `note` says why. Unknown fields are refused.
 */
export const recordEditSchema = z
  .strictObject({
    ...recordFields,
    equipment: z.strictObject(equipmentFields).partial(),
    ...schoolFields,
    note: z.string().trim().max(500, { error: b('note is over 500 characters', '备注不能超过 500 个字') }),
  })
  .partial()
  .refine((edit) => Object.keys(edit).some((key) => key !== 'note'), { error: b('the edit changes nothing: name at least one field', '没有任何修改：请至少修改一项') });
/** A record edit as sent. */
export interface RecordEdit extends Partial<Omit<SchoolSecurityRecord, 'schoolId' | 'equipment'>>, Partial<SchoolEditable> {
  equipment?: Partial<SchoolSecurityRecord['equipment']>;
  note?: string;
}

const text = (what: string, max: number) =>
  z
    .string({ error: b(`${what} must be text`, '须为文字') })
    .trim()
    .min(1, { error: b(`${what} is required`, '必填') })
    .max(max, { error: b(`${what} is over ${max} characters`, `不能超过 ${max} 个字`) });
const optionalNote = z.string().trim().max(500, { error: b('note is over 500 characters', '备注不能超过 500 个字') }).nullish();

/** `POST /api/v1/schools/:id/drills`. */
export const drillInputSchema = z.strictObject({ date: localDate, scenario: text('scenario', 100) });
/** `POST /api/v1/schools/:id/inspections`. */
export const inspectionInputSchema = z.strictObject({
  date: localDate,
  by: z.enum(['city_education', 'county_education', 'city_police', 'county_police'], { error: b('by must be city_education, county_education, city_police or county_police', '检查单位须为市教育局、县区教育局、市公安局或县区公安局') }),
  note: optionalNote,
});
/** `POST /api/v1/schools/:id/self-checks`. */
export const selfCheckInputSchema = z.strictObject({ date: localDate, note: optionalNote });

/** `POST /api/v1/hazards`. */
export const hazardInputSchema = z.strictObject({
  schoolId: text('schoolId', 64),
  source: z.enum(HAZARD_SOURCES, { error: b(`source must be one of ${HAZARD_SOURCES.join(', ')}`, '请选择隐患来源') }),
  sourceId: z.string().trim().max(64).nullish(),
  severity: z.enum(HAZARD_SEVERITIES, { error: b(`severity must be one of ${HAZARD_SEVERITIES.join(', ')}`, '请选择隐患等级') }).default('general'),
  description: text('description', 500),
  foundOn: localDate.optional(),
});

/** `version`: the hazard version the person saw; a step on a hazard that has moved since is refused (409). */
const version = z.number().int().min(1).optional();
/** The body of each hazard step. */
export const hazardStepSchemas = {
  dispatch: z.strictObject({ assignee: text('assignee', 60), deadline: localDate, note: optionalNote, version }),
  rectify: z.strictObject({ note: text('note', 500), version }),
  verify: z.strictObject({ note: optionalNote, version }),
  reject: z.strictObject({ note: text('note', 500), deadline: localDate.nullish(), version }),
  close: z.strictObject({ note: optionalNote, version }),
} as const;

/** `GET /api/v1/hazards` filters. */
export const hazardQuerySchema = z.object({
  state: z.enum([...HAZARD_STATES, 'open', 'all']).default('open'),
  districtCode: z.enum(DISTRICT_CODES).optional(),
  schoolId: z.string().min(1).max(64).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** Filters every compliance answer takes. */
export const complianceFilterSchema = z.object({
  stage: z.enum(SCHOOL_STAGES).optional(),
  setting: z.enum(SCHOOL_SETTINGS).optional(),
  districtCode: z.enum(DISTRICT_CODES).optional(),
});

/** Keys of the rules, for zod enums. */
export const RULE_IDS = COMPLIANCE_RULES as unknown as [ComplianceRuleId, ...ComplianceRuleId[]];

/** A record and the school's own editable fields: what an edit changes and the history replays. */
export interface RecordState {
  record: SchoolSecurityRecord;
  school: SchoolEditable;
}

/** The record of a school nothing is known about yet: every requirement of the record unmet. */
export function blankRecord(schoolId: string): SchoolSecurityRecord {
  return {
    schoolId,
    guardsOnDuty: 0,
    equipment: Object.fromEntries(EQUIPMENT_ITEMS.map((item) => [item, 0])) as SchoolSecurityRecord['equipment'],
    gateCameraNightCapable: false,
    sosLinkedToPolice: false,
    videoLinkedToPolice: false,
    alarmLinkedToPolice: false,
    controlRoom: false,
    controlRoomStaffed: false,
    retentionDays: 0,
    closedCampus: false,
    antiRamBarriers: false,
    gatePoliceCamera: false,
    systemManager: false,
    systemEmergencyPlan: false,
    controlRoomQualified: false,
  };
}

type FieldValue = number | boolean;

/** Every field of a state by its history name: `retentionDays`, `equipment.helmet`, `guards`, … */
function flatten(state: RecordState): Map<string, FieldValue> {
  const fields = new Map<string, FieldValue>();
  for (const [key, value] of Object.entries(state.record)) {
    if (key === 'schoolId') continue;
    if (key === 'equipment') for (const [item, n] of Object.entries(value as Record<string, number>)) fields.set(`equipment.${item}`, n);
    else fields.set(key, value as FieldValue);
  }
  for (const [key, value] of Object.entries(state.school)) fields.set(key, value as FieldValue);
  return fields;
}

/** The fields that differ between two states, in a stable order. */
export function diffRecordState(before: RecordState, after: RecordState): RecordChange[] {
  const old = flatten(before);
  return [...flatten(after)].filter(([field, value]) => old.get(field) !== value).map(([field, to]) => ({ field, from: old.get(field) ?? null, to }));
}

/**
 * A state with the changes' `from` (undo) or `to` (redo) values set. Undoing, newest first, the
 * edits made after a date gives the record as it stood on that date.
 */
export function withChangeValues(state: RecordState, changes: readonly RecordChange[], side: 'from' | 'to'): RecordState {
  const record = { ...state.record, equipment: { ...state.record.equipment } };
  const school = { ...state.school };
  for (const change of changes) {
    const value = change[side];
    if (value === null) continue;
    if (change.field.startsWith('equipment.')) {
      const item = change.field.slice('equipment.'.length);
      if (item in record.equipment && typeof value === 'number') record.equipment[item as keyof typeof record.equipment] = value;
    } else if (change.field in school) {
      (school as Record<string, FieldValue>)[change.field] = value;
    } else if (change.field in record && change.field !== 'schoolId' && change.field !== 'equipment') {
      (record as unknown as Record<string, FieldValue>)[change.field] = value;
    }
  }
  return { record, school };
}
