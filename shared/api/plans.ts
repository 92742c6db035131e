import { z } from 'zod';
import { ALARM_TYPES } from '../domain/alarm.js';
import { emergencyCardSchema, peopleSaveSchema, planSaveSchema, schoolPlanHistorySchema, schoolPlanViewSchema } from '../domain/school-plan.js';
import { bilingual as b } from '../zod-text.js';
import { route } from './route.js';

/** `GET /schools/:id/plan/history`: the newest `limit` versions of each. */
export const planHistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
/** `GET /schools/:id/emergency-card`: the alarm's type, whose steps the card shows. */
export const emergencyCardQuery = z.object({ type: z.enum(ALARM_TYPES, { error: b(`type must be one of ${ALARM_TYPES.join(', ')}`, `type 须为报警类型之一：${ALARM_TYPES.join('、')}`) }) });

/**
 * A school's people (校长, 保卫干部, 法制副校长) and emergency plan (预案, 一校一案, issue 14):
 * read by anyone who may read the school (police operators included), saved as a new version by
 * the school for itself and by the education bureau within its district (`records.write`), and
 * the emergency card an alarm card shows. Scope is checked by PlanService.
 */
export const PLAN_ROUTES = {
  'plans.get': route({ method: 'GET', path: '/schools/:id/plan', allow: 'read', answer: schoolPlanViewSchema, summary: 'the school’s current people and emergency plan (预案)' }),
  'plans.history': route({ method: 'GET', path: '/schools/:id/plan/history', allow: 'read', query: planHistoryQuery, answer: schoolPlanHistorySchema, summary: 'the saved versions of the people and the plan, newest first' }),
  'plans.savePeople': route({ method: 'PUT', path: '/schools/:id/people', allow: 'records.write', body: peopleSaveSchema, answer: schoolPlanViewSchema, summary: 'save the school’s people as a new version' }),
  'plans.savePlan': route({ method: 'PUT', path: '/schools/:id/plan', allow: 'records.write', body: planSaveSchema, answer: schoolPlanViewSchema, summary: 'save the emergency plan as a new version' }),
  'plans.emergencyCard': route({
    method: 'GET', path: '/schools/:id/emergency-card', allow: 'signed-in', query: emergencyCardQuery, answer: emergencyCardSchema,
    summary: 'the school on an alarm card: people, 护学岗 on duty today, the plan’s steps for the alarm type',
  }),
} as const;
