import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('GET /api/v1/health', () => {
  let sut: TestServer;
  beforeAll(async () => {
    sut = await startTestServer();
  });
  afterAll(async () => {
    await sut?.close();
  });

  const health = async (query = '') => {
    const response = await fetch(`${sut.url}/api/v1/health${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers anyone with the short-window event-loop figures, and the whole-span ones only when asked', async () => {
    const plain = await health();
    expect(plain.status).toBe(200);
    expect(plain.body.eventLoop).toMatchObject({ p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) });
    expect(plain.body).not.toHaveProperty('eventLoopSpan');
    expect((await health('?span=restart')).body.eventLoopSpan).toMatchObject({ p99Ms: expect.any(Number) });
    expect((await health('?span=read')).body.eventLoopSpan).toMatchObject({ maxMs: expect.any(Number) });
  });

  it('refuses a span it does not know with a 400 and its reason', async () => {
    const bad = await health('?span=everything');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/span/);
  });
});
