import { randomBytes } from 'node:crypto';
import type { HazardCountsAnswer, HazardListItem } from '../../shared/compliance.js';
import { DISTRICTS } from '../../shared/domain/index.js';
import { semesterOf, type SemesterRule } from '../../shared/rules/compliance/index.js';
import {
  countHazards, decideHazardStep, HAZARD_STATE_ZH, isOverdue, type Hazard, type HazardSeverity, type HazardSource, type HazardStep,
} from '../../shared/rules/hazard.js';
import type { Store } from '../db/database.js';
import type { HazardQuery, HazardRepository } from '../db/hazard.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import { refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { refusal, say } from '../../shared/refusal.js';
import { shanghaiParts } from '../../shared/time.js';

/** A new hazard as registered. */
export interface NewHazard {
  schoolId: string;
  source: HazardSource;
  sourceId?: string | null | undefined;
  severity: HazardSeverity;
  description: string;
  foundOn?: string | undefined;
}

/**
 * Hazards (隐患) from registration to closing (清零). Each step is decided by the pure state
 * machine (shared/rules/hazard.ts) on the hazard as stored, and written only if the hazard is
 * still at the version that decision saw: of two people moving the same hazard, one wins.
 */
export class HazardService {
  constructor(private readonly deps: { store: Store; writes: WriteQueue; repository: HazardRepository; registry: RegistryService; clock: Clock; semesters: readonly SemesterRule[] }) {}

  private today(): string {
    return shanghaiParts(this.deps.clock.now()).date;
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

  async create(input: NewHazard, actor: string): Promise<Outcome<Hazard>> {
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
    await this.deps.writes.run(() => this.deps.store.db.transaction().execute((trx) => this.deps.repository.insert(trx, hazard)));
    return { ok: true, data: hazard };
  }

  /** One step by a named person; `expectedVersion`, when given, must still be the hazard's version. */
  step(id: string, step: HazardStep, actor: string, expectedVersion?: number): Promise<Outcome<Hazard>> {
    const { repository, store } = this.deps;
    return this.deps.writes.run(() =>
      store.db.transaction().execute(async (trx): Promise<Outcome<Hazard>> => {
        const hazard = await repository.get(trx, id);
        if (!hazard) return refuse(404, refusal(`没有编号为 ${id} 的隐患`, `no hazard ${id}`));
        if (expectedVersion !== undefined && expectedVersion !== hazard.version) {
          return refuse(409, refusal(`该隐患刚被他人处理：现在为${HAZARD_STATE_ZH[hazard.state]}（第 ${hazard.version} 版）`, `the hazard was changed by someone else meanwhile: it is now ${hazard.state} (version ${hazard.version})`));
        }
        const decision = decideHazardStep(hazard, step, actor, isoNow(this.deps.clock), this.today());
        if (!decision.ok) return refuse(409, decision);
        if (!(await repository.update(trx, decision.hazard, hazard.version))) {
          return refuse(409, refusal('该隐患刚被他人处理：请查看它的最新状态', 'the hazard was changed by someone else meanwhile; see its new state'));
        }
        await repository.insertTransition(trx, id, decision.hazard.transitions.at(-1)!);
        return { ok: true, data: decision.hazard };
      }),
    );
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
