import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SessionUser } from '../../shared/auth.js';
import type { FileAnswer } from '../../shared/api/route.js';
import { DISTRICT_CODES } from '../../shared/domain/districts.js';
import { refusal } from '../../shared/refusal.js';
import {
  lastCompleteMonth, lastCompleteWeek, periodContaining, reportScopeSchema, type ReportAnswer, type ReportGenerateInput, type ReportKind, type ReportPeriod, type ReportRiskRow, type ReportScope, type ReportSummary,
} from '../../shared/report.js';
import type { ResponseTargets } from '../../shared/rules/response.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Clock } from '../clock.js';
import type { ReportRepository } from '../db/report.repository.js';
import { inTransaction } from '../db/transaction.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { HeavyPool } from '../workers/heavy-pool.js';
import type { Actor } from './actor.js';
import { SYSTEM_NAME } from './actor.js';
import type { ComplianceService } from './compliance.service.js';
import { refuse, type Outcome } from './outcome.js';
import { gatherReport, type ReportRequest } from './report-gather.js';
import { makeReport, type ReportAnswer as MadeReport } from './report-task.js';
import type { RegistryService } from './registry.service.js';

/** The top-risk schools of a scope with their reasons; the risk service is wired here at build (none: an empty list). */
export type TopRiskSource = (scope: ReportScope, limit: number) => Promise<ReportRiskRow[]>;

/** How many top-risk schools a report lists. */
export const REPORT_TOP_RISK = 10;
/** Reports are due at 08:00 Asia/Shanghai on the Monday (weekly) and on the 1st (monthly) after their period. */
const DUE_AFTER_MS = 8 * 3600_000;

export interface ReportDeps {
  db: Kysely<Database>;
  repository: ReportRepository;
  registry: RegistryService;
  compliance: ComplianceService;
  clock: Clock;
  audit: AuditService;
  heavyPool: HeavyPool | null;
  targets: ResponseTargets;
  topRisk?: TopRiskSource;
  log: Logger;
}

/**
 * The periodic report (定期分析研判): made on demand and on schedule, in the worker pool (reading,
 * computing and rendering there: the event loop only stores the bytes), kept, listed and
 * downloaded within the person's scope; every generation and download is on the audit log.
 */
export class ReportService {
  private scheduling: Promise<void> | null = null;

  constructor(private readonly deps: ReportDeps) {}

  /** The scope a person may make and read: their district, or any (null) for city-level people. */
  /** A district user's own district (they see and make only its reports); null for the city's people. */
  private own(user: SessionUser): ReportScope | null {
    const own = reportScopeSchema.safeParse(user.districtCode);
    return own.success ? own.data : null;
  }

  async generate(input: ReportGenerateInput, by: Actor): Promise<Outcome<ReportAnswer>> {
    const own = this.own(by.user);
    const scope = input.scope ?? own ?? 'city';
    if (own !== null && scope !== own) return refuse(403, refusal('超出本区县范围：只能生成本区县的报告', 'outside your district: you make only your own district’s report'));
    const now = this.deps.clock.now();
    const period = input.date ? periodContaining(input.kind, input.date) : input.kind === 'weekly' ? lastCompleteWeek(now) : lastCompleteMonth(now);
    if (Date.parse(period.from) > now) return refuse(400, refusal('该周期尚未开始', 'that period has not begun yet'));
    return this.make(period, scope, by.user.username, by);
  }

  private async make(period: ReportPeriod, scope: ReportScope, createdBy: string, by: Actor | null): Promise<Outcome<ReportAnswer>> {
    const now = this.deps.clock.now();
    const topRisk = await (this.deps.topRisk ?? (async () => []))(scope, REPORT_TOP_RISK);
    const request: ReportRequest = { period, scope, now, targets: this.deps.targets, topRisk };
    const made: MadeReport = this.deps.heavyPool
      ? await this.deps.heavyPool.report(request, this.deps.compliance.sync())
      : await makeReport(await gatherReport({ db: this.deps.db, registry: this.deps.registry, compliance: this.deps.compliance }, request));
    if (!made.ok) return refuse(501, refusal(`无法生成报告（${made.fontMissing}）`, `the report cannot be made: ${made.fontMissing}`));
    const id = randomUUID();
    const createdAt = new Date(now).toISOString();
    const details = { kind: period.kind, scope, period: period.label, alarms: made.figures.alarms.total };
    // The report and its audit entry commit together.
    const report = await inTransaction({ db: this.deps.db }, async (trx) => {
      const stored = await this.deps.repository.insert({ id, createdAt, createdBy, figures: made.figures, pdf: made.pdf, xlsx: made.xlsx }, trx);
      await this.deps.audit.append(by ? actedBy(by, 'report.generate', id, details) : { actor: SYSTEM_NAME, action: 'report.generate', target: id, details: { ...details, scheduled: true } }, trx);
      return stored;
    });
    return { ok: true, data: { report, figures: made.figures } };
  }

  async list(query: { kind?: ReportKind | undefined; scope?: ReportScope | undefined; limit: number }, user: SessionUser): Promise<Outcome<{ reports: ReportSummary[] }>> {
    const own = this.own(user);
    if (own !== null && query.scope && query.scope !== own) return refuse(403, refusal('超出本区县范围：只能查看本区县', 'outside your district: you see only your own district'));
    const scopes = own !== null ? [own] : query.scope ? [query.scope] : null;
    return { ok: true, data: { reports: await this.deps.repository.list({ kind: query.kind, scopes, limit: query.limit }) } };
  }

  async get(id: string, user: SessionUser): Promise<Outcome<ReportAnswer>> {
    const stored = await this.deps.repository.get(id);
    if (!stored) return refuse(404, refusal('报告不存在', 'no such report'));
    const own = this.own(user);
    if (own !== null && stored.summary.scope !== own) return refuse(403, refusal('超出本区县范围：只能查看本区县', 'outside your district: you see only your own district'));
    return { ok: true, data: { report: stored.summary, figures: stored.figures } };
  }

  async file(id: string, format: 'pdf' | 'xlsx', by: Actor): Promise<Outcome<FileAnswer>> {
    const visible = await this.get(id, by.user);
    if (!visible.ok) return visible;
    const body = await this.deps.repository.file(id, format);
    if (!body) return refuse(404, refusal('报告不存在', 'no such report'));
    await this.deps.audit.append(actedBy(by, `report.download_${format}`, id));
    const { report } = visible.data;
    const name = `xiaoan-${report.kind}-${report.scope}-${report.label.replaceAll(' ', '').replace('~', '_')}.${format}`;
    return { ok: true, data: { body, type: format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name } };
  }

  /**
   * The schedule: at Monday 08:00 (Asia/Shanghai) the last complete week's reports, on the 1st at
   * 08:00 the last month's — for the city and each district with schools, each once (a restart after the hour
   * makes the missing ones). One run at a time; called from the periodic tick.
   */
  scheduled(): Promise<void> {
    this.scheduling ??= this.runDue().finally(() => {
      this.scheduling = null;
    });
    return this.scheduling;
  }

  private async runDue(): Promise<void> {
    const now = this.deps.clock.now();
    for (const period of [lastCompleteWeek(now), lastCompleteMonth(now)]) {
      if (now < Date.parse(period.to) + DUE_AFTER_MS) continue;
      const districts = DISTRICT_CODES.filter((code) => this.deps.registry.schools({ districtCode: code }).length > 0);
      for (const scope of ['city', ...districts] as ReportScope[]) {
        if (await this.deps.repository.exists(period.kind, scope, period.from)) continue;
        const made = await this.make(period, scope, SYSTEM_NAME, null);
        if (!made.ok) this.deps.log.error({ period: period.label, scope, error: made.error }, 'scheduled report not made');
      }
    }
  }
}
