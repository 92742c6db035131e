import type { ReportInput } from '../services/drill-report.js';
import type { ComplianceCall, ComplianceSync } from '../services/compliance-calls.js';
import type { ReportRequest } from '../services/report-gather.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';
import type { AnalyticsWindow } from '../../shared/rules/alarm-analytics.js';
import type { AlarmQuery } from '../db/alarm.repository.js';

/** What every worker of the pool is started with: where the database is, and the terms. */
export interface HeavyWorkerData {
  databaseUrl: string | null;
  dataDir: string;
  semesters: SemesterRule[];
  /** THE 护学岗 rule's reach (XIAOAN_GUARD_POST_REACH_M). */
  guardPostReachM?: number;
}

/** One task for the pool. */
export type HeavyTask =
  | { kind: 'compliance'; call: ComplianceCall; sync: ComplianceSync }
  | { kind: 'drill-pdf'; input: ReportInput }
  /** The alarm analytics of a day range (issue 15): the alarms a listing with `query` holds, counted in `window`. */
  | { kind: 'alarm-analytics'; query: Omit<AlarmQuery, 'limit'>; window: AnalyticsWindow }
  | { kind: 'report'; request: ReportRequest; sync: ComplianceSync };

/** The drill report PDF, or why it cannot be made (the shipped font is missing). */
export type DrillPdfAnswer = { ok: true; pdf: Uint8Array } | { ok: false; fontMissing: string };
