import { riskHeatQuery, riskHeatSchema, riskListQuery, riskListSchema, riskSchoolQuery, riskSchoolSchema } from '../risk.js';
import { route } from './route.js';

/**
 * The school risk list and heat grid (风险清单 / 动态预警, issue 15): read by anyone who may read,
 * within their scope — a district user sees their district, a school user their own school
 * (RiskService filters; a school outside the scope is a 404, as if unknown). The scores are the
 * server's (shared/rules/risk.ts over the school's recent inputs; docs/risk.md).
 */
export const RISK_ROUTES = {
  'risk.list': route({
    method: 'GET', path: '/risk/schools', allow: 'read', query: riskListQuery, answer: riskListSchema,
    summary: 'the risk list: schools by score with their level and contributions, filtered by district, stage, level',
  }),
  'risk.school': route({
    method: 'GET', path: '/risk/schools/:id', allow: 'read', query: riskSchoolQuery, answer: riskSchoolSchema,
    summary: 'one school’s current risk with its contributions and its score history',
  }),
  'risk.heat': route({
    method: 'GET', path: '/risk/heat', allow: 'read', query: riskHeatQuery, answer: riskHeatSchema,
    summary: 'the risk heat grid over the city (about 1 km cells, weights from the scores)',
  }),
} as const;
