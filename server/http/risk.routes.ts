import type { RISK_ROUTES } from '../../shared/api/risk.js';
import type { RiskService } from '../services/risk.service.js';
import type { RouteHandlers } from './route-table.js';

/** The risk list, one school's risk with its history, the heat grid (shared/api/risk.ts); RiskService applies the scope. */
export function riskHandlers(risk: RiskService): RouteHandlers<typeof RISK_ROUTES> {
  return {
    'risk.list': ({ query, user }) => risk.list(query, user),
    'risk.school': ({ params, query, user }) => risk.school(params.id, query.days, user),
    'risk.heat': ({ query, user }) => risk.heat(query, user),
  };
}
