import type { SCHOOL_ROUTES } from '../../shared/api/school.js';
import type { SchoolSosService } from '../services/school-sos.service.js';
import type { RouteHandlers } from './route-table.js';

/** The school's own page (shared/api/school.ts): its 一键报警; the service checks the person is at a school. */
export function schoolHandlers(sos: SchoolSosService): RouteHandlers<typeof SCHOOL_ROUTES> {
  return {
    'school.sos': ({ body, actor }) => sos.raise(body, actor),
  };
}
