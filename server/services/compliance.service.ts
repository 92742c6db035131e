import type { Kysely } from 'kysely';
import type {
  ComplianceFilters, ComplianceMatrix, ComplianceSchoolsAnswer, ComplianceTrend, SchoolCompliance, SchoolComplianceAnswer, SchoolSummary,
} from '../../shared/compliance.js';
import type { School } from '../../shared/domain/index.js';
import {
  evaluateSchool, semesterOf, type ComplianceInput, type ComplianceResult, type ComplianceRuleId, type ComplianceStatus, type RetentionReport, type SemesterRule,
} from '../../shared/rules/compliance/index.js';
import { GUARD_POST_REACH_M } from '../../shared/rules/guard-post-setup.js';
import { shanghaiParts } from '../../shared/time.js';
import { ComplianceFigureRepository, scopeKey, type ComplianceFigure } from '../db/compliance-figures.js';
import { complianceFingerprint } from '../db/compliance-fingerprint.js';
import { FaultRepository } from '../db/fault.repository.js';
import type { PlanRepository } from '../db/plan.repository.js';
import type { RecordRepository } from '../db/record.repository.js';
import type { RoutineRepository } from '../db/routine.repository.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';
import { NO_DEVICES, readSources, stateAsOf, type Sources } from './compliance-sources.js';
import { answerCall, type ComplianceAnswer, type ComplianceCall, type ComplianceOffload, type ComplianceOutcome, type ComplianceSync } from './compliance-calls.js';
import { buildMatrix, filterSchools, trendDates, type Verdicts } from './compliance-matrix.js';
import { StoredFigures } from './compliance-stored-figures.js';
import type { RegistryService } from './registry.service.js';

/** Other nodes may write too: data older than this is read again. Local writes refresh their school at once. */
const SOURCES_TTL_MS = 30_000;
/** As-of evaluations kept (the desk flips between a few dates; a trend asks a dozen). */
const VERDICT_CACHE = 100;
/** Changed schools remembered for the workers; one further behind reads everything again. */
const CHANGES_KEPT = 1000;
/**
 * Part of every stored figure's fingerprint: bump it when the rules (shared/rules/compliance) or
 * the matrix's shape change, so that figures computed by the old code are never answered again.
 */
export const FIGURES_REVISION = 1;

/** Asia/Shanghai end of a local date, as an ISO instant (stored times are UTC). */
function endOfLocalDay(date: string): string {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
}
function startOfLocalDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

interface ComplianceServiceDeps {
  /** Where the fault tickets are read (through FaultRepository). */
  db: Kysely<Database>;
  registry: RegistryService;
  records: RecordRepository;
  routines: RoutineRepository;
  /** The emergency plans' versions (issue 14). */
  plans: PlanRepository;
  /** The stored figures (0019); by default on `db`. */
  figures?: ComplianceFigureRepository;
  clock: Clock;
  semesters: readonly SemesterRule[];
  /** The cameras' retention reports by school, with a version bumped on every change (CameraHealthService.retentionBySchool). */
  retention?: () => { version: number; bySchool: ReadonlyMap<string, RetentionReport> };
  /** THE 护学岗 rule's reach (XIAOAN_GUARD_POST_REACH_M; default GUARD_POST_REACH_M). */
  guardPostReachM?: number;
  /** The worker pool that answers `query` (issue 12); without one, `query` computes here. */
  offload?: ComplianceOffload | null;
}

/**
 * Every requirement of the plan for every school "as of" a date: feeds the pure rules engine
 * (shared/rules/compliance) with the registry, the records as they stood on that date (edits
 * after it undone), routines and late camera faults, and rolls the verdicts up by district.
 */
export class ComplianceService {
  private sources: Sources | null = null;
  private loading: Promise<Sources> | null = null;
  private readonly verdicts = new Map<string, Map<string, ComplianceResult[]>>();
  /** Bumped by every `schoolChanged`; the workers catch up with `changes` (see ComplianceSync). */
  private generation = 0;
  private readonly changes: [number, string][] = [];

  /** The cameras' retention reports by school (from the main thread's CameraHealthService, or a worker's sync). */
  private reported: ReadonlyMap<string, RetentionReport> = new Map();
  private reportedVersion = -1;

  /** Device fault tickets, read for the 24 h restore rule. */
  private readonly faults: FaultRepository;
  /** The materialised figures of closed dates (0019). */
  /** The materialised figures of closed dates (0019): computed here from exact sources, stored by the main thread. */
  private readonly figures: StoredFigures;

  /**
   * What this service did, for tests and logs (never for timing): whole reads of the sources,
   * as-of dates evaluated (one or more schools), matrices answered from stored figures, figures
   * stored, and stores that failed (the answer is given all the same).
   */
  readonly counters = { sourceReads: 0, evaluations: 0, storedAnswers: 0, figuresStored: 0, storeFailures: 0 };

  constructor(private readonly deps: ComplianceServiceDeps) {
    this.faults = new FaultRepository(deps.db);
    this.figures = new StoredFigures({
      store: deps.figures ?? new ComplianceFigureRepository(deps.db),
      fingerprint: () => this.fingerprint(),
      today: () => this.today(),
      now: () => this.deps.clock.now(),
      counters: this.counters,
    });
  }

  /**
   * The cameras' latest retention reports (附件3 二(三)): a new version forgets today's and later
   * verdicts, which are the ones judged from them.
   */
  setReportedRetention(version: number, bySchool: ReadonlyMap<string, RetentionReport>): void {
    if (version === this.reportedVersion) return;
    this.reportedVersion = version;
    this.reported = bySchool;
    const today = this.today();
    for (const asOf of [...this.verdicts.keys()]) if (asOf >= today) this.verdicts.delete(asOf);
  }

  /** THE 护学岗 rule's reach, metres (docs/figures.md). */
  get guardPostReachM(): number {
    return this.deps.guardPostReachM ?? GUARD_POST_REACH_M;
  }

  /** The configured terms. */
  get semesters(): readonly SemesterRule[] {
    return this.deps.semesters;
  }

  /** Today's local date in Asia/Shanghai, the default "as of". */
  today(): string {
    return shanghaiParts(this.deps.clock.now()).date;
  }

  /**
   * After a write about one school (record, routine): reads that school's data again and forgets
   * only its verdicts, so the other ~1,800 schools' stay evaluated.
   */
  async schoolChanged(schoolId: string): Promise<void> {
    this.changes.push([++this.generation, schoolId]);
    if (this.changes.length > CHANGES_KEPT) this.changes.splice(0, this.changes.length - CHANGES_KEPT);
    const sources = this.sources;
    if (!sources) return;
    const { db, records, routines } = this.deps;
    const [stored, history, drills, inspections, selfChecks, plans] = await Promise.all([
      records.get(db, schoolId),
      records.history(schoolId, Number.MAX_SAFE_INTEGER),
      routines.drills(schoolId),
      routines.inspections(schoolId),
      routines.selfChecks(schoolId),
      this.deps.plans.planSaves(schoolId),
    ]);
    if (this.sources !== sources) return; // read again meanwhile: already up to date
    sources.exact = false; // one school newer than the fingerprint says: nothing from them is stored
    if (stored) sources.records.set(schoolId, stored.record);
    else sources.records.delete(schoolId);
    // Like `read()`'s grouping: a school without edits has no entry (never an empty list).
    if (history.length > 0) sources.history.set(schoolId, history.reverse());
    else sources.history.delete(schoolId);
    sources.drills.set(schoolId, drills);
    sources.inspections.set(schoolId, inspections);
    sources.selfChecks.set(schoolId, selfChecks);
    sources.plans.set(schoolId, plans.get(schoolId) ?? []);
    for (const verdicts of this.verdicts.values()) verdicts.delete(schoolId);
  }

  /**
   * An expensive query (matrix, drill-down, one school, trend, 附件4 file), answered by the worker
   * pool when there is one — the evaluation of ~1,800 schools per date never runs on the event
   * loop that carries alarms — or here otherwise. JSON answers come as text.
   */
  async query(call: ComplianceCall): Promise<ComplianceAnswer> {
    const offload = this.deps.offload;
    const reports = this.deps.retention?.();
    if (reports && !offload) this.setReportedRetention(reports.version, reports.bySchool);
    let outcome: ComplianceOutcome;
    if (offload) {
      // A closed date's matrix (or a trend of closed dates) whose figures are stored and current:
      // answered here in milliseconds, no worker and no sources (0019).
      const stored = await this.figures.answer(call);
      if (stored !== null) return stored;
      outcome = await offload.compliance(call, this.sync());
    } else {
      outcome = await answerCall(this, call);
    }
    await this.figures.keep(outcome.figures);
    return outcome.answer;
  }

  /** The figures computed since the last call, for the main thread to store (a worker cannot: its connection is read-only). */
  takeFigures(): ComplianceFigure[] {
    return this.figures.take();
  }

  /** Every school's verdicts as of `asOf` rolled up, kept as a figure when the date is closed and the sources exact. */
  private async computedMatrix(asOf: string, filters: ComplianceFilters, pinned?: Sources): Promise<ComplianceMatrix> {
    const sources = pinned ?? (await this.load());
    const verdicts = await this.verdictsAsOf(asOf, sources);
    const schools = this.deps.registry.schools();
    const matrix = buildMatrix(schools, verdicts, asOf, filters);
    if (asOf < this.today() && sources.exact && verdicts.size === schools.length) {
      this.figures.note({ asOf, scope: scopeKey(filters), fingerprint: sources.fingerprint, matrix: JSON.stringify(matrix) });
    }
    return matrix;
  }

  /** Whether the expensive reads go to the worker pool (not computed on this event loop). */
  get offloaded(): boolean {
    return this.deps.offload !== null && this.deps.offload !== undefined;
  }

  /** Starts the worker pool (if any) with today's matrix evaluated in each worker; the launcher calls it after starting. */
  async warm(): Promise<void> {
    await this.deps.offload?.warm({ method: 'matrix', asOf: this.today(), filters: {} }, this.sync());
  }

  /** What a worker needs to catch up with this process's writes. */
  sync(): ComplianceSync {
    const reports = this.deps.retention?.();
    const retention = reports
      ? { version: reports.version, bySchool: [...reports.bySchool].map(([id, r]): [string, number, number] => [id, r.minDays, r.cameras]) }
      : { version: 0, bySchool: [] };
    return { now: this.deps.clock.now(), generation: this.generation, changes: [...this.changes], registryVersion: this.deps.registry.version, retention };
  }

  async matrix(asOf: string, filters: ComplianceFilters): Promise<ComplianceMatrix> {
    const stored = (await this.figures.matrices([asOf], filters)).get(asOf);
    return stored ? { ...stored, filters } : this.computedMatrix(asOf, filters);
  }

  /** The drill-down: schools with an item in `status` (of `rule`, or of any rule), each item with its reason. */
  async schools(asOf: string, filters: ComplianceFilters, rule: ComplianceRuleId | null, status: ComplianceStatus | 'any'): Promise<ComplianceSchoolsAnswer> {
    const verdicts = await this.verdictsAsOf(asOf);
    const schools: SchoolCompliance[] = [];
    for (const school of filterSchools(this.deps.registry.schools(), filters)) {
      const items = (verdicts.get(school.id) ?? []).filter(
        (r) => (rule === null || r.rule === rule) && (status === 'any' ? r.status !== 'not_applicable' : r.status === status),
      );
      if (items.length > 0) schools.push({ school: summary(school), items });
    }
    return { asOf, rule, status, schools };
  }

  async school(id: string, asOf: string): Promise<SchoolComplianceAnswer | null> {
    const school = this.deps.registry.school(id);
    if (!school) return null;
    const items = (await this.verdictsAsOf(asOf)).get(id) ?? [];
    const counts: Record<ComplianceStatus, number> = { pass: 0, fail: 0, pending: 0, not_due: 0, not_applicable: 0 };
    for (const item of items) counts[item.status]++;
    return { asOf, school: summary(school), items: [...items], summary: counts };
  }

  async trend(from: string, to: string, step: 'month' | 'week', filters: ComplianceFilters): Promise<ComplianceTrend> {
    const points: ComplianceTrend['points'] = [];
    const dates = trendDates(from, to, step);
    // Closed months whose figures are stored and current need no sources and no evaluation (0019).
    const stored = await this.figures.matrices(dates, filters);
    // One read of the sources for the rest of the trend: at province scale one date's evaluation can
    // outlast SOURCES_TTL_MS, and reading everything again at each point (forgetting the verdicts
    // already made) took a 12-month trend from minutes to a quarter of an hour (docs/benchmarks.md).
    let sources: Sources | undefined;
    for (const asOf of dates) {
      const figure = stored.get(asOf);
      if (figure) {
        points.push({ asOf, cells: figure.total.cells });
        continue;
      }
      sources ??= await this.load();
      points.push({ asOf, cells: (await this.computedMatrix(asOf, filters, sources)).total.cells });
    }
    return { from, to, step, filters, points };
  }

  /**
   * Every school's verdicts as of a date, evaluated once per date and school, and kept. `pinned`:
   * the sources a multi-date call read once (trend); otherwise they are read again when stale.
   */
  private async verdictsAsOf(asOf: string, pinned?: Sources): Promise<Verdicts> {
    const sources = pinned ?? (await this.load());
    const schools = this.deps.registry.schools();
    // Pinned sources that another call has meanwhile replaced: evaluated for this call only, never kept beside the newer ones.
    const kept = sources === this.sources ? this.verdicts : new Map<string, Map<string, ComplianceResult[]>>();
    let verdicts = kept.get(asOf);
    if (verdicts && verdicts.size === schools.length) return verdicts;
    if (!verdicts) {
      if (kept.size >= VERDICT_CACHE) kept.delete(kept.keys().next().value!);
      kept.set(asOf, (verdicts = new Map()));
    }
    const end = endOfLocalDay(asOf);
    const term = semesterOf(asOf, this.deps.semesters);
    const termStartIso = startOfLocalDay(term.start);
    const month = Number(asOf.slice(5, 7));
    const previousMonthStart = month === 1 ? `${Number(asOf.slice(0, 4)) - 1}-12-01` : `${asOf.slice(0, 4)}-${String(month - 1).padStart(2, '0')}-01`;
    // Only what the rules will look at (the term so far; last month and this one): the same
    // verdicts, far less to sift through for each of ~1,800 schools.
    const inTerm = <T extends { date: string }>(items: readonly T[] | undefined) => (items ? items.filter((i) => i.date >= term.start && i.date <= asOf) : []);
    const options = { asOf, semesters: this.deps.semesters, guardPostReachM: this.guardPostReachM };
    const today = this.today();
    const retention = this.reported;
    if (verdicts.size < schools.length) this.counters.evaluations++;
    for (const current of schools) {
      if (verdicts.has(current.id)) continue;
      const state = stateAsOf(current, sources, end);
      const faults = sources.lateFaults.get(current.id);
      const input: ComplianceInput = {
        school: state.school === undefined ? current : { ...current, ...state.school },
        record: state.record,
        devices: sources.devices.get(current.id) ?? NO_DEVICES,
        guardPost: sources.guardPosts.get(current.id) ?? null,
        // The cameras' reports are of now: a past as-of date is judged from the record as it stood.
        reportedRetention: asOf >= today ? (retention.get(current.id) ?? null) : null,
        faults: faults ? faults.filter((f) => f.openedAt >= termStartIso) : [],
        drills: inTerm(sources.drills.get(current.id)),
        inspections: inTerm(sources.inspections.get(current.id)),
        selfChecks: sources.selfChecks.get(current.id)?.filter((c) => c.date >= previousMonthStart && c.date <= asOf) ?? [],
        plans: sources.plans.get(current.id) ?? [],
      };
      verdicts.set(current.id, evaluateSchool(input, options));
    }
    return verdicts;
  }

  /**
   * What the verdicts come from, the same in every process and after a restart (it labels stored
   * figures): the rules' revision, the configured terms and 护学岗 reach, the registry's sizes (it
   * changes only by an import or an added device; a school's own fields change with a record
   * edit, which record_history counts) and the tables' summary (complianceFingerprint).
   */
  private async fingerprint(): Promise<string> {
    const { registry } = this.deps;
    const config = JSON.stringify([FIGURES_REVISION, this.deps.semesters, this.guardPostReachM]);
    const sizes = `${registry.schools().length}/${registry.devices().length}/${registry.guardPosts().length}`;
    return `${config}|${sizes}|${await complianceFingerprint(this.deps.db)}`;
  }

  private async load(): Promise<Sources> {
    const current = this.sources;
    if (current && this.deps.clock.now() - current.loadedAt < SOURCES_TTL_MS) return current;
    // Stale by the clock: kept (with every verdict made from them) when nothing they came from has
    // changed since — at province scale a read and evaluation cost half a minute (docs/postgres-scale.md).
    if (current && !this.loading) {
      const checkedAt = this.deps.clock.now();
      if ((await this.fingerprint()) === current.fingerprint && this.deps.registry.version === current.registryVersion && this.sources === current) {
        current.loadedAt = checkedAt;
        return current;
      }
    }
    this.loading ??= this.read().finally(() => {
      this.loading = null;
    });
    const sources = await this.loading;
    if (this.sources !== sources) {
      this.verdicts.clear();
      this.sources = sources;
    }
    return sources;
  }

  private async read(): Promise<Sources> {
    this.counters.sourceReads++;
    const { registry, records, routines, plans, clock } = this.deps;
    return readSources({ registry, records, routines, plans, clock, faults: this.faults, guardPostReachM: this.guardPostReachM, fingerprint: () => this.fingerprint() });
  }
}

function summary(school: School): SchoolSummary {
  return { id: school.id, name: school.name, districtCode: school.districtCode, stage: school.stage, setting: school.setting };
}
