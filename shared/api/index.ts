import { COMPLIANCE_ROUTES } from './compliance.js';
import { DRILL_ROUTES } from './drills.js';
import { HAZARD_ROUTES } from './hazards.js';
import type { RouteSpec } from './route.js';

export * from './route.js';

/**
 * Every REST route of `/api/v1`, by name (docs/api.md describes them; docs/architecture.md "Adding
 * a route" says where a new one goes). Names are `<area>.<verb>`.
 */
export const API = {
  ...DRILL_ROUTES,
  ...COMPLIANCE_ROUTES,
  ...HAZARD_ROUTES,
} as const satisfies Record<string, RouteSpec>;

/** A route's name. */
export type RouteName = keyof typeof API;
