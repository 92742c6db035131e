import { ADMIN_ROUTES } from './admin.js';
import { AUTH_ROUTES } from './auth.js';
import { DRILL_ROUTES } from './drills.js';
import { INGEST_ROUTES } from './ingest.js';
import type { RouteSpec } from './route.js';

export * from './route.js';

/**
 * Every REST route of `/api/v1`, by name (docs/api.md describes them; docs/architecture.md "Adding
 * a route" says where a new one goes). Names are `<area>.<verb>`.
 */
export const API = {
  ...DRILL_ROUTES,
  ...AUTH_ROUTES,
  ...ADMIN_ROUTES,
  ...INGEST_ROUTES,
} as const satisfies Record<string, RouteSpec>;

/** A route's name. */
export type RouteName = keyof typeof API;
