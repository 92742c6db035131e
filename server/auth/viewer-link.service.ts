import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreatedViewerLink, ViewerLinkView } from '../../shared/admin.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ViewerLinkRepository, type ViewerLinkRow } from '../db/viewer-link.repository.js';
import type { Actor } from '../services/actor.js';
import type { Clock } from '../clock.js';
import { actedBy, type AuditService } from './audit.service.js';
import { kioskUser, type AuthService } from './auth.service.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function toView(row: ViewerLinkRow): ViewerLinkView {
  return {
    id: Number(row.id),
    name: row.name,
    districtCode: row.district_code,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/**
 * Kiosk viewer links: a long key in a URL (`/kiosk?key=…`) that signs a big screen in as a
 * read-only viewer of the city or one district. Stored as SHA-256; revoking ends its sessions
 * (and, through `AuthService.onSessionsEnded`, disconnects its sockets) at once. Every change and
 * every exchange of a key (or refused key) is audited, beside the write it describes.
 */
export class ViewerLinkService {
  private readonly links: ViewerLinkRepository;

  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; auth: AuthService; audit: AuditService }) {
    this.links = new ViewerLinkRepository(deps.db);
  }

  async list(): Promise<ViewerLinkView[]> {
    return (await this.links.list()).map(toView);
  }

  /** A new link for a screen of the city (`districtCode` null) or one district, made by `by`: the answer carries its key, never shown again. */
  async create(name: string, districtCode: string | null, by: Actor): Promise<CreatedViewerLink> {
    const key = randomBytes(32).toString('base64url');
    const row = await inTransaction(this.deps, async (trx) => {
      const created = await this.links.insert({ name, keyHash: sha256(key), prefix: key.slice(0, 6), districtCode, createdBy: by.user.username, createdAt: new Date(this.deps.clock.now()).toISOString() }, trx);
      await this.deps.audit.append(actedBy(by, 'viewer_link.create', `viewer-link:${Number(created.id)}`, { name: created.name, districtCode: created.district_code, prefix: created.prefix }), trx);
      return created;
    });
    return { ...toView(row), key, url: `/kiosk?key=${encodeURIComponent(key)}` };
  }

  /** Revokes a link (idempotent, audited each time) and ends its sessions; null when there is no such link. */
  async revoke(id: number, by: Actor): Promise<ViewerLinkView | null> {
    const row = await inTransaction(this.deps, async (trx) => {
      const existing = await this.links.get(id, trx);
      if (!existing) return null;
      const revoked = existing.revoked_at ? existing : await this.links.revoke(id, new Date(this.deps.clock.now()).toISOString(), trx);
      await this.deps.audit.append(actedBy(by, 'viewer_link.revoke', `viewer-link:${id}`, { name: revoked.name }), trx);
      return revoked;
    });
    if (!row) return null;
    await this.deps.auth.endViewerLinkSessions(id);
    return toView(row);
  }

  /**
   * Exchanges a key for a kiosk session: its token and the viewer it stands for; null for an
   * unknown or revoked key. Audited either way (`auth.kiosk`, `auth.kiosk_failed`).
   */
  async exchange(key: string, address: string | null): Promise<{ token: string; user: SessionUser; link: ViewerLinkView } | null> {
    const row = await this.links.findByKeyHash(sha256(key));
    if (!row || row.revoked_at) {
      await this.deps.audit.append({ actor: 'kiosk', action: 'auth.kiosk_failed', address });
      return null;
    }
    const now = new Date(this.deps.clock.now()).toISOString();
    await this.links.markUsed(Number(row.id), now);
    const token = await this.deps.auth.startKioskSession(Number(row.id), address);
    const user = kioskUser(row);
    await this.deps.audit.append({ actor: user.username, action: 'auth.kiosk', target: `viewer-link:${Number(row.id)}`, address, details: { name: row.name } });
    return { token, user, link: toView({ ...row, last_used_at: now }) };
  }
}
