import express, { Router, type Request } from 'express';
import { hazardInputSchema, hazardQuerySchema, hazardStepSchemas } from '../../shared/compliance.js';
import { HAZARD_ACTIONS, type HazardStep } from '../../shared/rules/hazard.js';
import type { HazardService } from '../services/hazard.service.js';
import { answer, validationError } from './compliance.routes.js';
import type { AuditService } from '../auth/audit.service.js';
import type { RegistryService } from '../services/registry.service.js';
import { refusal } from '../../shared/refusal.js';
import { sendRefusal } from './refusal.js';
import { requireUser } from './route-policy.js';
import { narrowFilters, refuseOutside, schoolAllowed, scopeCovers, scopeOf } from './scope.js';

/**
 * Hazards (隐患): list and counts, register, and one POST per step (dispatch, rectify, verify,
 * reject, close). A step that the state does not allow, or one on a hazard that moved meanwhile,
 * answers 409 with the reason.
 */
export function hazardRouter(hazards: HazardService, registry: RegistryService, audit: AuditService): Router {
  const router = Router();
  const note = (req: Request, action: string, target: string, details: Record<string, unknown>) =>
    audit.append({ actor: requireUser(req).username, action, target, address: req.ip ?? null, details });
  const json = express.json({ limit: '64kb' });

  router.get('/hazards', async (req, res) => {
    const query = hazardQuerySchema.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const scope = scopeOf(req, registry);
    const filters = narrowFilters(scope, registry, query.data);
    if (!filters) return refuseOutside(res, scope);
    const { districtCode: _d, schoolId: _s, ...rest } = query.data;
    res.json({ hazards: await hazards.list({ ...rest, ...filters }) });
  });

  router.get('/hazards/counts', async (req, res) => {
    const scope = scopeOf(req, registry);
    if (scope.schoolId !== null) return void sendRefusal(res, 403, refusal('隐患统计按区县汇总：学校用户请查看本校隐患列表', 'hazard counts are per district: a school user lists its own school\'s hazards (GET /api/v1/hazards)'));
    const counts = await hazards.counts();
    if (!scope.districtCode) return void res.json(counts);
    const mine = counts.byDistrict.filter((d) => d.districtCode === scope.districtCode);
    const { districtCode: _code, name: _name, ...total } = mine[0] ?? { districtCode: '', name: '', ...counts.total };
    res.json({ ...counts, byDistrict: mine, total });
  });

  router.get('/hazards/:id', async (req, res) => {
    const hazard = await hazards.get(req.params.id);
    if (!hazard) return void sendRefusal(res, 404, refusal(`没有编号为 ${req.params.id} 的隐患`, `no hazard ${req.params.id}`));
    const scope = scopeOf(req, registry);
    if (!scopeCovers(scope, hazard)) return refuseOutside(res, scope);
    res.json(hazard);
  });

  router.post('/hazards', json, async (req, res) => {
    const actor = requireUser(req).displayName;
    const input = hazardInputSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const scope = scopeOf(req, registry);
    if (!schoolAllowed(scope, registry, input.data.schoolId)) return refuseOutside(res, scope);
    const created = await hazards.create(input.data, actor);
    if (created.ok) await note(req, 'hazard.create', `hazard:${created.data.id}`, { schoolId: created.data.schoolId, source: created.data.source, severity: created.data.severity, description: created.data.description });
    answer(res, created, true);
  });

  for (const action of HAZARD_ACTIONS) {
    router.post(`/hazards/:id/${action}`, json, async (req, res) => {
      const actor = requireUser(req).displayName;
      const existing = await hazards.get(req.params.id);
      const scope = scopeOf(req, registry);
      if (existing && !scopeCovers(scope, existing)) return refuseOutside(res, scope);
      const body = hazardStepSchemas[action].safeParse(req.body ?? {});
      if (!body.success) return validationError(res, body.error, req.body);
      const { version, ...rest } = body.data;
      const moved = await hazards.step(req.params.id, { action, ...rest } as HazardStep, actor, version);
      if (moved.ok) await note(req, `hazard.${action}`, `hazard:${req.params.id}`, { from: existing?.state ?? null, to: moved.data.state, step: rest });
      answer(res, moved);
    });
  }
  return router;
}
