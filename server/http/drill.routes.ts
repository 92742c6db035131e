import type { DRILL_ROUTES } from '../../shared/api/drills.js';
import type { DrillAnswer, DrillDetail } from '../../shared/drill.js';
import { scoreDrill } from '../../shared/rules/drill-score.js';
import type { Clock } from '../clock.js';
import type { DrillExports } from '../services/drill-export.js';
import type { DrillService } from '../services/drill.service.js';
import type { Outcome } from '../services/outcome.js';
import type { RouteHandlers } from './route-table.js';

/**
 * Live drills (应急演练, shared/api/drills.ts): the service checks the person's scope and writes
 * the audit entry; the handler adds the score card as of now.
 */
export function drillHandlers(deps: { drills: DrillService; exports: DrillExports; clock: Clock }): RouteHandlers<typeof DRILL_ROUTES> {
  const { drills, exports, clock } = deps;
  const scored = async (pending: Promise<Outcome<DrillDetail>>): Promise<Outcome<DrillAnswer>> => {
    const outcome = await pending;
    return outcome.ok ? { ok: true, data: { ...outcome.data, score: scoreDrill(outcome.data.drill, outcome.data.alarm, clock.now()) } } : outcome;
  };
  return {
    'drills.list': async ({ query, user }) => ({ ok: true, data: { drills: await drills.list(query, user) } }),
    'drills.plan': ({ body, actor }) => scored(drills.plan(body, actor)),
    'drills.get': ({ params, user }) => scored(drills.visible(params.id, user)),
    'drills.start': ({ params, body, actor }) => scored(drills.start(params.id, actor, body.raiseAlarm)),
    'drills.replan': ({ params, body, actor }) => scored(drills.replan(params.id, body.plannedFor, actor, body.note)),
    'drills.end': ({ params, actor }) => scored(drills.end(params.id, actor)),
    'drills.cancel': ({ params, body, actor }) => scored(drills.cancel(params.id, actor, body.note)),
    'drills.check': ({ params, body, actor }) => scored(drills.check(params.id, params.itemId, body.checked, actor)),
    'drills.exportCsv': ({ params, actor }) => exports.csv(params.id, actor),
    'drills.exportPdf': ({ params, actor }) => exports.pdf(params.id, actor),
  };
}
