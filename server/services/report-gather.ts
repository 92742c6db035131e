import type { Kysely } from 'kysely';
import type { ReportPeriod, ReportRiskRow, ReportScope } from '../../shared/report.js';
import type { ResponseTargets } from '../../shared/rules/response.js';
import { scoreDrill } from '../../shared/rules/drill-score.js';
import { shanghaiDate } from '../../shared/time.js';
import { AlarmRepository } from '../db/alarm.repository.js';
import { DrillRepository } from '../db/drill.repository.js';
import type { Database } from '../db/schema.js';
import type { SchoolSetting } from '../../shared/domain/entities.js';
import type { ComplianceService } from './compliance.service.js';
import type { ReportSources } from './report-figures.js';
import type { RegistryService } from './registry.service.js';

/** At most this many alarms (and as many rows of each other source) are read for one report (a month of a city: far more than any real month). */
export const REPORT_MAX_ALARMS = 200_000;
const MAX_ROWS = 500_000;

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

  let faultQuery = db.selectFrom('camera_faults').select(['opened_at', 'closed_at', 'deadline_at']).where('opened_at', '<', to).where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]));
  if (district) faultQuery = faultQuery.where('district_code', '=', district);
  const faults = (await faultQuery.limit(MAX_ROWS).execute()).map((f) => ({ openedAt: f.opened_at, closedAt: f.closed_at, deadlineAt: f.deadline_at }));

  const inScope = (code: string | undefined) => !district || code === district;
  const cameras = registry.devices({ kind: 'camera' }).filter((d) => inScope(d.schoolId ? registry.school(d.schoolId)?.districtCode : undefined)).length;
  const posts = registry.guardPosts().filter((p) => inScope(p.districtCode));
  const postIds = new Set(posts.map((p) => p.id));
  const checkInRows = await db.selectFrom('events').select(['device_id']).where('type', '=', 'post.checkin').where('at', '>=', from).where('at', '<', to).limit(MAX_ROWS).execute();
  const checkIns = checkInRows.filter((row) => {
    const postId = row.device_id ? registry.device(row.device_id)?.postId : undefined;
    return postId ? postIds.has(postId) : false;
  }).length;

  let hazardQuery = db.selectFrom('hazards').select(['registered_at', 'closed_at', 'deadline', 'state']).where('registered_at', '<', to).where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]));
  if (district) hazardQuery = hazardQuery.where('district_code', '=', district);
  const hazards = (await hazardQuery.limit(MAX_ROWS).execute()).map((h) => ({ registeredAt: h.registered_at, closedAt: h.closed_at, deadline: h.deadline, state: h.state }));

  const asOf = shanghaiDate(Date.parse(to) - 1);
  const matrix = await deps.compliance.matrix(asOf, district ? { districtCode: district } : {});
  const cells = Object.values(matrix.total.cells);
  const compliance = { asOf, items: cells.reduce((s, c) => s + c.applicable, 0), met: cells.reduce((s, c) => s + c.pass, 0) };

  let recordedQuery = db.selectFrom('drills').innerJoin('schools', 'schools.id', 'drills.school_id').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('drills.date', '>=', shanghaiDate(from)).where('drills.date', '<=', asOf);
  if (district) recordedQuery = recordedQuery.where('schools.district_code', '=', district);
  const recorded = Number((await recordedQuery.executeTakeFirst())?.n ?? 0);

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
