import type { PLAN_ROUTES } from '../../shared/api/plans.js';
import type { PlanService } from '../services/plan.service.js';
import type { RouteHandlers } from './route-table.js';

/** The school's people and emergency plan (shared/api/plans.ts); PlanService checks the scope and writes the audit entries. */
export function planHandlers(plans: PlanService): RouteHandlers<typeof PLAN_ROUTES> {
  return {
    'plans.get': ({ params, user }) => plans.view(params.id, user),
    'plans.history': ({ params, query, user }) => plans.history(params.id, query.limit, user),
    'plans.savePeople': ({ params, body, actor }) => plans.savePeople(params.id, { body: body.people, baseVersion: body.baseVersion, note: body.note }, actor),
    'plans.savePlan': ({ params, body, actor }) => plans.savePlan(params.id, { body: body.plan, baseVersion: body.baseVersion, note: body.note }, actor),
    'plans.emergencyCard': ({ params, query, user }) => plans.emergencyCard(params.id, query.type, user),
  };
}
