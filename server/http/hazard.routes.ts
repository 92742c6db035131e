import express, { Router } from 'express';
import { hazardInputSchema, hazardQuerySchema, hazardStepSchemas } from '../../shared/compliance.js';
import { HAZARD_ACTIONS, type HazardStep } from '../../shared/rules/hazard.js';
import type { HazardService } from '../services/hazard.service.js';
import { answer, validationError } from './compliance.routes.js';
import { requireUser } from './route-policy.js';

/**
 * Hazards (隐患): list and counts, register, and one POST per step (dispatch, rectify, verify,
 * reject, close). A step that the state does not allow, or one on a hazard that moved meanwhile,
 * answers 409 with the reason.
 */
export function hazardRouter(hazards: HazardService): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.get('/hazards', async (req, res) => {
    const query = hazardQuerySchema.safeParse(req.query);
    if (!query.success) return validationError(res, query.error);
    res.json({ hazards: await hazards.list(query.data) });
  });

  router.get('/hazards/counts', async (_req, res) => {
    res.json(await hazards.counts());
  });

  router.get('/hazards/:id', async (req, res) => {
    const hazard = await hazards.get(req.params.id);
    if (!hazard) return void res.status(404).json({ error: `no hazard ${req.params.id}` });
    res.json(hazard);
  });

  router.post('/hazards', json, async (req, res) => {
    const actor = requireUser(req).displayName;
    const input = hazardInputSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error);
    answer(res, await hazards.create(input.data, actor), true);
  });

  for (const action of HAZARD_ACTIONS) {
    router.post(`/hazards/:id/${action}`, json, async (req, res) => {
      const actor = requireUser(req).displayName;
      const body = hazardStepSchemas[action].safeParse(req.body ?? {});
      if (!body.success) return validationError(res, body.error);
      const { version, ...rest } = body.data;
      answer(res, await hazards.step(req.params.id, { action, ...rest } as HazardStep, actor, version));
    });
  }
  return router;
}
