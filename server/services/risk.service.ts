import type { SessionUser } from '../../shared/auth.js';
import type { RiskHeat, RiskList, RiskListRow, RiskSchool } from '../../shared/risk.js';
import type { z } from 'zod';
import type { riskHeatQuery, riskListQuery } from '../../shared/risk.js';
import type { Clock } from '../clock.js';
import type { Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { noSchool, refusedSchool } from './school-access.js';
import { outside, scopeCovers, scopeFor } from './scope.js';

/** The risk list's query as a handler reads it. */
export type RiskListQuery = z.output<typeof riskListQuery>;
/** The heat grid's query. */
export type RiskHeatQuery = z.output<typeof riskHeatQuery>;

/**
 * The school risk list (contract stub: every school at 0, blue; the model and its inputs follow).
 * `top(n, filter)` is what the periodic report reads.
 */
export class RiskService {
  constructor(private readonly deps: { registry: RegistryService; clock: Clock }) {}

  private row(schoolId: string): RiskListRow | undefined {
    const school = this.deps.registry.school(schoolId);
    if (!school) return undefined;
    return {
      schoolId, score: 0, level: 'blue', contributions: [], computedAt: new Date(this.deps.clock.now()).toISOString(),
      schoolName: school.name, districtCode: school.districtCode, stage: school.stage, setting: school.setting, previousLevel: null, levelSince: null,
    };
  }

  /** The highest-scored schools (score desc), within a district when given: for the periodic report. */
  top(limit: number, filter: { districtCode?: string } = {}): RiskListRow[] {
    return this.deps.registry.schools(filter).slice(0, limit).map((s) => this.row(s.id)!);
  }

  list(query: RiskListQuery, user: SessionUser): Outcome<RiskList> {
    const scope = scopeFor(user, this.deps.registry);
    if (query.district && scope.districtCode && query.district !== scope.districtCode) return outside(scope);
    const rows = this.deps.registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id })).map((s) => this.row(s.id)!);
    return { ok: true, data: { computedAt: new Date(this.deps.clock.now()).toISOString(), total: rows.length, counts: { red: 0, orange: 0, yellow: 0, blue: rows.length }, rows: rows.slice(query.offset, query.offset + query.limit) } };
  }

  school(schoolId: string, _days: number, user: SessionUser): Outcome<RiskSchool> {
    const refused = refusedSchool(user, this.deps.registry, schoolId);
    if (refused) return refused;
    const row = this.row(schoolId);
    if (!row) return noSchool(schoolId);
    return { ok: true, data: { risk: row, history: [] } };
  }

  heat(_query: RiskHeatQuery, _user: SessionUser): Outcome<RiskHeat> {
    return { ok: true, data: { computedAt: new Date(this.deps.clock.now()).toISOString(), cellKm: 1, cellLat: 0.009, cellLng: 0.0107, maxScore: 0, cells: [] } };
  }
}
