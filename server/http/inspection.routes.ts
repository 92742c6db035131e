import type { INSPECTION_ROUTES } from '../../shared/api/inspections.js';
import type { InspectionService } from '../services/inspection.service.js';
import type { RouteHandlers } from './route-table.js';

/** The city's and counties' inspections and circulars (shared/api/inspections.ts); InspectionService checks scope and department. */
export function inspectionHandlers(inspections: InspectionService): RouteHandlers<typeof INSPECTION_ROUTES> {
  return {
    'inspections.list': ({ query, user }) => inspections.list(query, user),
    'inspections.get': ({ params, user }) => inspections.get(params.id, user),
    'inspections.create': ({ body, actor }) => inspections.create(body, actor),
    'inspections.circular': ({ params, body, actor }) => inspections.publishCircular(params.id, body, actor),
  };
}
