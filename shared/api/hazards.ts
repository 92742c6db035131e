import { z } from 'zod';
import { hazardInputSchema, hazardQuerySchema, hazardStepSchemas } from '../compliance.js';
import { hazardCountsAnswerSchema, hazardListItemSchema, hazardSchema } from '../hazard-schema.js';
import type { HazardAction } from '../rules/hazard.js';
import { route, type RouteSpec } from './route.js';

/** The parsed `GET /hazards` query, as the service takes it. */
export type HazardListQuery = z.output<typeof hazardQuerySchema>;

/**
 * Hazards (隐患): list and counts, register, and one POST per step (HAZARD_ACTIONS). A step the
 * state does not allow, or one on a hazard that moved meanwhile, answers 409 with the reason. The
 * counts are per district: refused to a school user. `counts` comes before `get` (`/hazards/:id`
 * would take `counts` as an id). Every step of the state machine has its route: an action added to
 * HAZARD_ACTIONS without one does not compile.
 */
export const HAZARD_ROUTES = {
  'hazards.list': route({ method: 'GET', path: '/hazards', allow: 'read', query: hazardQuerySchema, answer: z.object({ hazards: z.array(hazardListItemSchema) }), summary: 'hazards in the person’s scope' }),
  'hazards.counts': route({ method: 'GET', path: '/hazards/counts', allow: 'read', answer: hazardCountsAnswerSchema, summary: 'open, overdue and closed this term, per district' }),
  'hazards.get': route({ method: 'GET', path: '/hazards/:id', allow: 'read', answer: hazardSchema, summary: 'one hazard with its steps' }),
  'hazards.create': route({ method: 'POST', path: '/hazards', allow: 'records.write', body: hazardInputSchema, answer: hazardSchema, status: 201, summary: 'register a hazard (登记)' }),
  'hazards.dispatch': route({ method: 'POST', path: '/hazards/:id/dispatch', allow: 'records.write', body: hazardStepSchemas.dispatch, answer: hazardSchema, summary: 'dispatch to a responsible party with a deadline (派单)' }),
  'hazards.rectify': route({ method: 'POST', path: '/hazards/:id/rectify', allow: 'records.write', body: hazardStepSchemas.rectify, answer: hazardSchema, summary: 'report it rectified (整改)' }),
  'hazards.verify': route({ method: 'POST', path: '/hazards/:id/verify', allow: 'records.write', body: hazardStepSchemas.verify, answer: hazardSchema, summary: 'accept the rectification (验收)' }),
  'hazards.reject': route({ method: 'POST', path: '/hazards/:id/reject', allow: 'records.write', body: hazardStepSchemas.reject, answer: hazardSchema, summary: 'reject the rectification: dispatched again' }),
  'hazards.close': route({ method: 'POST', path: '/hazards/:id/close', allow: 'records.write', body: hazardStepSchemas.close, answer: hazardSchema, summary: 'close it (销号)' }),
} as const satisfies { [A in HazardAction as `hazards.${A}`]: RouteSpec } & Record<string, RouteSpec>;
