import { workerData } from 'node:worker_threads';
import { alarmAnalytics, type AlarmAnalytics } from '../../shared/rules/alarm-analytics.js';
import { AlarmRepository } from '../db/alarm.repository.js';
import { openReadOnlyStore, type Store } from '../db/database.js';
import { PlanRepository } from '../db/plan.repository.js';
import { RecordRepository } from '../db/record.repository.js';
import { RegistryRepository } from '../db/registry.repository.js';
import { RoutineRepository } from '../db/routine.repository.js';
import { answerCall, type ComplianceOutcome, type ComplianceSync } from '../services/compliance-calls.js';
import { ComplianceService } from '../services/compliance.service.js';
import { drillReportPdf, ReportFontMissing } from '../services/drill-report.js';
import { RegistryService } from '../services/registry.service.js';
import { gatherReport } from '../services/report-gather.js';
import { makeReport, type ReportAnswer } from '../services/report-task.js';
import type { DrillPdfAnswer, HeavyTask, HeavyWorkerData } from './heavy-tasks.js';

/**
 * A worker of the heavy-read pool (issue 12), started by heavy-boot.mjs. It opens the database
 * read-only on its own connection, keeps its own registry and compliance service (so its
 * verdicts per as-of date stay evaluated between tasks), and before each task catches up with
 * the writes the main thread announced in the task's ComplianceSync.
 */
const data = workerData as HeavyWorkerData;

interface State {
  store: Store;
  registry: RegistryService;
  compliance: ComplianceService;
  generation: number;
  registryVersion: number;
}

/** The main thread's instant of the current task: the sources' time-to-live counts on it. */
let now = Date.now();
const clock = { now: () => now };
let state: Promise<State> | null = null;

function service(store: Store, registry: RegistryService): ComplianceService {
  return new ComplianceService({
    db: store.db,
    registry,
    records: new RecordRepository(store.db),
    routines: new RoutineRepository(store.db),
    plans: new PlanRepository(store.db),
    clock,
    semesters: data.semesters,
    ...(data.guardPostReachM !== undefined ? { guardPostReachM: data.guardPostReachM } : {}),
  });
}

async function open(sync: ComplianceSync): Promise<State> {
  const store = openReadOnlyStore({ databaseUrl: data.databaseUrl, dataDir: data.dataDir });
  const registry = new RegistryService(new RegistryRepository(store.db));
  await registry.load();
  return { store, registry, compliance: service(store, registry), generation: sync.generation, registryVersion: sync.registryVersion };
}

/** Brings the worker's service up to the main thread's writes: the changed schools read again, or everything when too far behind. */
async function catchUp(sync: ComplianceSync): Promise<ComplianceService> {
  // A failed open (the database not reachable yet) is tried again by the next task.
  state ??= open(sync).catch((error: unknown) => {
    state = null;
    throw error;
  });
  const current = await state;
  if (sync.registryVersion !== current.registryVersion) {
    await current.registry.load();
    current.compliance = service(current.store, current.registry);
  } else if (sync.generation > current.generation) {
    const missed = sync.changes.filter(([generation]) => generation > current.generation);
    if (missed.length === sync.generation - current.generation) {
      for (const [, schoolId] of missed) await current.compliance.schoolChanged(schoolId);
    } else {
      current.compliance = service(current.store, current.registry);
    }
  }
  current.generation = Math.max(current.generation, sync.generation);
  current.registryVersion = sync.registryVersion;
  const { version, bySchool } = sync.retention;
  current.compliance.setReportedRetention(version, new Map(bySchool.map(([id, minDays, cameras]) => [id, { minDays, cameras }])));
  return current.compliance;
}

async function drillPdf(task: Extract<HeavyTask, { kind: 'drill-pdf' }>): Promise<DrillPdfAnswer> {
  try {
    return { ok: true, pdf: await drillReportPdf(task.input) };
  } catch (error) {
    if (error instanceof ReportFontMissing) return { ok: false, fontMissing: error.message };
    throw error;
  }
}

/** The analytics' own read-only connection (no registry or compliance state needed), opened on first use. */
let analyticsStore: Store | null = null;

async function analytics(task: Extract<HeavyTask, { kind: 'alarm-analytics' }>): Promise<AlarmAnalytics> {
  analyticsStore ??= openReadOnlyStore({ databaseUrl: data.databaseUrl, dataDir: data.dataDir });
  const facts = await new AlarmRepository(analyticsStore.db).facts(task.query);
  return alarmAnalytics(facts, task.window);
}

/** Piscina's handler: one task at a time per worker. */
export async function runHeavyTask(task: HeavyTask): Promise<ComplianceOutcome | DrillPdfAnswer | AlarmAnalytics | ReportAnswer> {
  if (task.kind === 'drill-pdf') return drillPdf(task);
  if (task.kind === 'alarm-analytics') return analytics(task);
  now = task.sync.now;
  const compliance = await catchUp(task.sync);
  if (task.kind === 'report') {
    if (!state) throw new Error('the worker has no database open');
    const current = await state;
    return makeReport(await gatherReport({ db: current.store.db, registry: current.registry, compliance }, task.request));
  }
  return answerCall(compliance, task.call);
}
