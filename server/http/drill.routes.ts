import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { inScope, type SessionUser } from '../../shared/auth.js';
import {
  drillCancelSchema, drillCheckSchema, drillListQuerySchema, drillPlanSchema, drillReplanSchema, drillStartSchema, type Drill, type DrillAnswer, type DrillDetail,
} from '../../shared/drill.js';
import { scoreDrill } from '../../shared/rules/drill-score.js';
import type { AuditService } from '../auth/audit.service.js';
import type { Clock } from '../clock.js';
import { drillReportCsv, drillReportPdf, ReportFontMissing, type ReportInput } from '../services/drill-report.js';
import type { DrillService } from '../services/drill.service.js';
import type { Outcome } from '../services/outcome.js';
import type { RegistryService } from '../services/registry.service.js';
import { validationError } from './compliance.routes.js';
import { refusal } from '../../shared/refusal.js';
import { shanghaiDate, shanghaiDateTime } from '../../shared/time.js';
import type { DrillPdfAnswer } from '../workers/heavy-tasks.js';
import type { HeavyPool } from '../workers/heavy-pool.js';
import { heavy } from './heavy-limit.js';
import { refusedBody, sendRefusal } from './refusal.js';
import { requireUser } from './route-policy.js';

interface DrillRouteDeps {
  drills: DrillService;
  registry: RegistryService;
  clock: Clock;
  audit: AuditService;
  /** The per-session limit of expensive reads, and the worker pool the PDF is made in (issue 12). */
  heavyReads: RequestHandler;
  heavyPool: HeavyPool | null;
}

/** The PDF here when there is no pool (XIAOAN_WORKERS=0). */
async function pdfHere(input: ReportInput): Promise<DrillPdfAnswer> {
  try {
    return { ok: true, pdf: await drillReportPdf(input) };
  } catch (error) {
    if (error instanceof ReportFontMissing) return { ok: false, fontMissing: error.message };
    throw error;
  }
}

const OUT_OF_SCOPE = refusal('该演练不在您的区县或学校范围内', 'this drill is outside your district or school');

function answerOf(detail: DrillDetail, clock: Clock): DrillAnswer {
  return { ...detail, score: scoreDrill(detail.drill, detail.alarm, clock.now()) };
}

const sees = (user: SessionUser, drill: Pick<Drill, 'districtCode' | 'schoolId'>): boolean => inScope(user, { districtCode: drill.districtCode, schoolId: drill.schoolId });

/**
 * Live drills (应急演练): `GET/POST /drills`, `GET /drills/:id` (with the score card and
 * timeline), `POST /drills/:id/start|replan|end|cancel`, `PUT /drills/:id/checklist/:itemId`, and the
 * report `GET /drills/:id/export.csv|pdf`. Every route applies the person's district/school scope.
 */
export function drillRouter(deps: DrillRouteDeps): Router {
  const { drills, registry, clock, audit } = deps;
  const note = (req: Request, action: string, target: string, details: Record<string, unknown> = {}) =>
    audit.append({ actor: requireUser(req).username, action, target, address: req.ip ?? null, details });
  const router = Router();
  const json = express.json({ limit: '32kb' });

  /** The drill of `:id` if it exists and the person may see it; otherwise answered 404/403 and null. */
  async function visible(req: Request<{ id: string }>, res: Response): Promise<DrillDetail | null> {
    const detail = await drills.detail(req.params.id);
    if (!detail) {
      sendRefusal(res, 404, refusal(`没有编号为 ${req.params.id} 的演练`, `no drill ${req.params.id}`));
      return null;
    }
    if (!sees(requireUser(req), detail.drill)) {
      sendRefusal(res, 403, OUT_OF_SCOPE);
      return null;
    }
    return detail;
  }

  /** Answers the outcome; a change that happened goes on the audit log first. */
  async function reply(req: Request, res: Response, action: string, outcome: Outcome<DrillDetail>, details: Record<string, unknown> = {}, created = false): Promise<void> {
    if (outcome.ok) await note(req, action, outcome.data.drill.id, { schoolId: outcome.data.drill.schoolId, state: outcome.data.drill.state, ...details });
    if (outcome.ok) res.status(created ? 201 : 200).json(answerOf(outcome.data, clock));
    else res.status(outcome.status).json(refusedBody(outcome));
  }

  router.get('/drills', async (req, res) => {
    const query = drillListQuerySchema.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const user = requireUser(req);
    const { state, schoolId, limit } = query.data;
    const list = await drills.list({
      limit,
      ...(state !== 'all' ? { state } : {}),
      ...(schoolId ? { schoolId } : user.role === 'school_user' && user.schoolId ? { schoolId: user.schoolId } : {}),
      ...(user.districtCode ? { districtCode: user.districtCode } : {}),
    });
    res.json({ drills: list.filter((drill) => sees(user, drill)) });
  });

  router.post('/drills', json, async (req, res) => {
    const plan = drillPlanSchema.safeParse(req.body);
    if (!plan.success) return validationError(res, plan.error, req.body);
    const user = requireUser(req);
    const school = registry.school(plan.data.schoolId);
    if (school && !inScope(user, { districtCode: school.districtCode, schoolId: school.id })) return void sendRefusal(res, 403, refusal('该学校不在您的区县或学校范围内', 'this school is outside your district or school'));
    await reply(req, res, 'drill.plan', await drills.plan(plan.data, user.displayName), { scenario: plan.data.scenario }, true);
  });

  router.get('/drills/:id', async (req, res) => {
    const detail = await visible(req, res);
    if (detail) res.json(answerOf(detail, clock));
  });

  router.post('/drills/:id/start', json, async (req, res) => {
    const body = drillStartSchema.safeParse(req.body ?? {});
    if (!body.success) return validationError(res, body.error, req.body);
    if (!(await visible(req, res))) return;
    await reply(req, res, 'drill.start', await drills.start(req.params.id, requireUser(req).displayName, body.data.raiseAlarm), { raiseAlarm: body.data.raiseAlarm });
  });

  router.post('/drills/:id/replan', json, async (req, res) => {
    const body = drillReplanSchema.safeParse(req.body);
    if (!body.success) return validationError(res, body.error, req.body);
    const before = await visible(req, res);
    if (!before) return;
    const outcome = await drills.replan(req.params.id, body.data.plannedFor, requireUser(req).displayName, body.data.note);
    await reply(req, res, 'drill.replan', outcome, { from: before.drill.plannedFor, plannedFor: shanghaiDateTime(body.data.plannedFor), note: body.data.note ?? null });
  });

  router.post('/drills/:id/end', json, async (req, res) => {
    if (!(await visible(req, res))) return;
    await reply(req, res, 'drill.end', await drills.end(req.params.id, requireUser(req).displayName));
  });

  router.post('/drills/:id/cancel', json, async (req, res) => {
    const body = drillCancelSchema.safeParse(req.body);
    if (!body.success) return validationError(res, body.error, req.body);
    if (!(await visible(req, res))) return;
    await reply(req, res, 'drill.cancel', await drills.cancel(req.params.id, requireUser(req).displayName, body.data.note), { note: body.data.note });
  });

  router.put('/drills/:id/checklist/:itemId', json, async (req, res) => {
    const body = drillCheckSchema.safeParse(req.body);
    if (!body.success) return validationError(res, body.error, req.body);
    if (!(await visible(req, res))) return;
    await reply(req, res, 'drill.checklist', await drills.check(req.params.id, req.params.itemId, body.data.checked, requireUser(req).displayName), { itemId: req.params.itemId, checked: body.data.checked });
  });

  // Named for the drill's day in Shanghai: a drill run at 00:30 on 12-04 is the 12-04 drill, not the UTC date's 12-03.
  const reportName = (detail: DrillDetail, ext: string) => `drill-${detail.drill.schoolId}-${shanghaiDate(detail.drill.startedAt ?? detail.drill.plannedFor)}.${ext}`;
  const schoolName = (detail: DrillDetail) => registry.school(detail.drill.schoolId)?.name ?? detail.drill.schoolId;

  router.get('/drills/:id/export.csv', deps.heavyReads, async (req: Request<{ id: string }>, res) => {
    const detail = await visible(req, res);
    if (!detail) return;
    await note(req, 'export.drill_csv', detail.drill.id);
    res.type('text/csv; charset=utf-8').attachment(reportName(detail, 'csv'));
    res.send(drillReportCsv({ detail, schoolName: schoolName(detail), now: clock.now() }));
  });

  // The PDF (font subsetting, layout) is made in the worker pool: it never holds the event loop.
  router.get('/drills/:id/export.pdf', deps.heavyReads, async (req: Request<{ id: string }>, res) => {
    const detail = await visible(req, res);
    if (!detail) return;
    const input: ReportInput = { detail, schoolName: schoolName(detail), now: clock.now() };
    const made = await heavy(res, () => (deps.heavyPool ? deps.heavyPool.drillPdf(input) : pdfHere(input)));
    if (!made) return;
    if (!made.ok) {
      return void sendRefusal(res, 501, refusal(`无法生成 PDF 报告（${made.fontMissing}）：CSV 导出包含相同内容`, `the PDF report cannot be made: ${made.fontMissing}; the CSV export (export.csv) has the same report`));
    }
    await note(req, 'export.drill_pdf', detail.drill.id);
    res.type('application/pdf').attachment(reportName(detail, 'pdf'));
    res.send(Buffer.from(made.pdf.buffer, made.pdf.byteOffset, made.pdf.byteLength));
  });

  return router;
}
