import type { ReportFigures } from '../../shared/report.js';
import { ReportFontMissing } from './drill-report.js';
import { reportFigures, type ReportSources } from './report-figures.js';
import { reportPdf } from './report-pdf.js';
import { reportXlsx } from './report-xlsx.js';

/** A made report, or why it could not be made (the shipped font is missing). */
export type ReportAnswer = { ok: true; figures: ReportFigures; pdf: Uint8Array; xlsx: Uint8Array } | { ok: false; fontMissing: string };

/** Figures, PDF and xlsx from what was read: run in the worker pool (or here when there is none). */
export async function makeReport(sources: ReportSources): Promise<ReportAnswer> {
  const figures = reportFigures(sources);
  try {
    const [pdf, xlsx] = await Promise.all([reportPdf(figures), reportXlsx(figures)]);
    return { ok: true, figures, pdf, xlsx };
  } catch (error) {
    if (error instanceof ReportFontMissing) return { ok: false, fontMissing: error.message };
    throw error;
  }
}
