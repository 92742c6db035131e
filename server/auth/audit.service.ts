import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';

/** What the audit log records: sign-ins, alarm actions, record edits, exports, token changes. */
export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  address?: string | null;
  details?: Record<string, unknown>;
}

/** A stored entry. */
export interface AuditRecord extends Required<Omit<AuditEntry, 'details'>> {
  id: number;
  at: string;
  details: Record<string, unknown>;
}

/** The append-only audit log (the database refuses updates and deletes). */
export class AuditService {
  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock }) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.deps.db
      .insertInto('audit_log')
      .values({
        at: new Date(this.deps.clock.now()).toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        address: entry.address ?? null,
        details: JSON.stringify(entry.details ?? {}),
      })
      .execute();
  }

  /** Newest first, filtered by actor, action and time. */
  async search(query: { actor?: string; action?: string; since?: string; until?: string; limit: number }): Promise<AuditRecord[]> {
    let q = this.deps.db.selectFrom('audit_log').selectAll();
    if (query.actor) q = q.where('actor', '=', query.actor);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.since) q = q.where('at', '>=', query.since);
    if (query.until) q = q.where('at', '<', query.until);
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({ id: Number(r.id), at: r.at, actor: r.actor, action: r.action, target: r.target, address: r.address, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  /**
   * One page, newest first: filtered by actor (exact), action (prefix: `auth.` finds every sign-in
   * entry) and time [from, to); `cursor` continues after the previous page's last entry.
   */
  async page(query: { actor?: string | undefined; action?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; cursor?: number | undefined }): Promise<{ entries: AuditRecord[]; nextCursor: number | null }> {
    let q = this.deps.db.selectFrom('audit_log').selectAll();
    if (query.actor) q = q.where('actor', '=', query.actor);
    if (query.action) q = q.where(sql<string>`substr(action, 1, ${query.action.length})`, '=', query.action);
    if (query.from) q = q.where('at', '>=', new Date(query.from).toISOString());
    if (query.to) q = q.where('at', '<', new Date(query.to).toISOString());
    if (query.cursor) q = q.where('id', '<', query.cursor);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    const entries = rows.slice(0, query.limit).map((r) => ({ id: Number(r.id), at: r.at, actor: r.actor, action: r.action, target: r.target, address: r.address, details: JSON.parse(r.details) as Record<string, unknown> }));
    return { entries, nextCursor: rows.length > query.limit ? (entries.at(-1)?.id ?? null) : null };
  }
}
