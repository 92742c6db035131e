import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { InspectionCampaign, InspectionCircular, InspectionFinding } from '../../shared/inspections.js';
import { parseJsonColumn } from './json-columns.js';
import type { Database } from './schema.js';

const findingsSchema = z.array(z.object({ schoolId: z.string(), text: z.string() })) satisfies z.ZodType<InspectionFinding[]>;
const circularSchema = z.object({ publishedAt: z.string(), publishedBy: z.string(), text: z.string(), findings: findingsSchema }) satisfies z.ZodType<InspectionCircular>;

type Row = Database['inspection_campaigns'];

function fromRow(row: Row): InspectionCampaign {
  const where = (column: string) => `inspection_campaigns.${column} of ${row.id}`;
  return {
    id: row.id,
    department: row.department,
    level: row.level,
    districtCode: row.district_code,
    term: { start: row.term_start, end: row.term_end },
    title: row.title,
    startDate: row.start_date,
    endDate: row.end_date,
    schoolIds: parseJsonColumn(z.array(z.string()), row.school_ids, where('school_ids')),
    findings: parseJsonColumn(findingsSchema, row.findings, where('findings')),
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    circular: row.circular === null ? null : parseJsonColumn(circularSchema, row.circular, where('circular')),
  };
}

/** Rows per multi-row INSERT (seeding): well under both engines' parameter limits. */
const CHUNK = 200;

/** The inspection campaigns table (migration 0015). */
export class InspectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The campaigns of the term starting `termStart`, oldest first. */
  async ofTerm(termStart: string): Promise<InspectionCampaign[]> {
    const rows = await this.db.selectFrom('inspection_campaigns').selectAll().where('term_start', '=', termStart).orderBy('start_date').orderBy('id').execute();
    return rows.map(fromRow);
  }

  async get(db: Kysely<Database>, id: string): Promise<InspectionCampaign | null> {
    const row = await db.selectFrom('inspection_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async add(db: Kysely<Database>, campaigns: readonly InspectionCampaign[]): Promise<void> {
    for (let i = 0; i < campaigns.length; i += CHUNK) {
      const rows = campaigns.slice(i, i + CHUNK).map((c) => ({
        id: c.id, department: c.department, level: c.level, district_code: c.districtCode, term_start: c.term.start, term_end: c.term.end,
        title: c.title, start_date: c.startDate, end_date: c.endDate, school_ids: JSON.stringify(c.schoolIds), findings: JSON.stringify(c.findings),
        recorded_by: c.recordedBy, recorded_at: c.recordedAt, circular: c.circular ? JSON.stringify(c.circular) : null,
      }));
      await db.insertInto('inspection_campaigns').values(rows).execute();
    }
  }

  /** Sets the circular of a campaign that has none; false when it already had one (or is gone). */
  async publish(db: Kysely<Database>, id: string, circular: InspectionCircular): Promise<boolean> {
    const result = await db.updateTable('inspection_campaigns').set({ circular: JSON.stringify(circular) }).where('id', '=', id).where('circular', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
