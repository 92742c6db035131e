import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Role, SessionUser } from '../../shared/auth.js';
import { getJson, sendJson, type WriteResult } from '../api.js';

/** A person as the administrator sees them (`GET /api/v1/admin/users`). */
export interface AdminUser extends SessionUser {
  disabled: boolean;
  createdAt?: string;
  lastSignInAt?: string | null;
  lockedUntil?: string | null;
}

/** What the user form sends (`POST /admin/users`, `PUT /admin/users/:id`). */
export interface UserDraft {
  username: string;
  displayName: string;
  role: Role;
  districtCode: string | null;
  schoolId: string | null;
  /** Only when creating. */
  password?: string;
  disabled?: boolean;
}

/** An ingest token as listed: never the secret, only its first characters. */
export interface IngestTokenView {
  id: number | string;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy?: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A kiosk viewer link as listed: never its key. */
export interface ViewerLinkView {
  id: number | string;
  name: string;
  districtCode: string | null;
  createdAt: string;
  createdBy?: string | null;
  lastUsedAt?: string | null;
  revokedAt: string | null;
}

/** One line of the append-only audit log. */
export interface AuditEntry {
  id: number | string;
  at: string;
  actor: string;
  action: string;
  address: string | null;
  target?: string | null;
  details?: unknown;
}

/** The audit search form; dates are Shanghai calendar days (`YYYY-MM-DD`). */
export interface AuditFilters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

/** A secret the server shows once (a new ingest token, a viewer link's URL). */
export interface OnceSecret {
  kind: 'token' | 'link';
  id: number | string;
  name: string;
  value: string;
}

/** Audit lines fetched per page. */
export const AUDIT_PAGE = 100;

/** The calendar day after `date` (`YYYY-MM-DD`). */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The audit query for a form (shared by the table and its CSV link); days start at 00:00 in Shanghai. */
export function auditQuery(filters: AuditFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.actor.trim()) query.set('actor', filters.actor.trim());
  if (filters.action.trim()) query.set('action', filters.action.trim());
  if (filters.since) query.set('since', `${filters.since}T00:00:00+08:00`);
  if (filters.until) query.set('until', `${nextDay(filters.until)}T00:00:00+08:00`);
  return query;
}

/** The secret in a create answer: the server names it `token` (ingest) or gives a `url`/`key` (viewer link). */
export function secretOf(answer: unknown, field: 'token' | 'url'): string | null {
  if (typeof answer !== 'object' || answer === null) return null;
  const value = (answer as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/**
 * Administration (`/admin`, permission 'admin'): people, ingest tokens, kiosk viewer links and
 * the audit log. Secrets the server shows once are kept only until the administrator closes them.
 */
export const useAdminStore = defineStore('admin', () => {
  const users = ref<AdminUser[]>([]);
  const tokens = ref<IngestTokenView[]>([]);
  const links = ref<ViewerLinkView[]>([]);
  const audit = ref<AuditEntry[]>([]);
  const auditMore = ref(false);
  const auditFilters = ref<AuditFilters>({ actor: '', action: '', since: '', until: '' });
  const error = ref<string | null>(null);
  const secret = ref<OnceSecret | null>(null);

  async function guarded(load: () => Promise<void>): Promise<void> {
    try {
      await load();
      error.value = null;
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    }
  }

  const loadUsers = (): Promise<void> => guarded(async () => {
      users.value = (await getJson<{ users: AdminUser[] }>('/api/v1/admin/users')).users;
    });
  const loadTokens = (): Promise<void> => guarded(async () => {
      tokens.value = (await getJson<{ tokens: IngestTokenView[] }>('/api/v1/admin/tokens')).tokens;
    });
  const loadLinks = (): Promise<void> => guarded(async () => {
      links.value = (await getJson<{ links: ViewerLinkView[] }>('/api/v1/admin/viewer-links')).links;
    });

  /** The first page of the audit log for the form, or (`more`) the page after the last line shown. */
  function loadAudit(more = false): Promise<void> {
    return guarded(async () => {
      const query = auditQuery(auditFilters.value);
      query.set('limit', String(AUDIT_PAGE));
      const last = audit.value.at(-1);
      if (more && last) query.set('before', String(last.id));
      const answer = await getJson<{ entries: AuditEntry[] }>(`/api/v1/admin/audit?${query}`);
      audit.value = more ? [...audit.value, ...answer.entries] : answer.entries;
      auditMore.value = answer.entries.length === AUDIT_PAGE;
    });
  }

  async function createUser(draft: UserDraft): Promise<WriteResult<{ user: AdminUser }>> {
    const result = await sendJson<{ user: AdminUser }>('POST', '/api/v1/admin/users', draft);
    if (result.ok) await loadUsers();
    return result;
  }

  async function updateUser(id: number, changes: Partial<UserDraft>): Promise<WriteResult<{ user: AdminUser }>> {
    const result = await sendJson<{ user: AdminUser }>('PUT', `/api/v1/admin/users/${id}`, changes);
    if (result.ok) await loadUsers();
    return result;
  }

  function resetPassword(id: number, password: string): Promise<WriteResult<null>> {
    return sendJson<null>('POST', `/api/v1/admin/users/${id}/password`, { password });
  }

  async function createToken(name: string): Promise<WriteResult<unknown>> {
    const result = await sendJson<unknown>('POST', '/api/v1/admin/tokens', { name });
    if (result.ok) {
      const value = secretOf(result.data, 'token');
      const id = (result.data as { id?: number | string }).id ?? '';
      if (value) secret.value = { kind: 'token', id, name, value };
      await loadTokens();
    }
    return result;
  }

  async function revokeToken(id: number | string): Promise<WriteResult<unknown>> {
    const result = await sendJson<unknown>('POST', `/api/v1/admin/tokens/${encodeURIComponent(String(id))}/revoke`);
    if (result.ok) await loadTokens();
    return result;
  }

  async function createLink(name: string, districtCode: string | null): Promise<WriteResult<unknown>> {
    const result = await sendJson<unknown>('POST', '/api/v1/admin/viewer-links', { name, districtCode });
    if (result.ok) {
      const url = secretOf(result.data, 'url');
      const id = (result.data as { id?: number | string }).id ?? '';
      if (url) secret.value = { kind: 'link', id, name, value: new URL(url, window.location.origin).href };
      await loadLinks();
    }
    return result;
  }

  async function revokeLink(id: number | string): Promise<WriteResult<unknown>> {
    const result = await sendJson<unknown>('POST', `/api/v1/admin/viewer-links/${encodeURIComponent(String(id))}/revoke`);
    if (result.ok) await loadLinks();
    return result;
  }

  /** The administrator closed the once-shown box: the secret is gone from the page. */
  function forgetSecret(): void {
    secret.value = null;
  }

  return {
    users, tokens, links, audit, auditMore, auditFilters, error, secret,
    loadUsers, loadTokens, loadLinks, loadAudit, createUser, updateUser, resetPassword, createToken, revokeToken, createLink, revokeLink, forgetSecret,
  };
});
