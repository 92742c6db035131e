import type { ReportInput } from '../services/drill-report.js';
import type { ComplianceCall, ComplianceSync } from '../services/compliance-calls.js';
import type { ReportRequest } from '../services/report-gather.js';
import type { SemesterRule } from '../../shared/rules/compliance/types.js';

/** What every worker of the pool is started with: where the database is, and the terms. */
export interface HeavyWorkerData {
  databaseUrl: string | null;
  dataDir: string;
  semesters: SemesterRule[];
}

/** One task for the pool. */
export type HeavyTask =
  | { kind: 'compliance'; call: ComplianceCall; sync: ComplianceSync }
  | { kind: 'drill-pdf'; input: ReportInput }
  | { kind: 'report'; request: ReportRequest; sync: ComplianceSync };

/** The drill report PDF, or why it cannot be made (the shipped font is missing). */
export type DrillPdfAnswer = { ok: true; pdf: Uint8Array } | { ok: false; fontMissing: string };
