import { Router } from 'express';
import { z } from 'zod';
import { DISTRICT_CODES } from '../../shared/domain/index.js';
import { describeZodError } from '../../shared/ingest.js';
import { coverage, DEFAULT_COVERAGE_RULE } from '../../shared/rules/coverage.js';
import type { FaultService } from '../services/fault.service.js';
import type { GuardPostService } from '../services/guard-post.service.js';
import type { PatrolService } from '../services/patrol.service.js';
import type { RegistryService } from '../services/registry.service.js';

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
export function fieldRouter(deps: { faults: FaultService; posts: GuardPostService; patrol: PatrolService; registry: RegistryService }): Router {
  const router = Router();
  router.get('/faults', async (req, res) => {
    const query = faultsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    res.json({ faults: await deps.faults.list(query.data) });
  });
  router.get('/posts/status', (_req, res) => {
    res.json({ posts: deps.posts.list() });
  });
  router.get('/patrol', (req, res) => {
    const query = patrolQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    res.json({ schools: deps.patrol.list(query.data) });
  });
  router.get('/coverage', (req, res) => {
    const query = coverageQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: describeZodError(query.error) });
      return;
    }
    const { registry } = deps;
    res.json(coverage({ schools: registry.schools(), guardPosts: registry.guardPosts(), policePosts: registry.policePosts() }, query.data));
  });
  return router;
}
