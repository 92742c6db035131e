import type { ComplianceFilters } from '../../shared/compliance.js';
import type { ComplianceFigure } from '../db/compliance-figures.js';
import type { ComplianceRuleId, ComplianceStatus } from '../../shared/rules/compliance/index.js';
import type { ComplianceService } from './compliance.service.js';
import { statisticsCsv, statisticsTable, statisticsWorkbook } from './compliance-export.js';

/**
 * The desk's expensive reads (issue 12): each evaluates every school as of one or more dates.
 * They are answered in the worker pool (server/workers) when there is one, so the event loop that
 * carries alarms never runs them; `answerCall` is the one computation both places run.
 */
export type ComplianceCall =
  | { method: 'matrix'; asOf: string; filters: ComplianceFilters }
  | { method: 'schools'; asOf: string; filters: ComplianceFilters; rule: ComplianceRuleId | null; status: ComplianceStatus | 'any' }
  | { method: 'school'; id: string; asOf: string }
  | { method: 'trend'; from: string; to: string; step: 'month' | 'week'; filters: ComplianceFilters }
  | { method: 'xlsx' | 'csv'; asOf: string; filters: ComplianceFilters };

/** A JSON answer as text (made where it was computed: the main thread only sends it), a file's bytes, or null (no such school). */
export type ComplianceAnswer = string | Uint8Array | null;

/** A call's answer and the figures of closed dates computed for it, which the main thread stores (0019). */
export interface ComplianceOutcome {
  answer: ComplianceAnswer;
  figures: ComplianceFigure[];
}

/**
 * What a worker needs to know of the writes made since its last task: a counter bumped at each
 * `schoolChanged`, the recent changes with their counter, the registry's load count, and the
 * main thread's clock (tests pin it; the sources' time-to-live counts on it).
 */
export interface ComplianceSync {
  now: number;
  generation: number;
  /** [generation, schoolId], oldest first, at most CHANGES_KEPT of them. */
  changes: [number, string][];
  registryVersion: number;
  /** The cameras' retention reports (附件3 二(三)): [schoolId, shortest days, cameras reporting], with their version. */
  retention: { version: number; bySchool: [string, number, number][] };
}

/** Where a ComplianceService sends its expensive reads instead of computing them itself. */
export interface ComplianceOffload {
  compliance(call: ComplianceCall, sync: ComplianceSync): Promise<ComplianceOutcome>;
  /** Starts every worker and has each answer `call` (reading its sources), so the first person to open the desk does not wait for it. */
  warm(call: ComplianceCall, sync: ComplianceSync): Promise<void>;
}

/** Computes a call with an in-process service: its answer, and the figures it computed (taken from the service). */
export async function answerCall(service: ComplianceService, call: ComplianceCall): Promise<ComplianceOutcome> {
  const answer = await answerOf(service, call);
  return { answer, figures: service.takeFigures() };
}

async function answerOf(service: ComplianceService, call: ComplianceCall): Promise<ComplianceAnswer> {
  switch (call.method) {
    case 'matrix':
      return JSON.stringify(await service.matrix(call.asOf, call.filters));
    case 'schools':
      return JSON.stringify(await service.schools(call.asOf, call.filters, call.rule, call.status));
    case 'school': {
      const answer = await service.school(call.id, call.asOf);
      return answer ? JSON.stringify(answer) : null;
    }
    case 'trend':
      return JSON.stringify(await service.trend(call.from, call.to, call.step, call.filters));
    case 'xlsx':
    case 'csv': {
      const table = statisticsTable(await service.matrix(call.asOf, call.filters));
      return call.method === 'xlsx' ? new Uint8Array(await statisticsWorkbook(table)) : statisticsCsv(table);
    }
  }
}
