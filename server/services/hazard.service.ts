import { randomBytes } from 'node:crypto';
import type { HazardCountsAnswer, HazardListItem } from '../../shared/compliance.js';
import { DISTRICTS } from '../../shared/domain/index.js';
import { semesterOf, type SemesterRule } from '../../shared/rules/compliance/index.js';
import {
  countHazards, decideHazardStep, HAZARD_STATE_ZH, isOverdue, type Hazard, type HazardSeverity, type HazardSource, type HazardStep,
} from '../../shared/rules/hazard.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { HazardQuery, HazardRepository } from '../db/hazard.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import { refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { refusal, say } from '../../shared/refusal.js';
import { shanghaiParts } from '../../shared/time.js';
import type { HazardListQuery } from '../../shared/api/hazards.js';
import type { SessionUser } from '../../shared/auth.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Actor } from './actor.js';
import { refusedSchool } from './school-access.js';
import { narrowFilters, outside, scopeCovers, scopeFor } from './scope.js';

/** A new hazard as registered. */
export interface NewHazard {
  schoolId: string;
  source: HazardSource;
  sourceId?: string | null | undefined;
  severity: HazardSeverity;
  description: string;
  foundOn?: string | undefined;
}

const noHazard = (id: string) => refuse(404, refusal(`没有编号为 ${id} 的隐患`, `no hazard ${id}`));

/**
 * Hazards (隐患) from registration to closing (清零). Each step is decided by the pure state
 * machine (shared/rules/hazard.ts) on the hazard as stored, and written only if the hazard is
 * still at the version that decision saw: of two people moving the same hazard, one wins. Every
 * read and write is within the person's district or school; every write is on the audit log,
 * written in its transaction.
 */
export class HazardService {
  constructor(
    private readonly deps: { store: Store; writes: WriteQueue; repository: HazardRepository; registry: RegistryService; clock: Clock; semesters: readonly SemesterRule[]; audit: AuditService },
  ) {}

  private today(): string {
    return shanghaiParts(this.deps.clock.now()).date;
  }

  /** The list a person asked for, narrowed to the person's district or school (403 when it asks for one outside). */
  async visibleList(query: HazardListQuery, user: SessionUser): Promise<Outcome<HazardListItem[]>> {
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, query);
    if (!filters) return outside(scope);
    const { districtCode: _district, schoolId: _school, ...rest } = query;
    return { ok: true, data: await this.list({ ...rest, ...filters }) };
  }

  async list(query: Omit<HazardQuery, 'overdueOn'> & { overdue?: boolean | undefined }): Promise<HazardListItem[]> {
    const today = this.today();
    const { overdue, ...rest } = query;
    const hazards = await this.deps.repository.list({ ...rest, ...(overdue ? { overdueOn: today } : {}) });
    const items = hazards.map(({ transitions: _steps, ...h }) => ({ ...h, overdue: isOverdue(h, today) }));
    return overdue === false ? items.filter((h) => !h.overdue) : items;
  }

  get(id: string): Promise<Hazard | null> {
    return this.deps.repository.get(this.deps.store.db, id);
  }

  /** One hazard with its steps: 404 unknown, 403 outside the person's scope. */
  async visible(id: string, user: SessionUser): Promise<Outcome<Hazard>> {
    const hazard = await this.get(id);
    if (!hazard) return noHazard(id);
    const scope = scopeFor(user, this.deps.registry);
    return scopeCovers(scope, hazard) ? { ok: true, data: hazard } : outside(scope);
  }

  /** Registers a hazard at a school within the person's scope, with its audit entry. */
  async create(input: NewHazard, by: Actor): Promise<Outcome<Hazard>> {
    const refused = refusedSchool(by.user, this.deps.registry, input.schoolId);
    if (refused) return refused;
    const actor = by.user.displayName;
    const school = this.deps.registry.school(input.schoolId);
    if (!school) return refuse(400, refusal(`schoolId：没有编号为 ${input.schoolId} 的学校`, `schoolId: no school ${input.schoolId}`), { schoolId: say('没有这所学校', 'no such school') });
    const today = this.today();
    const foundOn = input.foundOn ?? today;
    if (foundOn > today) return refuse(400, refusal(`发现日期 ${foundOn} 在未来（今天是 ${today}）`, `foundOn: ${foundOn} is in the future (today is ${today})`), { foundOn: say('不能晚于今天', 'is in the future') });
    const at = isoNow(this.deps.clock);
    const hazard: Hazard = {
      id: `HZ-${foundOn.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
      schoolId: school.id,
      districtCode: school.districtCode,
      source: input.source,
      sourceId: input.sourceId ?? null,
      severity: input.severity,
      description: input.description,
      foundOn,
      state: 'registered',
      assignee: null,
      deadline: null,
      registeredAt: at,
      updatedAt: at,
      rectifiedAt: null,
      closedAt: null,
      version: 1,
      transitions: [{ action: 'register', from: null, to: 'registered', actor, at, note: null, assignee: null, deadline: null }],
    };
    const entry = actedBy(by, 'hazard.create', `hazard:${hazard.id}`, { schoolId: hazard.schoolId, source: hazard.source, severity: hazard.severity, description: hazard.description });
    await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx) => {
        await this.deps.repository.insert(trx, hazard);
        await this.deps.audit.append(entry, trx);
      }),
    );
    return { ok: true, data: hazard };
  }

  /**
   * One step by a person within the hazard's district or school; `expectedVersion`, when given,
   * must still be the hazard's version. The audit entry (from → to) is written with the step.
   */
  step(id: string, step: HazardStep, by: Actor, expectedVersion?: number): Promise<Outcome<Hazard>> {
    const { repository, store } = this.deps;
    const actor = by.user.displayName;
    return this.deps.writes.run(() =>
      inTransaction(store, async (trx): Promise<Outcome<Hazard>> => {
        const hazard = await repository.get(trx, id);
        if (!hazard) return noHazard(id);
        const scope = scopeFor(by.user, this.deps.registry);
        if (!scopeCovers(scope, hazard)) return outside(scope);
        if (expectedVersion !== undefined && expectedVersion !== hazard.version) {
          return refuse(409, refusal(`该隐患刚被他人处理：现在为${HAZARD_STATE_ZH[hazard.state]}（第 ${hazard.version} 版）`, `the hazard was changed by someone else meanwhile: it is now ${hazard.state} (version ${hazard.version})`));
        }
        const decision = decideHazardStep(hazard, step, actor, isoNow(this.deps.clock), this.today());
        if (!decision.ok) return refuse(409, decision);
        if (!(await repository.update(trx, decision.hazard, hazard.version))) {
          return refuse(409, refusal('该隐患刚被他人处理：请查看它的最新状态', 'the hazard was changed by someone else meanwhile; see its new state'));
        }
        await repository.insertTransition(trx, id, decision.hazard.transitions.at(-1)!);
        const { action, ...details } = step;
        await this.deps.audit.append(actedBy(by, `hazard.${action}`, `hazard:${id}`, { from: hazard.state, to: decision.hazard.state, step: details }), trx);
        return { ok: true, data: decision.hazard };
      }),
    );
  }

  /**
   * The counts a person may see: refused to a school user (they are per district: it lists its
   * own school's hazards), one district's for a county user (its total the district's).
   */
  async visibleCounts(user: SessionUser): Promise<Outcome<HazardCountsAnswer>> {
    const scope = scopeFor(user, this.deps.registry);
    if (scope.schoolId !== null) {
      return refuse(403, refusal('隐患统计按区县汇总：学校用户请查看本校隐患列表', 'hazard counts are per district: a school user lists its own school\'s hazards (GET /api/v1/hazards)'));
    }
    const counts = await this.counts();
    if (!scope.districtCode) return { ok: true, data: counts };
    const mine = counts.byDistrict.filter((d) => d.districtCode === scope.districtCode);
    const { districtCode: _code, name: _name, ...total } = mine[0] ?? { districtCode: '', name: '', ...counts.total };
    return { ok: true, data: { ...counts, byDistrict: mine, total } };
  }

  async counts(): Promise<HazardCountsAnswer> {
    const asOf = this.today();
    const term = semesterOf(asOf, this.deps.semesters);
    const termStart = new Date(Date.parse(`${term.start}T00:00:00+08:00`)).toISOString();
    const { byDistrict, total } = countHazards(await this.deps.repository.forCounts(termStart), asOf, termStart);
    const zero = countHazards([], asOf, termStart).total;
    return {
      asOf,
      term: { start: term.start, end: term.end },
      byDistrict: DISTRICTS.map((d) => ({ districtCode: d.code, name: d.name, ...(byDistrict.get(d.code) ?? structuredClone(zero)) })),
      total,
    };
  }
}
