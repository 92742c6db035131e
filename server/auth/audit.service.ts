import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../services/clock.js';

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
}
