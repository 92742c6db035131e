import type { API } from '../../shared/api/index.js';
import type { AppDeps } from '../app.js';
import { ComplianceDesk } from '../services/compliance-desk.js';
import { DrillExports } from '../services/drill-export.js';
import { complianceHandlers } from './compliance.routes.js';
import { drillHandlers } from './drill.routes.js';
import { hazardHandlers } from './hazard.routes.js';
import type { RouteHandlers } from './route-table.js';

/**
 * The handler of every route in the table (shared/api), by area. Typed by the table: a route
 * without a handler, or a handler answering the wrong shape, does not compile.
 */
export function apiHandlers(deps: AppDeps): RouteHandlers<typeof API> {
  return {
    ...drillHandlers({ drills: deps.drills, clock: deps.clock, exports: new DrillExports({ drills: deps.drills, registry: deps.registry, clock: deps.clock, audit: deps.audit, heavyPool: deps.heavyPool }) }),
    ...complianceHandlers({ desk: new ComplianceDesk({ compliance: deps.compliance, registry: deps.registry, audit: deps.audit }), records: deps.records, routines: deps.routines }),
    ...hazardHandlers(deps.hazards),
  };
}
