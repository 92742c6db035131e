import type { COMPLIANCE_ROUTES } from '../../shared/api/compliance.js';
import type { ComplianceDesk } from '../services/compliance-desk.js';
import type { Outcome } from '../services/outcome.js';
import type { RecordService } from '../services/record.service.js';
import type { RoutineService } from '../services/routine.service.js';
import type { RouteHandlers } from './route-table.js';

/**
 * The education-bureau desk (shared/api/compliance.ts): compliance as of a date, the 附件4
 * export, the school record with history, and drills, inspections, self-checks. The services
 * check the person's scope and write the audit entries.
 */
export function complianceHandlers(deps: { desk: ComplianceDesk; records: RecordService; routines: RoutineService }): RouteHandlers<typeof COMPLIANCE_ROUTES> {
  const { desk, records, routines } = deps;
  /** The data of an outcome shaped as the route answers it. */
  const shaped = async <T, U>(pending: Promise<Outcome<T>>, shape: (data: T) => U): Promise<Outcome<U>> => {
    const outcome = await pending;
    return outcome.ok ? { ok: true, data: shape(outcome.data) } : outcome;
  };
  return {
    'compliance.matrix': ({ query, user }) => desk.matrix(query, user),
    'compliance.schools': ({ query, user }) => desk.schools(query, user),
    'compliance.trend': ({ query, user }) => desk.trend(query, user),
    'compliance.exportXlsx': ({ query, actor }) => desk.export('xlsx', query, actor),
    'compliance.exportCsv': ({ query, actor }) => desk.export('csv', query, actor),
    'compliance.school': ({ params, query, user }) => desk.school(params.id, query.asOf, user),
    'records.get': ({ params, user }) => records.visible(params.id, user),
    'records.edit': ({ params, body, actor }) => records.edit(params.id, body, actor),
    'records.history': ({ params, query, user }) => records.visibleHistory(params.id, query.limit, user),
    'routines.drills': ({ params, user }) => shaped(routines.list('drills', params.id, user), (drills) => ({ schoolId: params.id, drills })),
    'routines.addDrill': ({ params, body, actor }) => routines.addDrill(params.id, body, actor),
    'routines.inspections': ({ params, user }) => shaped(routines.list('inspections', params.id, user), (inspections) => ({ schoolId: params.id, inspections })),
    'routines.addInspection': ({ params, body, actor }) => routines.addInspection(params.id, body, actor),
    'routines.selfChecks': ({ params, user }) => shaped(routines.list('self-checks', params.id, user), (selfChecks) => ({ schoolId: params.id, selfChecks })),
    'routines.addSelfCheck': ({ params, body, actor }) => routines.addSelfCheck(params.id, body, actor),
  };
}
