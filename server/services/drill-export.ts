import type { FileAnswer } from '../../shared/api/route.js';
import type { DrillDetail } from '../../shared/drill.js';
import { refusal } from '../../shared/refusal.js';
import { shanghaiDate } from '../../shared/time.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { HeavyPool } from '../workers/heavy-pool.js';
import type { DrillPdfAnswer } from '../workers/heavy-tasks.js';
import type { Actor } from './actor.js';
import type { Clock } from '../clock.js';
import { drillReportCsv, drillReportPdf, ReportFontMissing, type ReportInput } from './drill-report.js';
import type { DrillService } from './drill.service.js';
import { refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';

/** The PDF here when there is no pool (XIAOAN_WORKERS=0). */
async function pdfHere(input: ReportInput): Promise<DrillPdfAnswer> {
  try {
    return { ok: true, pdf: await drillReportPdf(input) };
  } catch (error) {
    if (error instanceof ReportFontMissing) return { ok: false, fontMissing: error.message };
    throw error;
  }
}

/**
 * A drill's report as a download (CSV here, PDF in the worker pool: font subsetting never holds
 * the event loop), within the person's scope, each export on the audit log.
 */
export class DrillExports {
  constructor(private readonly deps: { drills: DrillService; registry: RegistryService; clock: Clock; audit: AuditService; heavyPool: HeavyPool | null }) {}

  async csv(id: string, by: Actor): Promise<Outcome<FileAnswer>> {
    const visible = await this.deps.drills.visible(id, by.user);
    if (!visible.ok) return visible;
    const detail = visible.data;
    await this.deps.audit.append(actedBy(by, 'export.drill_csv', detail.drill.id));
    return { ok: true, data: { body: drillReportCsv(this.input(detail)), type: 'text/csv; charset=utf-8', name: reportName(detail, 'csv') } };
  }

  /** The PDF, or 501 when the report font is missing (the CSV has the same report). A full pool throws HeavyPoolBusy (503). */
  async pdf(id: string, by: Actor): Promise<Outcome<FileAnswer>> {
    const visible = await this.deps.drills.visible(id, by.user);
    if (!visible.ok) return visible;
    const detail = visible.data;
    const input = this.input(detail);
    const made = await (this.deps.heavyPool ? this.deps.heavyPool.drillPdf(input) : pdfHere(input));
    if (!made.ok) {
      return refuse(501, refusal(`无法生成 PDF 报告（${made.fontMissing}）：CSV 导出包含相同内容`, `the PDF report cannot be made: ${made.fontMissing}; the CSV export (export.csv) has the same report`));
    }
    await this.deps.audit.append(actedBy(by, 'export.drill_pdf', detail.drill.id));
    return { ok: true, data: { body: made.pdf, type: 'application/pdf', name: reportName(detail, 'pdf') } };
  }

  private input(detail: DrillDetail): ReportInput {
    return { detail, schoolName: this.deps.registry.school(detail.drill.schoolId)?.name ?? detail.drill.schoolId, now: this.deps.clock.now() };
  }
}

/** Named for the drill's day in Shanghai: a drill run at 00:30 on 12-04 is the 12-04 drill, not the UTC date's 12-03. */
function reportName(detail: DrillDetail, ext: string): string {
  return `drill-${detail.drill.schoolId}-${shanghaiDate(detail.drill.startedAt ?? detail.drill.plannedFor)}.${ext}`;
}
