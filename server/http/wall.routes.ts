import type { WALL_ROUTES } from '../../shared/api/wall.js';
import type { ClientConfig } from '../../shared/wall.js';
import type { HealthReport } from '../services/health-report.js';
import { ok } from '../services/outcome.js';
import type { WallReads } from '../services/wall-read.service.js';
import { StatusAnswer, type RouteHandlers } from './route-table.js';

/** Retry-After on a degraded /health (s): the periodic tick probes the storage every 5 s. */
const DEGRADED_RETRY_AFTER_S = 5;

/**
 * The map wall and operations (shared/api/wall.ts): the wall's snapshot and a school's devices
 * within the person's scope, the client's settings, and /health (503 with its cause while degraded).
 */
export function wallHandlers(deps: { walls: WallReads; health: HealthReport; clientConfig: ClientConfig }): RouteHandlers<typeof WALL_ROUTES> {
  const { walls, health, clientConfig } = deps;
  return {
    'wall.snapshot': ({ user, query }) => ok(walls.snapshot(user, { registry: query.registry !== 'omit', camerasDown: query.cameras === 'down' })),
    'wall.registry': ({ user, query }) => ok(walls.registry(user, query.slice !== undefined && query.slices !== undefined ? { slice: query.slice, slices: query.slices } : undefined)),
    'wall.schoolPoints': ({ user, query }) => ok(walls.schoolPoints(user, query.slices)),
    'wall.schoolDevices': ({ params, user }) => walls.schoolDevices(params.id, user),
    'wall.clientConfig': () => ok(clientConfig),
    'wall.health': async ({ query, user, res }) => {
      const { degraded, answer } = await health.read(user, query.span);
      if (!degraded) return ok(answer);
      res.set('Retry-After', String(DEGRADED_RETRY_AFTER_S));
      return ok(new StatusAnswer(503, answer));
    },
  };
}
