import { sql, type Kysely, type Selectable } from 'kysely';
import { auditDetailsSchema, parseJsonColumn } from './json-columns.js';
import type { AuditEntryView } from '../../shared/admin.js';
import type { Database } from './schema.js';

/** An entry as stored, with its id: what the API answers (shared/admin.ts). */
export type StoredAuditRow = AuditEntryView;

/** An entry as written. */
export type AuditRow = Omit<AuditEntryView, 'id'>;

/** Which entries a search wants (time bounds are ISO, `[since, until)`). */
export interface AuditFilter {
  actor?: string | undefined;
  /** The exact action, or (`actionPrefix`) every action it begins. */
  action?: string | undefined;
  actionPrefix?: boolean;
  since?: string | undefined;
  until?: string | undefined;
  /** Only entries older than this id (the page before). */
  before?: number | undefined;
  limit: number;
}

function toStored(r: Selectable<Database['audit_log']>): StoredAuditRow {
  return { id: Number(r.id), at: r.at, actor: r.actor, action: r.action, target: r.target, address: r.address, details: parseJsonColumn(auditDetailsSchema, r.details, `audit_log.details of ${r.id}`) };
}

/** The append-only audit log (triggers refuse UPDATE and DELETE). */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Appends an entry, inside a write's transaction (`db`) when given: the entry and the change it describes commit together. */
  async append(entry: AuditRow, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({ at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, address: entry.address, details: JSON.stringify(entry.details) })
      .execute();
  }

  /** Entries newest first. */
  async find(filter: AuditFilter): Promise<StoredAuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.actor) q = q.where('actor', '=', filter.actor);
    if (filter.action) {
      q = filter.actionPrefix ? q.where(sql<string>`substr(action, 1, ${filter.action.length})`, '=', filter.action) : q.where('action', '=', filter.action);
    }
    if (filter.since) q = q.where('at', '>=', filter.since);
    if (filter.until) q = q.where('at', '<', filter.until);
    if (filter.before) q = q.where('id', '<', filter.before);
    const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(toStored);
  }
}
