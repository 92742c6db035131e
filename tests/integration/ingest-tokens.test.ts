import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedIngestToken, IngestTokenView } from '../../shared/admin.js';
import { IngestTokenService } from '../../server/auth/ingest-token.service.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
const beats = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'camera.heartbeat', deviceId: `CAM-S0001-0${(i % 3) + 1}`, at: new Date().toISOString() }));

describe.each(engines)(`${IngestTokenService.name} on %s`, (engine) => {
  let sut: TestServer;
  let admin: Session;
  /** The server's clock runs with real time, plus what a test skips ahead. */
  let skipped = 0;
  const clock = { now: () => Date.now() + skipped };
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, env: { XIAOAN_INGEST_RATE_PER_MINUTE: '8' } });
    admin = await signInAs(sut, { role: 'admin' });
  });
  afterAll(async () => {
    await sut.close();
  });

  const events = (token: string, body: unknown = beats(3)) =>
    fetch(`${sut.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const devices = (token: string) => fetch(`${sut.url}/api/v1/devices?schoolId=S0001`, { headers: { authorization: `Bearer ${token}` } });
  const create = async (name: string) => {
    const response = await admin.send('POST', '/api/v1/admin/tokens', { name });
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedIngestToken;
  };

  it('creates a token shown once, stores only its hash, and accepts it for ingest and the registry', async () => {
    const created = await create('叶县 网关');
    expect(created).toMatchObject({ name: '叶县 网关', prefix: created.token.slice(0, 9), createdBy: admin.user.username, revokedAt: null });
    expect(created.token).toMatch(/^xa_[\w-]{32}$/);
    const { tokens } = (await (await admin.get('/api/v1/admin/tokens')).json()) as { tokens: (IngestTokenView & { token?: string })[] };
    const listed = tokens.find((t) => t.id === created.id);
    expect(listed).toMatchObject({ name: '叶县 网关', prefix: created.prefix });
    expect(listed).not.toHaveProperty('token');
    const row = await sut.store.db.selectFrom('ingest_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.token);

    expect((await events(created.token)).status).toBe(202);
    expect((await devices(created.token)).status).toBe(200);
    await sut.services.writes.drain();
    await new Promise((r) => setTimeout(r, 50)); // the last-used stamp is written in the background
    const used = await sut.store.db.selectFrom('ingest_tokens').select('last_used_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
  });

  it('refuses a revoked token on the very next request, and keeps the others working', async () => {
    const doomed = await create('retired vendor');
    const other = await create('still in use');
    expect((await events(doomed.token)).status).toBe(202); // now cached in memory
    const revoke = await admin.send('POST', `/api/v1/admin/tokens/${doomed.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as IngestTokenView).revokedAt).not.toBeNull();
    const refused = await events(doomed.token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect((await devices(doomed.token)).status).toBe(401);
    expect((await events(other.token)).status).toBe(202);
    expect((await events(TEST_TOKEN)).status).toBe(202); // the built-in integration
    expect((await admin.send('POST', '/api/v1/admin/tokens/999999/revoke')).status).toBe(404);
    expect((await admin.send('POST', '/api/v1/admin/tokens/abc/revoke')).status).toBe(400);
  });

  it('notices within seconds a token revoked by another server on the same database', async () => {
    const shared = await create('gateway behind two servers');
    expect((await events(shared.token)).status).toBe(202); // cached here
    // Another node revokes it: this node's cache does not hear of it.
    await sut.store.db.updateTable('ingest_tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', shared.id).execute();
    expect((await events(shared.token)).status).toBe(202);
    skipped += 6_000;
    expect((await events(shared.token)).status).toBe(401);
  });

  it('limits requests per token, not events, and each token on its own', async () => {
    const busy = await create('busy gateway');
    const quiet = await create('quiet gateway');
    const statuses: number[] = [];
    // 17 requests span at most two rate windows of 8, even if a window turns over meanwhile.
    for (let i = 0; i < 17; i++) statuses.push((await events(busy.token, beats(500))).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(202));
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    expect((await events(quiet.token)).status).toBe(202);
  });

  it('lets only the administrator manage tokens, and audits every change', async () => {
    for (const role of ['police_operator', 'education_staff', 'viewer'] as const) {
      const person = await signInAs(sut, { role });
      expect((await person.get('/api/v1/admin/tokens')).status).toBe(403);
      expect((await person.send('POST', '/api/v1/admin/tokens', { name: 'x' })).status).toBe(403);
    }
    expect((await fetch(`${sut.url}/api/v1/admin/tokens`)).status).toBe(401);
    expect((await admin.send('POST', '/api/v1/admin/tokens', { name: '' })).status).toBe(400);
    const { entries } = (await (await admin.get('/api/v1/admin/audit?action=token.')).json()) as { entries: { action: string; actor: string; details: Record<string, unknown> }[] };
    expect(entries.filter((e) => e.action === 'token.create').length).toBeGreaterThanOrEqual(5);
    expect(entries.find((e) => e.action === 'token.revoke')).toMatchObject({ actor: admin.user.username, details: { name: 'retired vendor' } });
    expect(JSON.stringify(entries)).not.toMatch(/xa_[\w-]{32}/);
  });
});
