import type { REPORT_ROUTES } from '../../shared/api/reports.js';
import type { ReportService } from '../services/report.service.js';
import type { RouteHandlers } from './route-table.js';

/** The periodic reports (shared/api/reports.ts): the service checks the scope and writes the audit. */
export function reportHandlers(reports: ReportService): RouteHandlers<typeof REPORT_ROUTES> {
  return {
    'reports.list': ({ query, user }) => reports.list(query, user),
    'reports.generate': ({ body, actor }) => reports.generate(body, actor),
    'reports.get': ({ params, user }) => reports.get(params.id, user),
    'reports.pdf': ({ params, actor }) => reports.file(params.id, 'pdf', actor),
    'reports.xlsx': ({ params, actor }) => reports.file(params.id, 'xlsx', actor),
  };
}
