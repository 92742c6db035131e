import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { SessionUser } from '../../shared/auth.js';
import {
  riskLevelRank, type RiskHeat, type RiskLevel, type RiskLevelChange, type RiskList, type RiskListRow, type RiskSchool, type RiskSort, type SchoolRisk,
  type riskHeatQuery, type riskListQuery,
} from '../../shared/risk.js';
import { changedContributions, sameRisk, scoreSchool, type RiskModel } from '../../shared/rules/risk.js';
import { shanghaiParts, DAY_MS } from '../../shared/time.js';
import type { z } from 'zod';
import type { AuditService } from '../auth/audit.service.js';
import type { Clock } from '../clock.js';
import type { RiskHistoryRow, RiskRepository } from '../db/risk.repository.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Logger } from '../logger.js';
import type { DomainEvents } from './domain-events.js';
import type { Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { heatGrid } from './risk-heat.js';
import type { RiskInputStore, RiskMoment } from './risk-inputs.js';
import { noSchool, refusedSchool } from './school-access.js';
import { outside, scopeCovers, scopeFor } from './scope.js';

/** The risk list's query as a handler reads it. */
export type RiskListQuery = z.output<typeof riskListQuery>;
/** The heat grid's query. */
export type RiskHeatQuery = z.output<typeof riskHeatQuery>;

/**
 * The longest a slice of scoring may hold the event loop, ms: the loop is yielded when a slice has
 * run this long (checked every RISK_CHECK_EVERY schools; docs/benchmarks.md "Risk recomputation").
 */
export const RISK_SLICE_MS = 4;
const RISK_CHECK_EVERY = 16;
/** How often (on the service's clock) the slow sources are refreshed and every school recomputed. */
export const RISK_REFRESH_MS = 60_000;
/** History rows and level changes stored and announced per turn of the loop. */
const STORE_CHUNK = 100;
/** How soon after an alarm or camera change its school is scored again. */
const DIRTY_DELAY_MS = 200;

/** What a school's level history holds besides the current risk. */
interface LevelState {
  level: RiskLevel;
  previousLevel: RiskLevel | null;
  levelSince: string | null;
  /** The newest stored history row's local date and score (a daily row is written when the day moved and the score differs). */
  storedDate: string | null;
  storedScore: number | null;
}

/** A change of level found by a computation, with the risk before (for the audit's changed inputs). */
interface LevelChangeNote {
  change: RiskLevelChange;
  before: SchoolRisk | undefined;
  risk: SchoolRisk;
}

/** One computation's figures (the bench and the logs). */
export interface RiskRunStats {
  schools: number;
  ms: number;
  /** The longest slice on the event loop, ms. */
  maxSliceMs: number;
  changes: number;
}

export interface RiskServiceDeps {
  registry: RegistryService;
  clock: Clock;
  events: DomainEvents;
  inputs: RiskInputStore;
  repository: RiskRepository;
  /** The history rows and the audit entries of their level changes commit in one transaction of it. */
  store: Pick<Store, 'db'>;
  writes: WriteQueue;
  audit: AuditService;
  log: Logger;
  model: RiskModel;
}

/**
 * The school risk list (风险清单, issue 15): every school's score (shared/rules/risk.ts) kept in
 * memory, recomputed in slices of at most RISK_SLICE_MS with the event loop yielded between them —
 * the schools whose alarms or cameras changed within DIRTY_DELAY_MS, every school each
 * RISK_REFRESH_MS. A change of level is an event (`risk.level` → socket `risk:level`), an audit
 * entry listing the model's inputs that changed, and a row of the risk history (0016).
 */
export class RiskService {
  private readonly current = new Map<string, SchoolRisk>();
  private readonly levels = new Map<string, LevelState>();
  private readonly dirty = new Set<string>();
  private loaded: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private lastFull = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private computedAt = new Date(0).toISOString();
  private version = 0;
  private heatCache = new Map<string, { version: number; heat: RiskHeat }>();
  /** The last computation's figures. */
  lastRun: RiskRunStats | null = null;
  private computedOnce = false;

  constructor(private readonly deps: RiskServiceDeps) {
    deps.events.on('alarm.changed', (changes) => this.markDirty(deps.inputs.onAlarms(changes)));
    deps.events.on('camera.changed', (changes) => this.markDirty(deps.inputs.onCameras(changes)));
    deps.inputs.onLateUpdate = (schools) => this.markDirty(schools);
  }

  private markDirty(schools: Set<string>): void {
    if (this.stopped || schools.size === 0) return;
    for (const id of schools) this.dirty.add(id);
    if (this.timer || !this.loaded) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().catch((error: unknown) => this.deps.log.error({ err: error }, 'risk recomputation failed'));
    }, DIRTY_DELAY_MS);
    this.timer.unref();
  }

  /** Stops the follow-up timer (the server is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * The periodic step (services.tick, every few seconds; tests call it with a pinned clock): the
   * first time, loads the inputs and scores every school; then every school each RISK_REFRESH_MS
   * of the clock (and when the day changes), otherwise the schools marked dirty.
   */
  async tick(): Promise<RiskRunStats | null> {
    if (this.stopped) return null;
    this.loaded ??= this.load();
    await this.loaded;
    while (this.running) await this.running;
    const now = this.deps.clock.now();
    const full = now - this.lastFull >= RISK_REFRESH_MS || shanghaiParts(now).date !== shanghaiParts(this.lastFull === Number.NEGATIVE_INFINITY ? now : this.lastFull).date;
    if (!full && this.dirty.size === 0) return null;
    const run = (async () => {
      if (full) {
        this.lastFull = now;
        this.dirty.clear();
        await this.deps.inputs.refresh(now);
        const first = !this.computedOnce;
        this.computedOnce = true;
        return this.recompute(this.deps.registry.schools().map((s) => s.id), now, first);
      }
      const ids = [...this.dirty];
      this.dirty.clear();
      return this.recompute(ids, now, false);
    })();
    this.running = run.then(() => undefined, () => undefined).finally(() => {
      this.running = null;
    });
    return run;
  }

  /**
   * Refreshes the slow sources and scores every school now, whatever the clock says (the bench; an
   * operator's "recompute" if one is ever wanted); resolves with the run's figures.
   */
  async recomputeAll(): Promise<RiskRunStats> {
    for (;;) {
      this.lastFull = Number.NEGATIVE_INFINITY;
      const run = await this.tick();
      if (run) return run;
    }
  }

  private async load(): Promise<void> {
    const started = Date.now();
    const now = this.deps.clock.now();
    await this.deps.inputs.load(now);
    for (const [schoolId, row] of await this.deps.repository.latest()) {
      this.levels.set(schoolId, { level: row.level, previousLevel: null, levelSince: row.at, storedDate: shanghaiParts(Date.parse(row.at)).date, storedScore: row.score });
    }
    this.deps.log.info({ ms: Date.now() - started, ...this.deps.inputs.size() }, 'risk inputs loaded');
  }

  /**
   * Scores `ids` in slices; compares each with its level; writes the history rows and audit
   * entries and announces the changes. `first`: the computation after a start — levels that moved
   * while the server was down are written to the history, not announced.
   */
  private async recompute(ids: readonly string[], now: number, first: boolean): Promise<RiskRunStats> {
    const started = performance.now();
    const moment = this.deps.inputs.at(now);
    const at = new Date(now).toISOString();
    const rows: RiskHistoryRow[] = [];
    const changes: LevelChangeNote[] = [];
    let maxSliceMs = 0;
    let sliceStart = performance.now();
    for (let i = 0; i < ids.length; i++) {
      if (i % RISK_CHECK_EVERY === 0 && i > 0 && performance.now() - sliceStart >= RISK_SLICE_MS) {
        maxSliceMs = Math.max(maxSliceMs, performance.now() - sliceStart);
        await yieldLoop();
        sliceStart = performance.now();
      }
      this.scoreOne(ids[i]!, moment, at, first, rows, changes);
    }
    maxSliceMs = Math.max(maxSliceMs, performance.now() - sliceStart);
    this.computedAt = at;
    this.version++;
    const stats = { schools: ids.length, ms: performance.now() - started, maxSliceMs, changes: changes.length };
    this.lastRun = stats;
    // In chunks, the loop free between them: a burst of changes (a day's rollover) stores and
    // announces a hundred at a time rather than holding the loop for all of them.
    for (let i = 0; i < Math.max(rows.length, changes.length); i += STORE_CHUNK) {
      const chunk = changes.slice(i, i + STORE_CHUNK);
      await this.store(rows.slice(i, i + STORE_CHUNK), chunk);
      for (const { change } of chunk) this.deps.events.emit('risk.level', change);
      if (i + STORE_CHUNK < Math.max(rows.length, changes.length)) await yieldLoop();
    }
    return stats;
  }

  /** Scores one school and notes its change of level (or its daily row). */
  private scoreOne(id: string, moment: RiskMoment, at: string, first: boolean, rows: RiskHistoryRow[], changes: LevelChangeNote[]): void {
    const school = this.deps.registry.school(id);
    if (!school) return;
    const fresh = scoreSchool(id, this.deps.inputs.inputsOf(id, moment), this.deps.model);
    const before = this.current.get(id);
    // Unchanged (most schools, most minutes): the kept object is updated, not replaced — no garbage.
    const unchanged = before !== undefined && sameRisk(before, fresh);
    if (unchanged) before.computedAt = fresh.computedAt;
    else this.current.set(id, fresh);
    const risk = unchanged ? before : fresh;
    const state = this.levels.get(id) ?? { level: 'blue', previousLevel: null, levelSince: null, storedDate: null, storedScore: null };
    if (state.level !== risk.level) {
      if (!first) changes.push({ change: { schoolId: id, schoolName: school.name, districtCode: school.districtCode, from: state.level, to: risk.level, score: risk.score, at, contributions: risk.contributions }, before, risk });
      this.levels.set(id, { level: risk.level, previousLevel: state.level, levelSince: at, storedDate: moment.today, storedScore: risk.score });
      rows.push({ schoolId: id, at, score: risk.score, level: risk.level, kind: 'change', contributions: risk.contributions });
    } else if (state.storedDate === null ? risk.score > 0 : state.storedDate < moment.today && state.storedScore !== risk.score) {
      // A daily point: the first score above 0 of a school without history, or a new day's moved score.
      this.levels.set(id, { ...state, storedDate: moment.today, storedScore: risk.score });
      rows.push({ schoolId: id, at, score: risk.score, level: risk.level, kind: 'daily', contributions: risk.contributions });
    } else if (!this.levels.has(id)) {
      this.levels.set(id, state);
    }
  }

  private async store(rows: readonly RiskHistoryRow[], changes: readonly LevelChangeNote[]): Promise<void> {
    try {
      await this.deps.writes.run(() => inTransaction(this.deps.store, async (trx) => {
        await this.deps.repository.appendHistory(rows, trx);
        for (const { change, before, risk } of changes) {
          await this.deps.audit.append({
            actor: 'system',
            action: 'risk.level',
            target: `school:${change.schoolId}`,
            details: {
              schoolId: change.schoolId, from: change.from, to: change.to, score: risk.score, previousScore: before?.score ?? null,
              changed: changedContributions(before?.contributions ?? [], risk.contributions),
            },
          }, trx);
        }
      }));
    } catch (error) {
      this.deps.log.error({ err: error, rows: rows.length }, 'risk history not stored');
    }
  }

  private row(risk: SchoolRisk): RiskListRow | null {
    const school = this.deps.registry.school(risk.schoolId);
    if (!school) return null;
    const state = this.levels.get(risk.schoolId);
    return {
      ...risk, schoolName: school.name, districtCode: school.districtCode, stage: school.stage, setting: school.setting,
      previousLevel: state?.previousLevel ?? null, levelSince: state?.levelSince ?? null,
    };
  }

  /** A school's current risk (0, blue, before the first computation). */
  private riskOf(schoolId: string): SchoolRisk {
    return this.current.get(schoolId) ?? { schoolId, score: 0, level: 'blue', contributions: [], computedAt: this.computedAt };
  }

  /**
   * The highest-scored schools with a score above 0, highest first (ties by school id), within a
   * district when given, with their contributions: what the periodic report lists as top-risk schools.
   */
  top(limit: number, filter: { districtCode?: string } = {}): RiskListRow[] {
    const risks = [...this.current.values()].filter((r) => r.score > 0);
    const rows = risks.map((r) => this.row(r)).filter((r): r is RiskListRow => r !== null && (!filter.districtCode || r.districtCode === filter.districtCode));
    return rows.sort((a, b) => b.score - a.score || a.schoolId.localeCompare(b.schoolId)).slice(0, limit);
  }

  /** How many schools are at each level (within a district when given). */
  levelCounts(filter: { districtCode?: string } = {}): Record<RiskLevel, number> {
    const counts: Record<RiskLevel, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const school of this.deps.registry.schools(filter)) counts[this.riskOf(school.id).level]++;
    return counts;
  }

  /** `GET /risk/schools`: the schools in scope and filter, sorted, one page; the counts by level ignore the level filter. */
  list(query: RiskListQuery, user: SessionUser): Outcome<RiskList> {
    const scope = scopeFor(user, this.deps.registry);
    if (query.district && scope.districtCode && query.district !== scope.districtCode) return outside(scope);
    const counts: Record<RiskLevel, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    const rows: RiskListRow[] = [];
    for (const school of this.deps.registry.schools(query.district ? { districtCode: query.district } : {})) {
      if (!scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id })) continue;
      if (query.stage && school.stage !== query.stage) continue;
      const risk = this.riskOf(school.id);
      counts[risk.level]++;
      if (query.level && risk.level !== query.level) continue;
      const row = this.row(risk);
      if (row) rows.push(row);
    }
    rows.sort(SORTS[query.sort]);
    return { ok: true, data: { computedAt: this.computedAt, total: rows.length, counts, rows: rows.slice(query.offset, query.offset + query.limit) } };
  }

  /** `GET /risk/schools/:id`: the school's risk and its history over `days`. */
  async school(schoolId: string, days: number, user: SessionUser): Promise<Outcome<RiskSchool>> {
    const refused = refusedSchool(user, this.deps.registry, schoolId);
    if (refused) return refused;
    const row = this.deps.registry.school(schoolId) ? this.row(this.riskOf(schoolId)) : null;
    if (!row) return noSchool(schoolId);
    const since = new Date(this.deps.clock.now() - days * DAY_MS).toISOString();
    return { ok: true, data: { risk: row, history: await this.deps.repository.history(schoolId, since) } };
  }

  /** `GET /risk/heat`: the grid over the schools in scope (and district), cached until the next computation. */
  heat(query: RiskHeatQuery, user: SessionUser): Outcome<RiskHeat> {
    const scope = scopeFor(user, this.deps.registry);
    if (query.district && scope.districtCode && query.district !== scope.districtCode) return outside(scope);
    const district = query.district ?? scope.districtCode ?? null;
    const key = scope.schoolId ?? district ?? 'city';
    const cached = this.heatCache.get(key);
    if (cached && cached.version === this.version) return { ok: true, data: cached.heat };
    const points = this.deps.registry.schools(district ? { districtCode: district } : {})
      .filter((s) => scope.schoolId === null || s.id === scope.schoolId)
      .map((s) => ({ lat: s.lat, lng: s.lng, score: this.riskOf(s.id).score }));
    const heat = heatGrid(points, this.computedAt);
    if (this.heatCache.size > 64) this.heatCache.clear();
    this.heatCache.set(key, { version: this.version, heat });
    return { ok: true, data: heat };
  }
}

const byScore = (a: RiskListRow, b: RiskListRow) => b.score - a.score || riskLevelRank(b.level) - riskLevelRank(a.level) || (a.schoolId < b.schoolId ? -1 : 1);
const SORTS: Record<RiskSort, (a: RiskListRow, b: RiskListRow) => number> = {
  score_desc: byScore,
  score_asc: (a, b) => -byScore(a, b),
  name: (a, b) => (a.schoolName < b.schoolName ? -1 : a.schoolName > b.schoolName ? 1 : 0) || (a.schoolId < b.schoolId ? -1 : 1),
  district: (a, b) => (a.districtCode < b.districtCode ? -1 : a.districtCode > b.districtCode ? 1 : 0) || byScore(a, b),
};
