import type { Kysely } from 'kysely';
import type { ReportPeriod, ReportRiskRow, ReportScope } from '../../shared/report.js';
import type { ResponseTargets } from '../../shared/rules/response.js';
import { scoreDrill } from '../../shared/rules/drill-score.js';
import { shanghaiDate } from '../../shared/time.js';
import { AlarmRepository } from '../db/alarm.repository.js';
import { DrillRepository } from '../db/drill.repository.js';
import { ReportSourcesRepository } from '../db/report-sources.repository.js';
import type { Database } from '../db/schema.js';
import type { SchoolSetting } from '../../shared/domain/entities.js';
import type { ComplianceService } from './compliance.service.js';
import type { ReportSources } from './report-figures.js';
import type { RegistryService } from './registry.service.js';

/** At most this many alarms are read for one report (a month of a city: far more than any real month; ReportSourcesRepository bounds the other sources). */
export const REPORT_MAX_ALARMS = 200_000;

/** What a report's generation is asked: read in the worker (report-task.ts). */
export interface ReportRequest {
  period: ReportPeriod;
  scope: ReportScope;
  now: number;
  targets: ResponseTargets;
  /** The top-risk schools with their reasons, taken on the main thread from the risk service. */
  topRisk: ReportRiskRow[];
}

/**
 * Reads what a report needs for its period and scope from the database (the worker's own
 * read-only connection), the registry and the compliance service.
 */
export async function gatherReport(deps: { db: Kysely<Database>; registry: RegistryService; compliance: ComplianceService }, request: ReportRequest): Promise<ReportSources> {
  const { db, registry } = deps;
  const { from, to } = request.period;
  const district = request.scope === 'city' ? undefined : request.scope;
  const alarms = await new AlarmRepository(db).list({ state: 'all', since: from, until: to, limit: REPORT_MAX_ALARMS, ...(district ? { districtCode: district } : {}) });

  const sources = new ReportSourcesRepository(db);
  const faults = await sources.faults(from, to, district);

  const inScope = (code: string | undefined) => !district || code === district;
  const cameras = registry.devices({ kind: 'camera' }).filter((d) => inScope(d.schoolId ? registry.school(d.schoolId)?.districtCode : undefined)).length;
  const posts = registry.guardPosts().filter((p) => inScope(p.districtCode));
  const postIds = new Set(posts.map((p) => p.id));
  const checkIns = (await sources.checkInDevices(from, to)).filter((deviceId) => {
    const postId = deviceId ? registry.device(deviceId)?.postId : undefined;
    return postId ? postIds.has(postId) : false;
  }).length;

  const hazards = await sources.hazards(from, to, district);

  const asOf = shanghaiDate(Date.parse(to) - 1);
  const matrix = await deps.compliance.matrix(asOf, district ? { districtCode: district } : {});
  const cells = Object.values(matrix.total.cells);
  const compliance = { asOf, items: cells.reduce((s, c) => s + c.applicable, 0), met: cells.reduce((s, c) => s + c.pass, 0) };

  const recorded = await sources.drillsRecorded(shanghaiDate(from), asOf, district);

  const alarmRepository = new AlarmRepository(db);
  const ended = (await new DrillRepository(db).list({ state: 'ended', limit: 2000, ...(district ? { districtCode: district } : {}) }))
    .filter((d) => d.endedAt !== null && d.endedAt >= from && d.endedAt < to);
  const live = [];
  for (const drill of ended) {
    const score = scoreDrill(drill, drill.alarmId ? await alarmRepository.get(drill.alarmId) : null, request.now);
    live.push({ drillId: drill.id, schoolId: drill.schoolId, schoolName: registry.school(drill.schoolId)?.name ?? drill.schoolId, endedAt: drill.endedAt ?? '', total: score.total, maxTotal: score.maxTotal });
  }

  const settings: Record<string, SchoolSetting> = {};
  for (const alarm of alarms) {
    const setting = registry.school(alarm.schoolId)?.setting;
    if (setting) settings[alarm.schoolId] = setting;
  }

  return {
    period: request.period,
    scope: request.scope,
    now: request.now,
    targets: request.targets,
    alarms,
    settings,
    cameras,
    faults,
    guards: { posts: posts.length, checkIns },
    hazards,
    compliance,
    drills: { recorded, live },
    topRisk: request.topRisk,
  };
}
