import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { numericIdParams, route } from '../../shared/api/route.js';
import { createLogger } from '../../server/logger.js';
import { JsonText, routeTable, StatusAnswer, type RouteHandlers } from '../../server/http/route-table.js';
import { HeavyPoolBusy } from '../../server/workers/heavy-pool.js';
import { errorHandler } from '../../server/http/errors.js';

/** A small table served by the real adapter on a real HTTP server: what every route of the product goes through. */
const ROUTES = {
  'test.echo': route({ method: 'GET', path: '/echo/:id', allow: 'public', query: z.object({ n: z.coerce.number().int().min(1) }), answer: z.object({ id: z.string(), n: z.number() }), summary: 'echo' }),
  'test.numbered': route({ method: 'GET', path: '/numbered/:id', allow: 'public', params: numericIdParams, answer: z.object({ id: z.number() }), summary: 'a numeric :id' }),
  'test.wrong': route({ method: 'GET', path: '/wrong', allow: 'public', answer: z.object({ count: z.number() }), summary: 'answers the wrong shape' }),
  'test.text': route({ method: 'GET', path: '/text', allow: 'public', answer: z.object({ count: z.number() }), summary: 'answers JSON text' }),
  'test.create': route({ method: 'POST', path: '/things', allow: 'public', body: z.strictObject({ name: z.string().min(1) }), answer: z.object({ name: z.string() }), status: 201, summary: 'creates' }),
  'test.file': route({ method: 'GET', path: '/file', allow: 'public', answer: 'file', summary: 'a download' }),
  'test.busy': route({ method: 'GET', path: '/busy', allow: 'public', answer: 'none', summary: 'the pool is full' }),
  'test.refused': route({ method: 'GET', path: '/refused', allow: 'public', answer: 'none', summary: 'refuses' }),
  'test.guarded': route({ method: 'POST', path: '/guarded', allow: 'public', guard: 'ingest', answer: z.object({ accepted: z.number() }), status: 202, summary: 'a guard before it; answers a status of its own' }),
};

const lines: string[] = [];
const handlers: RouteHandlers<typeof ROUTES> = {
  'test.echo': ({ params, query }) => ({ ok: true, data: { id: params.id, n: query.n } }),
  'test.numbered': ({ params }) => ({ ok: true, data: { id: params.id } }),
  // A handler can only answer the wrong shape by lying to the compiler: this is what the check catches at run time.
  'test.wrong': () => ({ ok: true, data: JSON.parse('{"count":"three"}') as { count: number } }),
  'test.text': () => ({ ok: true, data: new JsonText<{ count: number }>('{"count":3}') }),
  'test.create': ({ body }) => ({ ok: true, data: { name: body.name } }),
  'test.file': () => ({ ok: true, data: { body: 'a,b\n', type: 'text/csv; charset=utf-8', name: '报告-1.csv' } }),
  'test.busy': () => {
    throw new HeavyPoolBusy(200);
  },
  'test.refused': () => ({ ok: false, status: 429, retryAfter: 7, error: 'too many', message: { zh: '太频繁', en: 'too many' } }),
  'test.guarded': ({ req }) => ({ ok: true, data: req.get('x-n') === '0' ? new StatusAnswer(400, { accepted: 0 }) : { accepted: 1 } }),
};

describe('the route table adapter (server/http/route-table.ts)', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    const log = createLogger('error', { write: (line: string) => void lines.push(line) });
    const guards = { ingest: [(req: express.Request, res: express.Response, next: express.NextFunction) => (req.get('x-stop') ? void res.status(413).json({ stopped: true }) : next())] };
    app.use('/api/v1', routeTable(ROUTES, handlers, { heavyReads: (_req, _res, next) => next(), checkAnswers: true, log, guards }));
    app.use(errorHandler(log));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the handler the path parameter and the parsed query, and answers its data', async () => {
    const response = await fetch(`${base}/echo/A%201?n=4`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'A 1', n: 4 });
  });

  it('answers 400 in both languages, field by field, for a query or body the schema refuses', async () => {
    const query = await fetch(`${base}/echo/A?n=0`);
    expect(query.status).toBe(400);
    const refusal = (await query.json()) as { message: { zh: string; en: string }; fields: Record<string, string> };
    expect(Object.keys(refusal.fields)).toEqual(['n']);
    expect(refusal.message.zh).toMatch(/[\u4e00-\u9fff]/);
    const body = await fetch(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '', extra: 1 }) });
    expect(body.status).toBe(400);
    const created = await fetch(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '甲' }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: '甲' });
  });

  it('parses path parameters by the route\'s schema: the handler gets a number, a bad one is a 400 before the handler', async () => {
    const good = await fetch(`${base}/numbered/42`);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ id: 42 });
    for (const bad of ['abc', '0', '1.5']) {
      const refused = await fetch(`${base}/numbered/${bad}`);
      expect(refused.status).toBe(400);
      const refusal = (await refused.json()) as { message: { zh: string; en: string }; fields: Record<string, string> };
      expect(Object.keys(refusal.fields)).toEqual(['id']);
      expect(refusal.message.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('refuses to send an answer that does not match its schema: a 500 and a logged error, never the wrong shape', async () => {
    const response = await fetch(`${base}/wrong`);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toBe('the answer does not match its contract');
    expect(lines.some((line) => line.includes('GET /wrong') && line.includes('answer does not match its contract'))).toBe(true);
  });

  it('sends JSON made elsewhere as it is, after checking it', async () => {
    const response = await fetch(`${base}/text`);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.text()).toBe('{"count":3}');
  });

  it('offers a file with its type and a Chinese name', async () => {
    const response = await fetch(`${base}/file`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="__-1.csv"; filename*=UTF-8''${encodeURIComponent('报告-1.csv')}`);
    expect(await response.text()).toBe('a,b\n');
  });

  it('answers 503 with Retry-After when the worker pool is full, and a refusal with its own Retry-After', async () => {
    const busy = await fetch(`${base}/busy`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    const refused = await fetch(`${base}/refused`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await refused.json()).toEqual({ error: 'too many', message: { zh: '太频繁', en: 'too many' } });
  });

  it('runs a route\'s guard before its handler, and sends an answer with a status of its own', async () => {
    const post = (headers: Record<string, string>) => fetch(`${base}/guarded`, { method: 'POST', headers });
    const stopped = await post({ 'x-stop': '1' });
    expect(stopped.status).toBe(413);
    expect(await stopped.json()).toEqual({ stopped: true });
    const accepted = await post({});
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: 1 });
    const none = await post({ 'x-n': '0' });
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({ accepted: 0 });
  });

  it('refuses to mount a route whose guard was not given', () => {
    expect(() => routeTable(ROUTES, handlers, { heavyReads: (_req, _res, next) => next(), checkAnswers: true, log: createLogger('error') })).toThrow(/test.guarded.*ingest/);
  });
});
