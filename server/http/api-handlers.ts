import type { API } from '../../shared/api/index.js';
import type { AppDeps } from '../app.js';
import { AccountService } from '../auth/accounts.service.js';
import { AlarmReads } from '../services/alarm-read.service.js';
import { AlarmAnalyticsReads } from '../services/alarm-analytics.service.js';
import { AuditExports } from '../auth/audit-export.js';
import { ComplianceDesk } from '../services/compliance-desk.js';
import { DrillExports } from '../services/drill-export.js';
import { FieldReads } from '../services/field-read.service.js';
import { HealthReport } from '../services/health-report.js';
import { RegistryReads } from '../services/registry-read.service.js';
import { WallReads } from '../services/wall-read.service.js';
import { adminHandlers } from './admin.routes.js';
import { alarmHandlers } from './alarm.routes.js';
import { analyticsHandlers } from './analytics.routes.js';
import { authHandlers } from './auth.routes.js';
import { complianceHandlers } from './compliance.routes.js';
import { ingestHandlers } from '../ingest/http.js';
import { drillHandlers } from './drill.routes.js';
import { fieldHandlers } from './field.routes.js';
import { hazardHandlers } from './hazard.routes.js';
import { planHandlers } from './plan.routes.js';
import { registryHandlers } from './registry.routes.js';
import { reportHandlers } from './report.routes.js';
import { responderHandlers } from './responder.routes.js';
import { riskHandlers } from './risk.routes.js';
import { SchoolSosService } from '../services/school-sos.service.js';
import { schoolHandlers } from './school.routes.js';
import { inspectionHandlers } from './inspection.routes.js';
import type { RouteHandlers } from './route-table.js';
import { wallHandlers } from './wall.routes.js';

/**
 * The handler of every route in the table (shared/api), by area. Typed by the table: a route
 * without a handler, or a handler answering the wrong shape, does not compile.
 */
export function apiHandlers(deps: AppDeps): RouteHandlers<typeof API> {
  return {
    ...drillHandlers({ drills: deps.drills, clock: deps.clock, exports: new DrillExports({ drills: deps.drills, registry: deps.registry, clock: deps.clock, audit: deps.audit, heavyPool: deps.heavyPool }) }),
    ...complianceHandlers({ desk: new ComplianceDesk({ compliance: deps.compliance, registry: deps.registry, audit: deps.audit }), records: deps.records, routines: deps.routines }),
    ...hazardHandlers(deps.hazards),
    ...planHandlers(deps.plans),
    ...inspectionHandlers(deps.inspections),
    ...wallHandlers({
      walls: new WallReads({ registry: deps.registry, status: deps.status, cameras: deps.cameras, schoolCameras: deps.schoolCameras, clock: deps.clock }),
      health: new HealthReport({
        clock: deps.clock, alarms: deps.alarms, cameras: deps.cameras, ingestCounters: deps.ingest.counters, eventLoop: deps.eventLoop, storage: deps.storage, extra: deps.health,
      }),
      clientConfig: deps.clientConfig,
    }),
    ...registryHandlers(new RegistryReads(deps.registry)),
    ...alarmHandlers(new AlarmReads({ alarms: deps.alarms, registry: deps.registry, clock: deps.clock, targets: deps.clientConfig.responseTargets })),
    ...fieldHandlers(new FieldReads({ faults: deps.faults, posts: deps.posts, patrol: deps.patrol, registry: deps.registry, guardPostReachM: deps.compliance.guardPostReachM })),
    ...analyticsHandlers(new AlarmAnalyticsReads({ alarms: deps.alarms, registry: deps.registry, clock: deps.clock, semesters: deps.compliance.semesters, heavyPool: deps.heavyPool })),
    ...responderHandlers(deps.responders),
    ...authHandlers({ auth: deps.auth, viewerLinks: deps.viewerLinks }),
    ...adminHandlers({
      accounts: new AccountService({ auth: deps.auth, registry: deps.registry }),
      ingestTokens: deps.ingestTokens,
      viewerLinks: deps.viewerLinks,
      audit: deps.audit,
      auditExports: new AuditExports({ audit: deps.audit, auth: deps.auth, registry: deps.registry, clock: deps.clock }),
      sipChannels: deps.sipChannels,
      ...(deps.sip ? { sip: deps.sip } : {}),
      ...(deps.sipRegistrations ? { sipRegistrations: deps.sipRegistrations } : {}),
      node: deps.sipNode ?? null,
    }),
    ...ingestHandlers({ ingest: deps.ingest }),
    ...reportHandlers(deps.reports),
    ...riskHandlers(deps.risk),
    ...schoolHandlers(new SchoolSosService({ registry: deps.registry, ingest: deps.ingest, alarms: deps.alarms, audit: deps.audit, clock: deps.clock })),
  };
}
