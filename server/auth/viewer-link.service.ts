import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreatedViewerLink, ViewerLinkView } from '../../shared/admin.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import { ViewerLinkRepository, type ViewerLinkRow } from '../db/viewer-link.repository.js';
import type { Clock } from '../clock.js';
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
 * (and, through `AuthService.onSessionsEnded`, disconnects its sockets) at once.
 */
export class ViewerLinkService {
  private readonly links: ViewerLinkRepository;

  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; auth: AuthService }) {
    this.links = new ViewerLinkRepository(deps.db);
  }

  async list(): Promise<ViewerLinkView[]> {
    return (await this.links.list()).map(toView);
  }

  async create(name: string, districtCode: string | null, createdBy: string): Promise<CreatedViewerLink> {
    const key = randomBytes(32).toString('base64url');
    const row = await this.links.insert({ name, keyHash: sha256(key), prefix: key.slice(0, 6), districtCode, createdBy, createdAt: new Date(this.deps.clock.now()).toISOString() });
    return { ...toView(row), key, url: `/kiosk?key=${encodeURIComponent(key)}` };
  }

  /** Revokes a link (idempotent) and ends its sessions; null when there is no such link. */
  async revoke(id: number): Promise<ViewerLinkView | null> {
    const existing = await this.links.get(id);
    if (!existing) return null;
    const row = existing.revoked_at
      ? existing
      : await this.links.revoke(id, new Date(this.deps.clock.now()).toISOString());
    await this.deps.auth.endViewerLinkSessions(id);
    return toView(row);
  }

  /** Exchanges a key for a kiosk session: its token and the viewer it stands for; null for an unknown or revoked key. */
  async exchange(key: string, address: string | null): Promise<{ token: string; user: SessionUser; link: ViewerLinkView } | null> {
    const row = await this.links.findByKeyHash(sha256(key));
    if (!row || row.revoked_at) return null;
    const now = new Date(this.deps.clock.now()).toISOString();
    await this.links.markUsed(Number(row.id), now);
    const token = await this.deps.auth.startKioskSession(Number(row.id), address);
    return { token, user: kioskUser(row), link: toView({ ...row, last_used_at: now }) };
  }
}
