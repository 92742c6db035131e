import { z } from 'zod';
import { reportAnswerSchema, reportGenerateSchema, reportListQuerySchema, reportSummarySchema } from '../report.js';
import { route } from './route.js';

/**
 * The periodic report (定期分析研判, issue 15 item 3): weekly and monthly, per city and per
 * district, kept with its PDF and xlsx. A district person lists, makes and downloads only their
 * own district's reports; a city-level person any. Each generation and download is on the audit log.
 */
export const REPORT_ROUTES = {
  'reports.list': route({ method: 'GET', path: '/reports', allow: 'export', query: reportListQuerySchema, answer: z.object({ reports: z.array(reportSummarySchema) }), summary: 'kept periodic reports in the person’s scope, newest first' }),
  'reports.generate': route({ method: 'POST', path: '/reports', allow: 'export', body: reportGenerateSchema, answer: reportAnswerSchema, status: 201, heavy: true, summary: 'make a weekly or monthly report now (in the worker pool) and keep it' }),
  'reports.get': route({ method: 'GET', path: '/reports/:id', allow: 'export', answer: reportAnswerSchema, summary: 'one kept report with its figures' }),
  'reports.pdf': route({ method: 'GET', path: '/reports/:id/report.pdf', allow: 'export', answer: 'file', summary: 'a kept report as its A4 PDF' }),
  'reports.xlsx': route({ method: 'GET', path: '/reports/:id/report.xlsx', allow: 'export', answer: 'file', summary: 'a kept report’s figures as .xlsx' }),
} as const;
