import type { Kysely } from 'kysely';
import { AuditRepository } from '../db/audit.repository.js';
import type { Database } from '../db/schema.js';
import type { Actor } from '../services/actor.js';
import type { Clock } from '../clock.js';

/** What the audit log records: sign-ins, alarm actions, record edits, exports, token changes. */
export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  address?: string | null;
  details?: Record<string, unknown>;
}

/** An entry for what a person did: their username and address, the action, its target and details. */
export function actedBy(actor: Actor, action: string, target: string | null, details: Record<string, unknown> = {}): AuditEntry {
  return { actor: actor.user.username, action, target, address: actor.address, details };
}

/** A stored entry. */
export interface AuditRecord extends Required<Omit<AuditEntry, 'details'>> {
  id: number;
  at: string;
  details: Record<string, unknown>;
}

/** The append-only audit log (the database refuses updates and deletes). */
export class AuditService {
  private readonly log: AuditRepository;

  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock }) {
    this.log = new AuditRepository(deps.db);
  }

  /** Appends an entry; inside a write's transaction (`db`), so the entry and the change it describes commit together. */
  async append(entry: AuditEntry, db: Kysely<Database> = this.deps.db): Promise<void> {
    await this.log.append(
      { at: new Date(this.deps.clock.now()).toISOString(), actor: entry.actor, action: entry.action, target: entry.target ?? null, address: entry.address ?? null, details: entry.details ?? {} },
      db,
    );
  }

  /** Newest first, filtered by actor, action and time. */
  async search(query: { actor?: string; action?: string; since?: string; until?: string; limit: number }): Promise<AuditRecord[]> {
    return this.log.find(query);
  }

  /**
   * One page, newest first: filtered by actor (exact), action (prefix: `auth.` finds every sign-in
   * entry) and time [from, to); `cursor` continues after the previous page's last entry.
   */
  async page(query: { actor?: string | undefined; action?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; cursor?: number | undefined }): Promise<{ entries: AuditRecord[]; nextCursor: number | null }> {
    const rows = await this.log.find({
      actor: query.actor,
      action: query.action,
      actionPrefix: true,
      since: query.from ? new Date(query.from).toISOString() : undefined,
      until: query.to ? new Date(query.to).toISOString() : undefined,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const entries = rows.slice(0, query.limit);
    return { entries, nextCursor: rows.length > query.limit ? (entries.at(-1)?.id ?? null) : null };
  }
}
