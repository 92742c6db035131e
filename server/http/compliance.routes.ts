import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import {
  complianceFilterSchema, drillInputSchema, inspectionInputSchema, localDate, recordEditSchema, RULE_IDS, selfCheckInputSchema, type RecordEdit,
} from '../../shared/compliance.js';
import { refusal, say } from '../../shared/refusal.js';
import type { ComplianceService } from '../services/compliance.service.js';
import type { ComplianceAnswer, ComplianceCall } from '../services/compliance-calls.js';
import type { Outcome } from '../services/outcome.js';
import type { RecordService } from '../services/record.service.js';
import type { RoutineKind, RoutineService } from '../services/routine.service.js';
import type { AuditService } from '../auth/audit.service.js';
import type { RegistryService } from '../services/registry.service.js';
import { heavy } from './heavy-limit.js';
import { refusedBody, sendRefusal, sendValidationError } from './refusal.js';
import { requireUser } from './route-policy.js';
import { narrowFilters, refuseOutside, schoolAllowed, scopeOf } from './scope.js';

const asOfQuery = complianceFilterSchema.extend({ asOf: localDate.optional() });
const schoolsQuery = asOfQuery.extend({
  rule: z.enum(RULE_IDS).optional(),
  status: z.enum(['pass', 'fail', 'pending', 'not_due', 'not_applicable', 'any']).default('fail'),
});
const trendQuery = complianceFilterSchema.extend({ from: localDate.optional(), to: localDate.optional(), step: z.enum(['month', 'week']).default('month') });
const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const routineInputs = { drills: drillInputSchema, inspections: inspectionInputSchema, 'self-checks': selfCheckInputSchema } as const;

/** At most this many trend points (five years of months). */
const MAX_TREND_POINTS = 60;

/** `{ error, message, fields, fieldMessages }`: the whole reason, and each field's own for a form to show beside it. `input` is what was parsed. */
export function validationError(res: Response, error: z.ZodError, input?: unknown): void {
  sendValidationError(res, error, input);
}

/** 404 for an unknown school id. */
const noSchool = (id: string) => refusal(`没有编号为 ${id} 的学校`, `no school ${id}`);

/** Answers a service outcome: 200/201 with the data, or its status with `{ error, fields? }`. */
export function answer<T>(res: Response, outcome: Outcome<T>, created = false): void {
  if (outcome.ok) res.status(created ? 201 : 200).json(outcome.data);
  else res.status(outcome.status).json(refusedBody(outcome));
}

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

/**
 * The education-bureau desk's data: compliance as of a date (matrix, drill-down, one school,
 * trend, the 附件4 export), the school record with history, and drills, inspections, self-checks.
 */
export function complianceRouter(deps: {
  compliance: ComplianceService;
  records: RecordService;
  routines: RoutineService;
  registry: RegistryService;
  audit: AuditService;
  /** The per-session limit of expensive reads (issue 12). */
  heavyReads: RequestHandler;
}): Router {
  const { compliance, records, routines, registry, heavyReads } = deps;
  /** An expensive read (worker pool): undefined after answering 503 when the pool's queue is full. */
  const read = (res: Response, call: ComplianceCall): Promise<ComplianceAnswer | undefined> => heavy(res, () => compliance.query(call));
  /** A JSON answer made as text where it was computed. */
  const sendJsonText = (res: Response, text: ComplianceAnswer | undefined) => {
    if (typeof text === 'string') res.type('application/json').send(text);
  };
  const note = (req: Request, action: string, target: string | null, details: Record<string, unknown>) =>
    deps.audit.append({ actor: requireUser(req).username, action, target, address: req.ip ?? null, details });

  /**
   * The district filter narrowed to the person's district; null after answering 403 (another
   * district asked for, or a school user: the aggregates cover other schools — a school user reads
   * its own school's page, `GET /schools/:id/compliance`).
   */
  const districtOf = <T extends { districtCode?: string | undefined }>(req: Request, res: Response, filters: T): T | null => {
    const scope = scopeOf(req, registry);
    if (scope.schoolId !== null) {
      sendRefusal(res, 403, refusal('学校用户只能查看本校：请打开本校页面', 'a school user sees its own school only: GET /api/v1/schools/<its id>/compliance'));
      return null;
    }
    const narrowed = narrowFilters(scope, registry, { districtCode: filters.districtCode });
    if (!narrowed) {
      refuseOutside(res, scope);
      return null;
    }
    return { ...filters, ...(narrowed.districtCode ? { districtCode: narrowed.districtCode } : {}) };
  };
  /** False after answering 403 when the school of `:id` lies outside the person's district or school. */
  const schoolOk = (req: Request, res: Response, id: string): boolean => {
    const scope = scopeOf(req, registry);
    if (schoolAllowed(scope, registry, id)) return true;
    refuseOutside(res, scope);
    return false;
  };
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.get('/compliance/matrix', heavyReads, async (req, res) => {
    const query = asOfQuery.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const { asOf, ...requested } = query.data;
    const filters = districtOf(req, res, requested);
    if (!filters) return;
    sendJsonText(res, await read(res, { method: 'matrix', asOf: asOf ?? compliance.today(), filters }));
  });

  router.get('/compliance/schools', heavyReads, async (req, res) => {
    const query = schoolsQuery.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const { asOf, rule, status, ...requested } = query.data;
    const filters = districtOf(req, res, requested);
    if (!filters) return;
    sendJsonText(res, await read(res, { method: 'schools', asOf: asOf ?? compliance.today(), filters, rule: rule ?? null, status }));
  });

  router.get('/compliance/trend', heavyReads, async (req, res) => {
    const query = trendQuery.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const { from: fromDate, to: toDate, step, ...requested } = query.data;
    const filters = districtOf(req, res, requested);
    if (!filters) return;
    const to = toDate ?? compliance.today();
    const from = fromDate ?? monthsBefore(to, 11);
    if (from > to) return void sendRefusal(res, 400, refusal(`起始日期（${from}）晚于截止日期（${to}）`, `from (${from}) is after to (${to})`), { from: say('晚于截止日期', 'is after to') });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if ((step === 'week' ? days / 7 : days / 30.4) > MAX_TREND_POINTS) {
      return void sendRefusal(res, 400, refusal(`最多 ${MAX_TREND_POINTS} 个点：请缩短时间范围或改用更长的步长`, `at most ${MAX_TREND_POINTS} points: narrow from/to or use a longer step`), {
        from: say('按此步长太久远', 'too far back for this step'),
      });
    }
    sendJsonText(res, await read(res, { method: 'trend', from, to, step, filters }));
  });

  router.get(['/compliance/export.xlsx', '/compliance/export.csv'], heavyReads, async (req, res) => {
    const query = asOfQuery.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const { asOf, ...requested } = query.data;
    const filters = districtOf(req, res, requested);
    if (!filters) return;
    const date = asOf ?? compliance.today();
    const xlsx = req.path.endsWith('.xlsx');
    const file = await read(res, { method: xlsx ? 'xlsx' : 'csv', asOf: date, filters });
    if (file === undefined || file === null) return;
    await note(req, xlsx ? 'export.compliance_xlsx' : 'export.compliance_csv', null, { asOf: date, filters });
    const name = `平顶山市安全防范统计表-${date}.${xlsx ? 'xlsx' : 'csv'}`;
    res.setHeader('content-disposition', `attachment; filename="xiaoan-compliance-${date}.${xlsx ? 'xlsx' : 'csv'}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    if (typeof file === 'string') res.type('text/csv; charset=utf-8').send(file);
    else res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  });

  router.get('/schools/:id/compliance', heavyReads, async (req: Request<{ id: string }>, res) => {
    const query = z.object({ asOf: localDate.optional() }).safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    if (!schoolOk(req, res, req.params.id)) return;
    const result = await read(res, { method: 'school', id: req.params.id, asOf: query.data.asOf ?? compliance.today() });
    if (result === null) return void sendRefusal(res, 404, noSchool(req.params.id));
    sendJsonText(res, result);
  });

  router.get('/schools/:id/record', async (req, res) => {
    if (!schoolOk(req, res, req.params.id)) return;
    const view = await records.get(req.params.id);
    if (!view) return void sendRefusal(res, 404, noSchool(req.params.id));
    res.json(view);
  });

  router.put('/schools/:id/record', json, async (req, res) => {
    const actor = requireUser(req).displayName;
    if (!schoolOk(req, res, req.params.id)) return;
    const edit = recordEditSchema.safeParse(req.body);
    if (!edit.success) return validationError(res, edit.error, req.body);
    const outcome = await records.edit(req.params.id, edit.data as RecordEdit, actor);
    if (outcome.ok) {
      const [latest] = await records.history(req.params.id, 1);
      await note(req, 'record.edit', `school:${req.params.id}`, { changes: latest?.actor === actor ? latest.changes : [], note: edit.data.note ?? null });
    }
    answer(res, outcome);
  });

  router.get('/schools/:id/record/history', async (req, res) => {
    const query = historyQuery.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    if (!schoolOk(req, res, req.params.id)) return;
    if (!(await records.get(req.params.id))) return void sendRefusal(res, 404, noSchool(req.params.id));
    res.json({ schoolId: req.params.id, history: await records.history(req.params.id, query.data.limit) });
  });

  for (const kind of Object.keys(routineInputs) as RoutineKind[]) {
    const key = kind === 'self-checks' ? 'selfChecks' : kind;
    router.get(`/schools/:id/${kind}`, async (req, res) => {
      if (!schoolOk(req, res, req.params.id)) return;
      const list = await routines.list(kind, req.params.id);
      if (!list) return void sendRefusal(res, 404, noSchool(req.params.id));
      res.json({ schoolId: req.params.id, [key]: list });
    });
    router.post(`/schools/:id/${kind}`, json, async (req, res) => {
      const actor = requireUser(req).displayName;
      if (!schoolOk(req, res, req.params.id)) return;
      const input = routineInputs[kind].safeParse(req.body);
      if (!input.success) return validationError(res, input.error, req.body);
      const outcome = await routines.add(kind, req.params.id, input.data as never, actor);
      if (outcome.ok) await note(req, `routine.${kind}`, `school:${req.params.id}`, { record: outcome.data });
      answer(res, outcome, true);
    });
  }
  return router;
}
