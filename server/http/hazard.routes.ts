import type { HAZARD_ROUTES } from '../../shared/api/hazards.js';
import type { HazardService } from '../services/hazard.service.js';
import type { RouteHandlers } from './route-table.js';

/**
 * Hazards (隐患, shared/api/hazards.ts): the service checks the person's district or school,
 * decides each step with the shared state machine and writes the audit entry with it.
 */
export function hazardHandlers(hazards: HazardService): RouteHandlers<typeof HAZARD_ROUTES> {
  return {
    'hazards.list': async ({ query, user }) => {
      const listed = await hazards.visibleList(query, user);
      return listed.ok ? { ok: true, data: { hazards: listed.data } } : listed;
    },
    'hazards.counts': ({ user }) => hazards.visibleCounts(user),
    'hazards.get': ({ params, user }) => hazards.visible(params.id, user),
    'hazards.create': ({ body, actor }) => hazards.create(body, actor),
    'hazards.dispatch': ({ params, body: { version, ...step }, actor }) => hazards.step(params.id, { action: 'dispatch', ...step }, actor, version),
    'hazards.rectify': ({ params, body: { version, ...step }, actor }) => hazards.step(params.id, { action: 'rectify', ...step }, actor, version),
    'hazards.verify': ({ params, body: { version, ...step }, actor }) => hazards.step(params.id, { action: 'verify', ...step }, actor, version),
    'hazards.reject': ({ params, body: { version, ...step }, actor }) => hazards.step(params.id, { action: 'reject', ...step }, actor, version),
    'hazards.close': ({ params, body: { version, ...step }, actor }) => hazards.step(params.id, { action: 'close', ...step }, actor, version),
  };
}
