import { Router } from 'express';
import { z } from 'zod';
import { DISTRICT_CODES } from '../../shared/domain/index.js';
import { coverage, DEFAULT_COVERAGE_RULE } from '../../shared/rules/coverage.js';
import type { FaultService } from '../services/fault.service.js';
import type { GuardPostService } from '../services/guard-post.service.js';
import type { PatrolService } from '../services/patrol.service.js';
import type { RegistryService } from '../services/registry.service.js';
import { zodRefusal } from '../../shared/zod-text.js';
import { sendRefusal } from './refusal.js';
import { isScoped, narrowFilters, refuseOutside, scopeCovers, scopeOf, type Scope } from './scope.js';

const faultsQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  districtCode: z.enum(DISTRICT_CODES).optional(),
  schoolId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(50_000).default(1000),
});
const patrolQuery = z.object({ districtCode: z.enum(DISTRICT_CODES).optional(), schoolId: z.string().min(1).max(64).optional() });
const coverageQuery = z.object({
  guardPostM: z.coerce.number().int().min(10).max(20_000).default(DEFAULT_COVERAGE_RULE.guardPostM),
  policePostM: z.coerce.number().int().min(10).max(50_000).default(DEFAULT_COVERAGE_RULE.policePostM),
});

/** The machinery in the field: camera fault tickets, 护学岗 states, patrol rounds, coverage. */
/** A 护学岗 post is within scope when one of the schools it covers is. */
function postCovered(scope: Scope, post: { districtCode: string; schoolIds: string[] }): boolean {
  return scope.schoolId !== null ? post.schoolIds.includes(scope.schoolId) : scopeCovers(scope, { districtCode: post.districtCode });
}

export function fieldRouter(deps: { faults: FaultService; posts: GuardPostService; patrol: PatrolService; registry: RegistryService }): Router {
  const router = Router();
  router.get('/faults', async (req, res) => {
    const query = faultsQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const scope = scopeOf(req, deps.registry);
    const filters = narrowFilters(scope, deps.registry, query.data);
    if (!filters) return refuseOutside(res, scope);
    const { districtCode: _d, schoolId: _s, ...rest } = query.data;
    res.json({ faults: await deps.faults.list({ ...rest, ...filters }) });
  });
  router.get('/posts/status', (req, res) => {
    const scope = scopeOf(req, deps.registry);
    if (!isScoped(scope)) return void res.json({ posts: deps.posts.list() });
    const visible = new Set(deps.registry.guardPosts().filter((p) => postCovered(scope, p)).map((p) => p.id));
    res.json({ posts: deps.posts.list().filter((p) => visible.has(p.postId)) });
  });
  router.get('/posts/figures', (req, res) => {
    const scope = scopeOf(req, deps.registry);
    const visible = isScoped(scope) ? new Set(deps.registry.guardPosts().filter((p) => postCovered(scope, p)).map((p) => p.id)) : undefined;
    res.json({ windows: deps.posts.figures(visible) });
  });
  router.get('/patrol', (req, res) => {
    const query = patrolQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const scope = scopeOf(req, deps.registry);
    const filters = narrowFilters(scope, deps.registry, query.data);
    if (!filters) return refuseOutside(res, scope);
    res.json({ schools: deps.patrol.list(filters) });
  });
  router.get('/coverage', (req, res) => {
    const query = coverageQuery.safeParse(req.query);
    if (!query.success) {
      sendRefusal(res, 400, zodRefusal(query.error, req.query));
      return;
    }
    const { registry } = deps;
    const scope = scopeOf(req, registry);
    const schools = registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id }));
    const guardPosts = registry.guardPosts().filter((p) => postCovered(scope, p));
    const policePosts = registry.policePosts().filter((p) => !scope.districtCode || p.districtCode === scope.districtCode);
    res.json(coverage({ schools, guardPosts, policePosts }, query.data));
  });
  return router;
}
