import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedViewerLink, ViewerLinkView } from '../../shared/admin.js';
import type { SessionUser } from '../../shared/auth.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { ViewerLinkService } from '../../server/auth/viewer-link.service.js';
import { sessionFrom, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

describe.each(engines)(`${ViewerLinkService.name} on %s`, (engine) => {
  let sut: TestServer;
  let admin: Session;
  let now = Date.parse('2026-11-30T02:00:00Z');
  const clock = { now: () => now };
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock });
    admin = await signInAs(sut, { role: 'admin' });
  });
  afterAll(async () => {
    await sut.close();
  });

  const createLink = async (name: string, districtCode: string | null) => {
    const response = await admin.send('POST', '/api/v1/admin/viewer-links', { name, districtCode });
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedViewerLink;
  };
  const exchange = (key: string) => fetch(`${sut.url}/api/v1/auth/kiosk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  const kiosk = async (key: string) => {
    const response = await exchange(key);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: SessionUser; csrfToken: string };
    return sessionFrom(sut.url, body.user, response.headers.getSetCookie());
  };

  it('creates a link shown once, exchanges its key for a read-only viewer session of its district', async () => {
    const link = await createLink('新华区大屏', '410402');
    expect(link.url).toBe(`/kiosk?key=${encodeURIComponent(link.key)}`);
    expect(link).toMatchObject({ name: '新华区大屏', districtCode: '410402', revokedAt: null });
    const { links } = (await (await admin.get('/api/v1/admin/viewer-links')).json()) as { links: (ViewerLinkView & { key?: string })[] };
    expect(links.find((l) => l.id === link.id)).not.toHaveProperty('key');

    const screen = await kiosk(link.key);
    expect(screen.user).toMatchObject({ role: 'viewer', districtCode: '410402', displayName: '新华区大屏', schoolId: null });
    expect(((await (await screen.get('/api/v1/auth/me')).json()) as { user: SessionUser }).user.role).toBe('viewer');
    const wall = (await (await screen.get('/api/v1/wall')).json()) as WallSnapshot;
    expect(wall.schools.length).toBeGreaterThan(0);
    expect(wall.schools.every((s) => s.districtCode === '410402')).toBe(true);
    // Read-only, and only its district.
    expect((await screen.get('/api/v1/alarms?districtCode=410422')).status).toBe(403);
    expect((await screen.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'police', description: 'x' })).status).toBe(403);
    expect((await screen.get('/api/v1/compliance/export.csv')).status).toBe(403);
    expect((await screen.get('/api/v1/admin/viewer-links')).status).toBe(403);
  });

  it('keeps a kiosk signed in for weeks without use, unlike a person', async () => {
    const link = await createLink('指挥中心大屏', null);
    const screen = await kiosk(link.key);
    const person = await signInAs(sut, { role: 'police_operator' });
    now += 20 * 24 * 3600_000; // three weeks on the wall with the browser untouched
    expect((await screen.get('/api/v1/wall')).status).toBe(200);
    expect((await person.get('/api/v1/wall')).status).toBe(401);
    admin = await signInAs(sut, { role: 'admin' });
  });

  it('revokes a link: its screens get 401 at once, its key no longer exchanges, other links work', async () => {
    const doomed = await createLink('旧大屏', null);
    const kept = await createLink('新大屏', null);
    const a = await kiosk(doomed.key);
    const b = await kiosk(doomed.key);
    const other = await kiosk(kept.key);
    const ended: string[][] = [];
    const stop = sut.services.auth.onSessionsEnded((keys) => ended.push(keys));
    const revoke = await admin.send('POST', `/api/v1/admin/viewer-links/${doomed.id}/revoke`);
    stop();
    expect(revoke.status).toBe(200);
    expect(ended.flat()).toHaveLength(2);
    expect((await a.get('/api/v1/wall')).status).toBe(401);
    expect((await b.get('/api/v1/alarms')).status).toBe(401);
    expect((await exchange(doomed.key)).status).toBe(401);
    expect((await other.get('/api/v1/wall')).status).toBe(200);
    expect((await exchange('not-a-key')).status).toBe(401);
    expect((await exchange('')).status).toBe(400);
    expect((await admin.send('POST', '/api/v1/admin/viewer-links/424242/revoke')).status).toBe(404);
  });

  it('validates links and audits the changes', async () => {
    expect((await admin.send('POST', '/api/v1/admin/viewer-links', { name: 'x', districtCode: '999999' })).status).toBe(400);
    expect((await admin.send('POST', '/api/v1/admin/viewer-links', { districtCode: null })).status).toBe(400);
    const { entries } = (await (await admin.get('/api/v1/admin/audit?action=viewer_link.')).json()) as { entries: { action: string }[] };
    expect(entries.map((e) => e.action)).toContain('viewer_link.revoke');
    expect(entries.filter((e) => e.action === 'viewer_link.create').length).toBe(4);
    const kioskEntries = (await (await admin.get('/api/v1/admin/audit?action=auth.kiosk')).json()) as { entries: { action: string }[] };
    expect(kioskEntries.entries.map((e) => e.action)).toContain('auth.kiosk_failed');
  });
});
