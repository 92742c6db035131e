import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { z } from 'zod';
import type {
  AdminUser, AuditEntryView, auditQuerySchema, CreatedIngestToken, CreatedViewerLink, IngestTokenView, UserCreate, UserUpdate, ViewerLinkView,
} from '../../shared/admin.js';
import { queryString } from '../../shared/api/route.js';
import type { DistrictCode } from '../../shared/domain/districts.js';
import { getRoute, sendRoute, type WriteResult } from '../api.js';
import { addDays } from '../../shared/time.js';

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
  id: number;
  name: string;
  value: string;
}

export type { AdminUser, IngestTokenView, ViewerLinkView };

/** Audit lines fetched per page. */
export const AUDIT_PAGE = 100;

/** The audit query a caller gives (`GET /admin/audit`, and `.csv`). */
export type AuditQuery = z.input<typeof auditQuerySchema>;

/**
 * The audit search for a form (shared by the table and its CSV link): only what was filled;
 * `action` matches a prefix (`auth.` finds every sign-in entry); days run from 00:00 to 24:00 in Shanghai.
 */
export function auditSearch(filters: AuditFilters): AuditQuery {
  return {
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.since ? { from: `${filters.since}T00:00:00+08:00` } : {}),
    ...(filters.until ? { to: `${addDays(filters.until, 1)}T00:00:00+08:00` } : {}),
  };
}

/** The same search as a query string's parameters. */
export function auditQuery(filters: AuditFilters): URLSearchParams {
  return new URLSearchParams(queryString(auditSearch(filters)));
}

/**
 * Administration (`/admin`, permission 'admin'): people, ingest tokens, kiosk viewer links and
 * the audit log. Secrets the server shows once are kept only until the administrator closes them.
 */
export const useAdminStore = defineStore('admin', () => {
  const users = ref<AdminUser[]>([]);
  const tokens = ref<IngestTokenView[]>([]);
  const links = ref<ViewerLinkView[]>([]);
  const audit = ref<AuditEntryView[]>([]);
  /** Where the next (older) page of the audit log starts; null when the last page is shown. */
  let auditCursor: number | null = null;
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
      users.value = (await getRoute('admin.users', {})).users;
    });
  const loadTokens = (): Promise<void> => guarded(async () => {
      tokens.value = (await getRoute('admin.tokens', {})).tokens;
    });
  const loadLinks = (): Promise<void> => guarded(async () => {
      links.value = (await getRoute('admin.viewerLinks', {})).links;
    });

  /** The first page of the audit log for the form, or (`more`) the page after the last line shown. */
  function loadAudit(more = false): Promise<void> {
    return guarded(async () => {
      const cursor = more && auditCursor !== null ? { cursor: auditCursor } : {};
      const answer = await getRoute('admin.audit', { query: { ...auditSearch(auditFilters.value), limit: AUDIT_PAGE, ...cursor } });
      audit.value = more ? [...audit.value, ...answer.entries] : answer.entries;
      auditCursor = answer.nextCursor;
      auditMore.value = answer.nextCursor !== null;
    });
  }

  async function createUser(draft: UserCreate): Promise<WriteResult<AdminUser>> {
    const result = await sendRoute('admin.createUser', { body: draft });
    if (result.ok) await loadUsers();
    return result;
  }

  async function updateUser(id: number, changes: UserUpdate): Promise<WriteResult<AdminUser>> {
    const result = await sendRoute('admin.updateUser', { params: { id: String(id) }, body: changes });
    if (result.ok) await loadUsers();
    return result;
  }

  function resetPassword(id: number, password: string): Promise<WriteResult<null>> {
    return sendRoute('admin.resetPassword', { params: { id: String(id) }, body: { password } });
  }

  async function createToken(name: string): Promise<WriteResult<CreatedIngestToken>> {
    const result = await sendRoute('admin.createToken', { body: { name } });
    if (result.ok) {
      secret.value = { kind: 'token', id: result.data.id, name: result.data.name, value: result.data.token };
      await loadTokens();
    }
    return result;
  }

  async function revokeToken(id: number): Promise<WriteResult<IngestTokenView>> {
    const result = await sendRoute('admin.revokeToken', { params: { id: String(id) } });
    if (result.ok) await loadTokens();
    return result;
  }

  async function createLink(name: string, districtCode: DistrictCode | null): Promise<WriteResult<CreatedViewerLink>> {
    const result = await sendRoute('admin.createViewerLink', { body: { name, districtCode } });
    if (result.ok) {
      secret.value = { kind: 'link', id: result.data.id, name: result.data.name, value: new URL(result.data.url, window.location.origin).href };
      await loadLinks();
    }
    return result;
  }

  async function revokeLink(id: number): Promise<WriteResult<ViewerLinkView>> {
    const result = await sendRoute('admin.revokeViewerLink', { params: { id: String(id) } });
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
