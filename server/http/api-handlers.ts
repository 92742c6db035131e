import type { API } from '../../shared/api/index.js';
import type { AppDeps } from '../app.js';
import { AccountService } from '../auth/accounts.service.js';
import { AuditExports } from '../auth/audit-export.js';
import { ingestHandlers } from '../ingest/http.js';
import { DrillExports } from '../services/drill-export.js';
import { adminHandlers } from './admin.routes.js';
import { authHandlers } from './auth.routes.js';
import { drillHandlers } from './drill.routes.js';
import type { RouteHandlers } from './route-table.js';

/**
 * The handler of every route in the table (shared/api), by area. Typed by the table: a route
 * without a handler, or a handler answering the wrong shape, does not compile.
 */
export function apiHandlers(deps: AppDeps): RouteHandlers<typeof API> {
  return {
    ...drillHandlers({ drills: deps.drills, clock: deps.clock, exports: new DrillExports({ drills: deps.drills, registry: deps.registry, clock: deps.clock, audit: deps.audit, heavyPool: deps.heavyPool }) }),
    ...authHandlers({ auth: deps.auth, viewerLinks: deps.viewerLinks }),
    ...adminHandlers({
      accounts: new AccountService({ auth: deps.auth, registry: deps.registry }),
      ingestTokens: deps.ingestTokens,
      viewerLinks: deps.viewerLinks,
      audit: deps.audit,
      auditExports: new AuditExports({ audit: deps.audit, auth: deps.auth, registry: deps.registry, clock: deps.clock }),
    }),
    ...ingestHandlers({ ingest: deps.ingest }),
  };
}
