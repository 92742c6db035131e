import { z } from 'zod';
import {
  complianceFilterSchema, drillInputSchema, inspectionInputSchema, localDate, recordEditSchema, RULE_IDS, selfCheckInputSchema,
} from '../compliance.js';
import {
  complianceMatrixSchema, complianceSchoolsAnswerSchema, complianceStatusSchema, complianceTrendSchema, drillViewSchema, inspectionViewSchema,
  recordHistoryEntrySchema, schoolComplianceAnswerSchema, schoolRecordViewSchema, selfCheckViewSchema,
} from '../compliance-schema.js';
import { route } from './route.js';

/** The compliance answers' query: the filters and the date they are "as of" (today in Asia/Shanghai when absent). */
export const asOfQuery = complianceFilterSchema.extend({ asOf: localDate.optional() });
/** `GET /compliance/schools`: the drill-down of one requirement (or any) in one status (`fail` unless said). */
export const schoolsQuery = asOfQuery.extend({
  rule: z.enum(RULE_IDS).optional(),
  status: z.enum([...complianceStatusSchema.options, 'any']).default('fail'),
});
/** `GET /compliance/trend`: from (12 months before `to` when absent) to (today when absent), by month or week. */
export const trendQuery = complianceFilterSchema.extend({ from: localDate.optional(), to: localDate.optional(), step: z.enum(['month', 'week']).default('month') });
/** `GET /schools/:id/record/history`: the newest `limit` edits. */
export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
/** `GET /schools/:id/compliance`. */
export const schoolAsOfQuery = z.object({ asOf: localDate.optional() });

/** The parsed queries, as the services take them. */
export type AsOfQuery = z.output<typeof asOfQuery>;
export type SchoolsQuery = z.output<typeof schoolsQuery>;
export type TrendQuery = z.output<typeof trendQuery>;

/**
 * The education-bureau desk (compliance as of a date, the 附件4 statistics table, one school's
 * items, record with history, and its drills, inspections and self-checks). The aggregates are
 * refused to a school user (it reads its own school's page); everything else is checked against
 * the person's district or school by the services.
 */
export const COMPLIANCE_ROUTES = {
  'compliance.matrix': route({ method: 'GET', path: '/compliance/matrix', allow: 'read', query: asOfQuery, answer: complianceMatrixSchema, heavy: true, summary: 'district × requirement as of a date' }),
  'compliance.schools': route({ method: 'GET', path: '/compliance/schools', allow: 'read', query: schoolsQuery, answer: complianceSchoolsAnswerSchema, heavy: true, summary: 'the schools with an item in a status, each with its reason' }),
  'compliance.trend': route({ method: 'GET', path: '/compliance/trend', allow: 'read', query: trendQuery, answer: complianceTrendSchema, heavy: true, summary: 'the cells at each month or week' }),
  'compliance.exportXlsx': route({ method: 'GET', path: '/compliance/export.xlsx', allow: 'export', query: asOfQuery, answer: 'file', heavy: true, summary: 'the statistics table (附件4) as .xlsx' }),
  'compliance.exportCsv': route({ method: 'GET', path: '/compliance/export.csv', allow: 'export', query: asOfQuery, answer: 'file', heavy: true, summary: 'the statistics table (附件4) as CSV' }),
  'compliance.school': route({ method: 'GET', path: '/schools/:id/compliance', allow: 'read', query: schoolAsOfQuery, answer: schoolComplianceAnswerSchema, heavy: true, summary: 'one school’s items as of a date' }),
  'records.get': route({ method: 'GET', path: '/schools/:id/record', allow: 'read', answer: schoolRecordViewSchema, summary: 'the school’s security record (安防档案)' }),
  'records.edit': route({ method: 'PUT', path: '/schools/:id/record', allow: 'records.write', body: recordEditSchema, answer: schoolRecordViewSchema, summary: 'edit the record and the school’s own fields' }),
  'records.history': route({
    method: 'GET', path: '/schools/:id/record/history', allow: 'read', query: historyQuery,
    answer: z.object({ schoolId: z.string(), history: z.array(recordHistoryEntrySchema) }), summary: 'the record’s edits, newest first',
  }),
  'routines.drills': route({ method: 'GET', path: '/schools/:id/drills', allow: 'read', answer: z.object({ schoolId: z.string(), drills: z.array(drillViewSchema) }), summary: 'the school’s recorded drills' }),
  'routines.addDrill': route({ method: 'POST', path: '/schools/:id/drills', allow: 'records.write', body: drillInputSchema, answer: drillViewSchema, status: 201, summary: 'record a drill held' }),
  'routines.inspections': route({
    method: 'GET', path: '/schools/:id/inspections', allow: 'read', answer: z.object({ schoolId: z.string(), inspections: z.array(inspectionViewSchema) }), summary: 'the school’s inspections',
  }),
  'routines.addInspection': route({ method: 'POST', path: '/schools/:id/inspections', allow: 'records.write', body: inspectionInputSchema, answer: inspectionViewSchema, status: 201, summary: 'record an inspection' }),
  'routines.selfChecks': route({
    method: 'GET', path: '/schools/:id/self-checks', allow: 'read', answer: z.object({ schoolId: z.string(), selfChecks: z.array(selfCheckViewSchema) }), summary: 'the school’s monthly self-checks',
  }),
  'routines.addSelfCheck': route({ method: 'POST', path: '/schools/:id/self-checks', allow: 'records.write', body: selfCheckInputSchema, answer: selfCheckViewSchema, status: 201, summary: 'record a monthly self-check' }),
} as const;
