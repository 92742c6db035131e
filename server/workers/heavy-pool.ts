import { Piscina } from 'piscina';
import type { ComplianceCall, ComplianceOffload, ComplianceOutcome, ComplianceSync } from '../services/compliance-calls.js';
import type { ReportInput } from '../services/drill-report.js';
import type { AlarmQuery } from '../db/alarm.repository.js';
import type { AlarmAnalytics, AnalyticsWindow } from '../../shared/rules/alarm-analytics.js';
import type { ReportRequest } from '../services/report-gather.js';
import type { ReportAnswer } from '../services/report-task.js';
import type { DrillPdfAnswer, HeavyTask, HeavyWorkerData } from './heavy-tasks.js';

/** The pool is full: this many tasks wait already. Answered 503 with Retry-After. */
export class HeavyPoolBusy extends Error {
  constructor(readonly queued: number) {
    super(`the heavy-read queue is full (${queued} waiting)`);
    this.name = 'HeavyPoolBusy';
  }
}

/** The pool's settings (XIAOAN_WORKERS, XIAOAN_WORKER_QUEUE) and what its workers open. */
export interface HeavyPoolOptions extends HeavyWorkerData {
  threads: number;
  maxQueue: number;
}

/** A worker kept after its last task, with its evaluated verdicts, this long. */
const IDLE_MS = 15 * 60_000;

type HeavyAnswer = ComplianceOutcome | DrillPdfAnswer | AlarmAnalytics | ReportAnswer;

/**
 * The heavy-read worker pool (issue 12, piscina): compliance matrices, drill-downs and trends over
 * history, the 附件4 xlsx/CSV and the drill PDF run on worker threads, never on the event loop
 * that carries alarms. Workers start on first use and stay while used. The same read asked again
 * while it is being computed (ten screens opening the desk at once) is computed once. At most
 * `maxQueue` tasks wait; beyond that a read is refused (HeavyPoolBusy) rather than queued without end.
 *
 * The compliance desk's tasks (and the periodic reports, which read the desk's verdicts) all go
 * to ONE worker (`desk`, one thread, one task at a time): each worker that answers them holds the
 * sources of every school in memory — about 2 GiB at province scale, read in tens of seconds — so
 * several would each read and hold them (issue 17 item 5). The other tasks (drill PDF, alarm
 * analytics) keep the `threads` workers of `pool`.
 */
export class HeavyPool implements ComplianceOffload {
  private readonly pool: Piscina<HeavyTask, HeavyAnswer>;
  private readonly desk: Piscina<HeavyTask, HeavyAnswer>;
  private readonly inFlight = new Map<string, Promise<ComplianceOutcome>>();
  private running = 0;
  private computed = 0;

  constructor(private readonly options: HeavyPoolOptions) {
    const workerData: HeavyWorkerData = { databaseUrl: options.databaseUrl, dataDir: options.dataDir, semesters: options.semesters, ...(options.guardPostReachM !== undefined ? { guardPostReachM: options.guardPostReachM } : {}) };
    const settings = {
      filename: new URL('./heavy-boot.mjs', import.meta.url).href,
      // Not the parent's flags (vitest's or tsx's own): the boot file registers tsx itself.
      execArgv: [],
      minThreads: 0,
      idleTimeout: IDLE_MS,
      workerData,
    };
    this.pool = new Piscina({ ...settings, maxThreads: options.threads });
    this.desk = new Piscina({ ...settings, maxThreads: 1 });
  }

  /** Tasks sent and not answered yet (running or waiting), tasks waiting for a worker, workers started, tasks answered. */
  get figures(): { pending: number; queued: number; threads: number; completed: number } {
    return {
      pending: this.running,
      queued: this.pool.queueSize + this.desk.queueSize,
      threads: this.pool.threads.length + this.desk.threads.length,
      completed: this.computed,
    };
  }

  compliance(call: ComplianceCall, sync: ComplianceSync): Promise<ComplianceOutcome> {
    const key = `${sync.registryVersion}/${sync.generation}/${JSON.stringify(call)}`;
    let answer = this.inFlight.get(key);
    if (!answer) {
      answer = this.run({ kind: 'compliance', call, sync }) as Promise<ComplianceOutcome>;
      this.inFlight.set(key, answer);
      const forget = () => this.inFlight.delete(key);
      answer.then(forget, forget);
    }
    return answer;
  }

  /** Starts the desk's worker with `call` answered (its sources read), after the server listens. */
  async warm(call: ComplianceCall, sync: ComplianceSync): Promise<void> {
    await this.desk.run({ kind: 'compliance', call, sync });
  }

  drillPdf(input: ReportInput): Promise<DrillPdfAnswer> {
    return this.run({ kind: 'drill-pdf', input }) as Promise<DrillPdfAnswer>;
  }

  /** The alarm analytics of a range (issue 15), read and counted on a worker's own connection. */
  alarmAnalytics(query: Omit<AlarmQuery, 'limit'>, window: AnalyticsWindow): Promise<AlarmAnalytics> {
    return this.run({ kind: 'alarm-analytics', query, window }) as Promise<AlarmAnalytics>;
  }

  /** A periodic report: read, computed and rendered in a worker (issue 15 item 3). */
  report(request: ReportRequest, sync: ComplianceSync): Promise<ReportAnswer> {
    return this.run({ kind: 'report', request, sync }) as Promise<ReportAnswer>;
  }

  private run(task: HeavyTask): Promise<HeavyAnswer> {
    const pool = task.kind === 'compliance' || task.kind === 'report' ? this.desk : this.pool;
    if (pool.queueSize >= this.options.maxQueue) return Promise.reject(new HeavyPoolBusy(pool.queueSize));
    this.running++;
    return pool.run(task).finally(() => {
      this.running--;
      this.computed++;
    });
  }

  /** Ends the workers (before the database closes). */
  async close(): Promise<void> {
    await Promise.all([this.pool.destroy(), this.desk.destroy()]);
  }
}
