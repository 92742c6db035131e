import { z } from 'zod';
import { localizedTextSchema } from './domain/text.js';
import { DISTRICT_CODES } from './domain/districts.js';
import { SCHOOL_SETTINGS, SCHOOL_STAGES } from './domain/entities.js';
import { EQUIPMENT_ITEMS } from './domain/security-record.js';
import type {
  ComplianceCell, ComplianceFilters, ComplianceMatrix, ComplianceRow, ComplianceSchoolsAnswer, ComplianceTrend, DrillView, InspectionView, RecordChange,
  RecordHistoryEntry, SchoolComplianceAnswer, SchoolCompliance, SchoolRecordView, SchoolSummary, SelfCheckView,
} from './compliance.js';
import { COMPLIANCE_RULES, type ComplianceResult, type ComplianceStatus } from './rules/compliance/types.js';

/**
 * The zod schemas of the compliance desk's answers (the interfaces in shared/compliance.ts are
 * their documentation; each `satisfies` keeps the two from drifting). The route table
 * (shared/api/compliance.ts) checks answers against them in development and tests.
 */

/** A rule's verdict (see `ComplianceStatus`). */
export const complianceStatusSchema = z.enum(['pass', 'fail', 'pending', 'not_due', 'not_applicable']) satisfies z.ZodType<ComplianceStatus>;

const ruleId = z.enum(COMPLIANCE_RULES);
const reason = localizedTextSchema;

/** One rule's verdict for one school. */
export const complianceResultSchema = z.object({ rule: ruleId, status: complianceStatusSchema, dueBy: z.string().nullable(), reason }) satisfies z.ZodType<ComplianceResult>;

/** The filters an answer was made for. */
export const complianceFiltersSchema = z.object({
  stage: z.enum(SCHOOL_STAGES).optional(),
  setting: z.enum(SCHOOL_SETTINGS).optional(),
  districtCode: z.enum(DISTRICT_CODES).optional(),
}) satisfies z.ZodType<ComplianceFilters>;

/** One requirement over a set of schools. */
export const complianceCellSchema = z.object({
  applicable: z.number(),
  pass: z.number(),
  fail: z.number(),
  pending: z.number(),
  notDue: z.number(),
  rate: z.number().nullable(),
}) satisfies z.ZodType<ComplianceCell>;

const cells = z.record(ruleId, complianceCellSchema);

/** A district's row of the matrix, or the city total. */
export const complianceRowSchema = z.object({
  districtCode: z.enum(DISTRICT_CODES).nullable(),
  name: z.string(),
  schools: z.number(),
  byStage: z.record(z.enum(SCHOOL_STAGES), z.number()),
  bySetting: z.record(z.enum(SCHOOL_SETTINGS), z.number()),
  cells,
}) satisfies z.ZodType<ComplianceRow>;

/** `GET /compliance/matrix`. */
export const complianceMatrixSchema = z.object({
  asOf: z.string(),
  filters: complianceFiltersSchema,
  rules: z.array(ruleId).readonly(),
  rows: z.array(complianceRowSchema),
  total: complianceRowSchema,
}) satisfies z.ZodType<ComplianceMatrix>;

/** A school as a compliance list names it. */
export const schoolSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  districtCode: z.enum(DISTRICT_CODES),
  stage: z.enum(SCHOOL_STAGES),
  setting: z.enum(SCHOOL_SETTINGS),
}) satisfies z.ZodType<SchoolSummary>;

/** One school's items. */
export const schoolComplianceSchema = z.object({ school: schoolSummarySchema, items: z.array(complianceResultSchema) }) satisfies z.ZodType<SchoolCompliance>;

/** `GET /compliance/schools`. */
export const complianceSchoolsAnswerSchema = z.object({
  asOf: z.string(),
  rule: ruleId.nullable(),
  status: z.union([complianceStatusSchema, z.literal('any')]),
  schools: z.array(schoolComplianceSchema),
}) satisfies z.ZodType<ComplianceSchoolsAnswer>;

/** `GET /schools/:id/compliance`. */
export const schoolComplianceAnswerSchema = schoolComplianceSchema.extend({
  asOf: z.string(),
  summary: z.record(complianceStatusSchema, z.number()),
}) satisfies z.ZodType<SchoolComplianceAnswer>;

/** `GET /compliance/trend`. */
export const complianceTrendSchema = z.object({
  from: z.string(),
  to: z.string(),
  step: z.enum(['month', 'week']),
  filters: complianceFiltersSchema,
  points: z.array(z.object({ asOf: z.string(), cells })),
}) satisfies z.ZodType<ComplianceTrend>;

/** `GET /schools/:id/record` (the stored record as it is: its limits were checked when it was written). */
export const schoolRecordViewSchema = z.object({
  schoolId: z.string(),
  record: z.object({
    schoolId: z.string(),
    guardsOnDuty: z.number(),
    equipment: z.record(z.enum(EQUIPMENT_ITEMS), z.number()),
    gateCameraNightCapable: z.boolean(),
    sosLinkedToPolice: z.boolean(),
    videoLinkedToPolice: z.boolean(),
    alarmLinkedToPolice: z.boolean(),
    controlRoom: z.boolean(),
    controlRoomStaffed: z.boolean(),
    retentionDays: z.number(),
    closedCampus: z.boolean(),
    antiRamBarriers: z.boolean(),
    gatePoliceCamera: z.boolean(),
    systemManager: z.boolean(),
    systemEmergencyPlan: z.boolean(),
    controlRoomQualified: z.boolean(),
  }),
  school: z.object({ students: z.number(), staff: z.number(), boarders: z.number(), guards: z.number(), boarding: z.boolean(), counterTerror: z.boolean() }),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
}) satisfies z.ZodType<SchoolRecordView>;

const fieldValue = z.union([z.number(), z.boolean()]).nullable();
/** One field an edit changed. */
export const recordChangeSchema = z.object({ field: z.string(), from: fieldValue, to: fieldValue }) satisfies z.ZodType<RecordChange>;

/** One edit of a school's record. */
export const recordHistoryEntrySchema = z.object({
  id: z.number(),
  schoolId: z.string(),
  at: z.string(),
  actor: z.string(),
  note: z.string().nullable(),
  changes: z.array(recordChangeSchema),
}) satisfies z.ZodType<RecordHistoryEntry>;

const recorded = { id: z.string(), schoolId: z.string(), date: z.string(), recordedBy: z.string(), recordedAt: z.string() };
/** A drill as the API answers it. */
export const drillViewSchema = z.object({ ...recorded, scenario: z.string() }) satisfies z.ZodType<DrillView>;
/** An inspection as the API answers it. */
export const inspectionViewSchema = z.object({
  ...recorded,
  by: z.enum(['city_education', 'county_education', 'city_police', 'county_police']),
  note: z.string().nullable(),
}) satisfies z.ZodType<InspectionView>;
/** A self-check as the API answers it. */
export const selfCheckViewSchema = z.object({ ...recorded, note: z.string().nullable() }) satisfies z.ZodType<SelfCheckView>;
