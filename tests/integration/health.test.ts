import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('GET /api/v1/health', () => {
  let sut: TestServer;
  let admin: Session;
  let county: Session;
  beforeAll(async () => {
    sut = await startTestServer();
    admin = await signInAs(sut, { role: 'admin' });
    county = await signInAs(sut, { role: 'police_operator', districtCode: '410402' });
  });
  afterAll(async () => {
    await sut?.close();
  });

  const health = async (query = '', session?: Session) => {
    const response = await fetch(`${sut.url}/api/v1/health${query}`, session ? { headers: { cookie: session.cookie } } : {});
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('tells anyone only whether the server is up: no figures without a session', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await health('?span=restart')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('keeps the city-wide figures from a person with a district scope', async () => {
    expect(await health('', county)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('gives a city-wide session the figures: seq, cameras, ingest counters, the short-window event loop, and the whole span only when asked', async () => {
    const plain = await health('', admin);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ status: 'ok', seq: expect.any(Number), cameras: { total: expect.any(Number) }, ingest: { accepted: expect.any(Number) } });
    expect(plain.body.eventLoop).toMatchObject({ p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) });
    expect(plain.body).not.toHaveProperty('eventLoopSpan');
    expect((await health('?span=restart', admin)).body.eventLoopSpan).toMatchObject({ p99Ms: expect.any(Number) });
    expect((await health('?span=read', admin)).body.eventLoopSpan).toMatchObject({ maxMs: expect.any(Number) });
  });

  it('refuses a span it does not know with a 400 and its reason', async () => {
    const bad = await health('?span=everything');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/span/);
  });
});
