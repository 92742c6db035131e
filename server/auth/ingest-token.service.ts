import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreatedIngestToken, IngestTokenView } from '../../shared/admin.js';
import { IngestTokenRepository, type IngestTokenRow } from '../db/ingest-token.repository.js';
import type { Database } from '../db/schema.js';
import type { IngestCaller } from '../http/caller.js';
import type { Logger } from '../logger.js';
import { inTransaction } from '../db/transaction.js';
import type { Actor } from '../services/actor.js';
import type { Clock } from '../clock.js';
import { actedBy, type AuditService } from './audit.service.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function toView(row: IngestTokenRow): IngestTokenView {
  return { id: Number(row.id), name: row.name, prefix: row.prefix, createdBy: row.created_by, createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
}

/** How long a known token's last use may lag in the database. */
const LAST_USED_EVERY_MS = 60_000;
/**
 * How long a cached token is trusted before the database is asked again: a revoke on this node
 * drops it at once; one made on another node (several servers behind a balancer) within this.
 */
const RECHECK_EVERY_MS = 5_000;

/**
 * Ingest tokens, one per integration (gateway, vendor platform), stored as SHA-256 with a short
 * prefix for display; the token itself is shown once. The built-in token (XIAOAN_INGEST_TOKEN or
 * the stored default) keeps working as integration 0. Lookups are cached in memory: a gateway
 * sending thousands of events a second costs no query per request; revoking drops the cache
 * entry, so the very next request is refused.
 */
export class IngestTokenService {
  private readonly builtIn: Buffer;
  /** Known (not revoked) tokens by hash. Unknown tokens are not cached: a flood of guesses cannot grow it. */
  private readonly cache = new Map<string, { id: number; name: string; lastUsedWritten: number; checkedAt: number }>();
  /** Counts revocations, so a lookup that raced one does not cache a token just revoked. */
  private revocations = 0;
  private readonly tokens: IngestTokenRepository;

  /** `audit`: every token made or revoked is written to it, in the same transaction. */
  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; builtInToken: string; log: Logger; audit: AuditService }) {
    this.builtIn = createHash('sha256').update(deps.builtInToken).digest();
    this.tokens = new IngestTokenRepository(deps.db);
  }

  /** The integration a bearer token belongs to, or null when it is unknown or revoked. */
  async authenticate(token: string): Promise<IngestCaller | null> {
    const digest = createHash('sha256').update(token).digest();
    if (timingSafeEqual(digest, this.builtIn)) return { tokenId: 0, name: 'built-in' };
    const hash = digest.toString('hex');
    let entry = this.cache.get(hash);
    const stale = entry && this.deps.clock.now() - entry.checkedAt > RECHECK_EVERY_MS ? entry : undefined;
    if (stale) {
      this.cache.delete(hash);
      entry = undefined;
    }
    while (!entry) {
      const generation = this.revocations;
      const row = await this.tokens.findByHash(hash);
      if (!row || row.revoked_at) return null;
      // A revoke that ran while this lookup was in flight may be about this token: look again.
      if (generation !== this.revocations) continue;
      entry = { id: Number(row.id), name: row.name, lastUsedWritten: stale?.lastUsedWritten ?? 0, checkedAt: this.deps.clock.now() };
      this.cache.set(hash, entry);
    }
    const now = this.deps.clock.now();
    if (now - entry.lastUsedWritten > LAST_USED_EVERY_MS) {
      entry.lastUsedWritten = now;
      this.tokens
        .markUsed(entry.id, new Date(now).toISOString())
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'could not note an ingest token as used'));
    }
    return { tokenId: entry.id, name: entry.name };
  }

  async list(): Promise<IngestTokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  /** A new token for an integration, made by `by`: the answer carries the token, which is never shown again. */
  async create(name: string, by: Actor): Promise<CreatedIngestToken> {
    const token = `xa_${randomBytes(24).toString('base64url')}`;
    const row = await inTransaction(this.deps, async (trx) => {
      const created = await this.tokens.insert({ name, tokenHash: sha256(token), prefix: token.slice(0, 9), createdBy: by.user.username, createdAt: new Date(this.deps.clock.now()).toISOString() }, trx);
      await this.deps.audit.append(actedBy(by, 'token.create', `token:${Number(created.id)}`, { name: created.name, prefix: created.prefix }), trx);
      return created;
    });
    return { ...toView(row), token };
  }

  /** Revokes a token at once (idempotent, audited each time); null when there is no such token. */
  async revoke(id: number, by: Actor): Promise<IngestTokenView | null> {
    const existing = await this.tokens.get(id);
    if (!existing) return null;
    this.forget(existing.token_hash);
    const row = await inTransaction(this.deps, async (trx) => {
      const revoked = existing.revoked_at ? existing : await this.tokens.revoke(id, new Date(this.deps.clock.now()).toISOString(), trx);
      await this.deps.audit.append(actedBy(by, 'token.revoke', `token:${id}`, { name: revoked.name, prefix: revoked.prefix }), trx);
      return revoked;
    });
    this.forget(existing.token_hash);
    return toView(row);
  }

  private forget(hash: string): void {
    this.revocations++;
    this.cache.delete(hash);
  }
}
