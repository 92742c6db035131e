import { ADMIN_ROUTES } from './admin.js';
import { ALARM_ROUTES } from './alarms.js';
import { AUTH_ROUTES } from './auth.js';
import { COMPLIANCE_ROUTES } from './compliance.js';
import { DRILL_ROUTES } from './drills.js';
import { FIELD_ROUTES } from './field.js';
import { HAZARD_ROUTES } from './hazards.js';
import { INGEST_ROUTES } from './ingest.js';
import { PLAN_ROUTES } from './plans.js';
import { REGISTRY_ROUTES } from './registry.js';
import { RESPONDER_ROUTES } from './responder.js';
import { RISK_ROUTES } from './risk.js';
import { SCHOOL_ROUTES } from './school.js';
import type { RouteSpec } from './route.js';
import { WALL_ROUTES } from './wall.js';

export * from './route.js';

/**
 * Every REST route of `/api/v1`, by name (docs/api.md describes them; docs/architecture.md "Adding
 * a route" says where a new one goes). Names are `<area>.<verb>`.
 */
export const API = {
  ...DRILL_ROUTES,
  ...COMPLIANCE_ROUTES,
  ...HAZARD_ROUTES,
  ...PLAN_ROUTES,
  ...WALL_ROUTES,
  ...REGISTRY_ROUTES,
  ...ALARM_ROUTES,
  ...FIELD_ROUTES,
  ...RESPONDER_ROUTES,
  ...AUTH_ROUTES,
  ...ADMIN_ROUTES,
  ...INGEST_ROUTES,
  ...SCHOOL_ROUTES,
  ...RISK_ROUTES,
} as const satisfies Record<string, RouteSpec>;

/** A route's name. */
export type RouteName = keyof typeof API;
