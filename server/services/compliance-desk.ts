import { daysBetween } from '../../shared/time.js';
import type { AsOfQuery, SchoolsQuery, TrendQuery } from '../../shared/api/compliance.js';
import type { FileAnswer } from '../../shared/api/route.js';
import type { SessionUser } from '../../shared/auth.js';
import type { ComplianceFilters, ComplianceMatrix, ComplianceSchoolsAnswer, ComplianceTrend, SchoolComplianceAnswer } from '../../shared/compliance.js';
import { findDistrict } from '../../shared/domain/districts.js';
import { refusal, say } from '../../shared/refusal.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Actor } from './actor.js';
import type { ComplianceCall } from './compliance-calls.js';
import type { ComplianceService } from './compliance.service.js';
import { JsonText } from './json-text.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { noSchool, refusedSchool } from './school-access.js';
import { narrowFilters, outside, scopeFor } from './scope.js';

/** At most this many trend points (five years of months). */
const MAX_TREND_POINTS = 60;

const SCHOOL_USER_AGGREGATE = refusal('学校用户只能查看本校：请打开本校页面', 'a school user sees its own school only: GET /api/v1/schools/<its id>/compliance');

const FILE_TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv; charset=utf-8' } as const;

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

/**
 * The education-bureau desk's reads for a person: compliance as of a date (matrix, drill-down,
 * one school, trend) and the 附件4 statistics table, each within the person's scope. The
 * aggregates cover other schools, so a school user is refused them (it reads its own school's
 * page); a county user's are narrowed to its district. The computation runs in the worker pool
 * (ComplianceService.query) and JSON comes back as text; each export is on the audit log.
 */
export class ComplianceDesk {
  constructor(private readonly deps: { compliance: ComplianceService; registry: RegistryService; audit: AuditService }) {}

  async matrix(query: AsOfQuery, user: SessionUser): Promise<Outcome<JsonText<ComplianceMatrix>>> {
    const { asOf, ...requested } = query;
    const filters = this.districtOf(user, requested);
    return filters.ok ? this.json({ method: 'matrix', asOf: asOf ?? this.deps.compliance.today(), filters: filters.data }) : filters;
  }

  async schools(query: SchoolsQuery, user: SessionUser): Promise<Outcome<JsonText<ComplianceSchoolsAnswer>>> {
    const { asOf, rule, status, ...requested } = query;
    const filters = this.districtOf(user, requested);
    return filters.ok ? this.json({ method: 'schools', asOf: asOf ?? this.deps.compliance.today(), filters: filters.data, rule: rule ?? null, status }) : filters;
  }

  /** From 12 months before `to` (today) when not given; refused when backwards or longer than MAX_TREND_POINTS steps. */
  async trend(query: TrendQuery, user: SessionUser): Promise<Outcome<JsonText<ComplianceTrend>>> {
    const { from: fromDate, to: toDate, step, ...requested } = query;
    const filters = this.districtOf(user, requested);
    if (!filters.ok) return filters;
    const to = toDate ?? this.deps.compliance.today();
    const from = fromDate ?? monthsBefore(to, 11);
    if (from > to) return refuse(400, refusal(`起始日期（${from}）晚于截止日期（${to}）`, `from (${from}) is after to (${to})`), { from: say('晚于截止日期', 'is after to') });
    const days = daysBetween(from, to);
    if ((step === 'week' ? days / 7 : days / 30.4) > MAX_TREND_POINTS) {
      return refuse(400, refusal(`最多 ${MAX_TREND_POINTS} 个点：请缩短时间范围或改用更长的步长`, `at most ${MAX_TREND_POINTS} points: narrow from/to or use a longer step`), {
        from: say('按此步长太久远', 'too far back for this step'),
      });
    }
    return this.json({ method: 'trend', from, to, step, filters: filters.data });
  }

  /** One school's items as of a date (today when absent), within the person's scope. */
  async school(id: string, asOf: string | undefined, user: SessionUser): Promise<Outcome<JsonText<SchoolComplianceAnswer>>> {
    const refused = refusedSchool(user, this.deps.registry, id);
    if (refused) return refused;
    const text = await this.deps.compliance.query({ method: 'school', id, asOf: asOf ?? this.deps.compliance.today() });
    if (text === null) return noSchool(id);
    return ok(new JsonText<SchoolComplianceAnswer>(jsonOf(text)));
  }

  /** The statistics table (附件4) as .xlsx or CSV, named for its date; on the audit log. */
  async export(format: 'xlsx' | 'csv', query: AsOfQuery, by: Actor): Promise<Outcome<FileAnswer>> {
    const { asOf, ...requested } = query;
    const filters = this.districtOf(by.user, requested);
    if (!filters.ok) return filters;
    const date = asOf ?? this.deps.compliance.today();
    const file = await this.deps.compliance.query({ method: format, asOf: date, filters: filters.data });
    if (file === null) throw new Error(`compliance ${format}: no file made`);
    await this.deps.audit.append(actedBy(by, `export.compliance_${format}`, null, { asOf: date, filters: filters.data }));
    return ok({ body: file, type: FILE_TYPES[format], name: `平顶山市安全防范统计表-${date}.${format}`, asciiName: `xiaoan-compliance-${date}.${format}` });
  }

  /**
   * The filters narrowed to the person's district; refused for a school user (the aggregates
   * cover other schools) and for another district than the person's own.
   */
  private districtOf(user: SessionUser, filters: ComplianceFilters): Outcome<ComplianceFilters> {
    const scope = scopeFor(user, this.deps.registry);
    if (scope.schoolId !== null) return refuse(403, SCHOOL_USER_AGGREGATE);
    const narrowed = narrowFilters(scope, this.deps.registry, { districtCode: filters.districtCode });
    if (!narrowed) return outside(scope);
    if (!narrowed.districtCode) return ok(filters);
    // A person's district that is not one of the city's sees nothing rather than everything.
    const district = findDistrict(narrowed.districtCode);
    return district ? ok({ ...filters, districtCode: district.code }) : outside(scope);
  }

  private async json<T>(call: ComplianceCall): Promise<Outcome<JsonText<T>>> {
    return ok(new JsonText<T>(jsonOf(await this.deps.compliance.query(call))));
  }
}

/** The JSON text a JSON call answers (a file or nothing here is a programming error). */
function jsonOf(answer: string | Uint8Array | null): string {
  if (typeof answer !== 'string') throw new Error('compliance: a JSON call answered no text');
  return answer;
}
