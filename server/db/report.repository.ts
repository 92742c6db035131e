import type { Kysely } from 'kysely';
import { reportFiguresSchema, type ReportFigures, type ReportKind, type ReportScope, type ReportSummary } from '../../shared/report.js';
import type { Database } from './schema.js';

/** A kept report as stored: its figures, its files. */
export interface StoredReport {
  summary: ReportSummary;
  figures: ReportFigures;
}

type Row = Omit<Database['reports'], 'pdf' | 'xlsx' | 'figures'>;

function summaryOf(row: Row): ReportSummary {
  return {
    id: row.id,
    kind: row.kind,
    scope: row.scope,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    label: row.label,
    createdAt: row.created_at,
    createdBy: row.created_by,
    pdfBytes: Number(row.pdf_bytes),
    xlsxBytes: Number(row.xlsx_bytes),
    alarms: Number(row.alarms),
  };
}

const LISTED = ['id', 'kind', 'period_from', 'period_to', 'label', 'scope', 'created_at', 'created_by', 'pdf_bytes', 'xlsx_bytes', 'alarms'] as const;

/** The periodic reports (`reports`, 0017). */
export class ReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** `db`: the transaction the report belongs to (with its audit entry). */
  async insert(report: { id: string; createdAt: string; createdBy: string; figures: ReportFigures; pdf: Uint8Array; xlsx: Uint8Array }, db: Kysely<Database> = this.db): Promise<ReportSummary> {
    const { figures } = report;
    const row = {
      id: report.id,
      kind: figures.period.kind,
      period_from: figures.period.from,
      period_to: figures.period.to,
      label: figures.period.label,
      scope: figures.scope,
      created_at: report.createdAt,
      created_by: report.createdBy,
      pdf_bytes: report.pdf.byteLength,
      xlsx_bytes: report.xlsx.byteLength,
      alarms: figures.alarms.total,
    };
    await db.insertInto('reports').values({ ...row, figures: JSON.stringify(figures), pdf: Buffer.from(report.pdf), xlsx: Buffer.from(report.xlsx) }).execute();
    return summaryOf(row);
  }

  /** Newest first (the list reads no figures and no files); `scopes` null: every scope. */
  async list(query: { kind?: ReportKind | undefined; scopes: ReportScope[] | null; limit: number }): Promise<ReportSummary[]> {
    let q = this.db.selectFrom('reports').select([...LISTED]);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.scopes) q = q.where('scope', 'in', query.scopes);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(summaryOf);
  }

  async get(id: string): Promise<StoredReport | null> {
    const row = await this.db.selectFrom('reports').select([...LISTED, 'figures']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return { summary: summaryOf(row), figures: reportFiguresSchema.parse(JSON.parse(row.figures)) };
  }

  async file(id: string, format: 'pdf' | 'xlsx'): Promise<Uint8Array | null> {
    const query = this.db.selectFrom('reports').where('id', '=', id);
    const data = format === 'pdf'
      ? (await query.select('pdf').executeTakeFirst())?.pdf
      : (await query.select('xlsx').executeTakeFirst())?.xlsx;
    return data === undefined ? null : new Uint8Array(Buffer.from(data));
  }

  /** Whether a report of this kind, scope and period was made already (the schedule makes each once). */
  async exists(kind: ReportKind, scope: ReportScope, periodFrom: string): Promise<boolean> {
    const row = await this.db.selectFrom('reports').select('id').where('kind', '=', kind).where('scope', '=', scope).where('period_from', '=', periodFrom).executeTakeFirst();
    return row !== undefined;
  }
}
