// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntryView } from '../../shared/admin.js';
import { auditQuery, useAdminStore } from '../../client/stores/admin.js';

const entry = (id: number): AuditEntryView => ({ id, at: '2026-11-29T01:00:00Z', actor: 'admin', action: 'auth.login', target: null, address: '127.0.0.1', details: {} });
const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe(auditQuery.name, () => {
  it('sends only what was filled, days from Shanghai midnight to the next', () => {
    expect(auditQuery({ actor: '  ', action: '', since: '', until: '' }).toString()).toBe('');
    const sut = auditQuery({ actor: ' admin ', action: 'token.', since: '2026-11-01', until: '2026-11-30' });
    expect(Object.fromEntries(sut)).toEqual({ actor: 'admin', action: 'token.', from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' });
  });
});

describe('useAdminStore', () => {
  it('pages the audit log with the server’s cursor and stops at the last page', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      return url.includes('cursor=') ? json(200, { entries: [entry(1)], nextCursor: null }) : json(200, { entries: [entry(3), entry(2)], nextCursor: 2 });
    }));
    const sut = useAdminStore();
    sut.auditFilters.action = 'auth.';
    await sut.loadAudit();
    expect(sut.auditMore).toBe(true);
    await sut.loadAudit(true);
    expect(sut.audit.map((line) => line.id)).toEqual([3, 2, 1]);
    expect(sut.auditMore).toBe(false);
    expect(urls[1]).toContain('cursor=2');
    expect(urls[1]).toContain('action=auth.');
  });

  it('keeps a new token only until the administrator closes the box', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) =>
      init?.method === 'POST'
        ? json(201, { id: 7, name: '网关', prefix: 'xa_12', createdBy: 'admin', createdAt: '2026-11-29T01:00:00Z', revokedAt: null, lastUsedAt: null, token: 'xa_12secret' })
        : json(200, { tokens: [{ id: 7, name: '网关', prefix: 'xa_12', createdBy: 'admin', createdAt: '2026-11-29T01:00:00Z', revokedAt: null, lastUsedAt: null }] }),
    ));
    const sut = useAdminStore();
    const result = await sut.createToken('网关');
    expect(result.ok).toBe(true);
    expect(sut.secret).toEqual({ kind: 'token', id: 7, name: '网关', value: 'xa_12secret' });
    expect(JSON.stringify(sut.tokens)).not.toContain('xa_12secret');
    sut.forgetSecret();
    expect(sut.secret).toBeNull();
  });

  it('shows a viewer link as a full URL on this server', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) =>
      init?.method === 'POST'
        ? json(201, { id: 3, name: '大厅', districtCode: null, prefix: 'k1', createdBy: 'admin', createdAt: '2026-11-29T01:00:00Z', revokedAt: null, lastUsedAt: null, key: 'k1abc', url: '/kiosk?key=k1abc' })
        : json(200, { links: [] }),
    ));
    const sut = useAdminStore();
    await sut.createLink('大厅', null);
    expect(sut.secret?.value).toBe(`${window.location.origin}/kiosk?key=k1abc`);
  });
});
