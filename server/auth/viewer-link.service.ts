import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CreatedViewerLink, ViewerLinkView } from '../../shared/admin.js';
import type { SessionUser } from '../../shared/auth.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';
import { kioskUser, type AuthService } from './auth.service.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

type LinkRow = Selectable<Database['viewer_links']>;

function toView(row: LinkRow): ViewerLinkView {
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
  constructor(private readonly deps: { db: Kysely<Database>; clock: Clock; auth: AuthService }) {}

  async list(): Promise<ViewerLinkView[]> {
    return (await this.deps.db.selectFrom('viewer_links').selectAll().orderBy('id', 'desc').execute()).map(toView);
  }

  async create(name: string, districtCode: string | null, createdBy: string): Promise<CreatedViewerLink> {
    const key = randomBytes(32).toString('base64url');
    const row = await this.deps.db
      .insertInto('viewer_links')
      .values({ name, key_hash: sha256(key), prefix: key.slice(0, 6), district_code: districtCode, created_by: createdBy, created_at: new Date(this.deps.clock.now()).toISOString(), revoked_at: null, last_used_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toView(row), key, url: `/kiosk?key=${encodeURIComponent(key)}` };
  }

  /** Revokes a link (idempotent) and ends its sessions; null when there is no such link. */
  async revoke(id: number): Promise<ViewerLinkView | null> {
    const existing = await this.deps.db.selectFrom('viewer_links').selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) return null;
    const row = existing.revoked_at
      ? existing
      : await this.deps.db.updateTable('viewer_links').set({ revoked_at: new Date(this.deps.clock.now()).toISOString() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await this.deps.auth.endViewerLinkSessions(id);
    return toView(row);
  }

  /** Exchanges a key for a kiosk session: its token and the viewer it stands for; null for an unknown or revoked key. */
  async exchange(key: string, address: string | null): Promise<{ token: string; user: SessionUser; link: ViewerLinkView } | null> {
    const row = await this.deps.db.selectFrom('viewer_links').selectAll().where('key_hash', '=', sha256(key)).executeTakeFirst();
    if (!row || row.revoked_at) return null;
    const now = new Date(this.deps.clock.now()).toISOString();
    await this.deps.db.updateTable('viewer_links').set({ last_used_at: now }).where('id', '=', row.id).execute();
    const token = await this.deps.auth.startKioskSession(Number(row.id), address);
    return { token, user: kioskUser(row), link: toView({ ...row, last_used_at: now }) };
  }
}
