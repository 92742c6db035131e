import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipJson, sendJsonPieces, sendJsonText, sliceTurn } from '../../server/http/gzip-json.js';
import { JsonPieces, JsonText } from '../../server/services/json-text.js';

/** A real Express server on port 0 with the middleware, one small and one large JSON answer. */
const large = { schools: Array.from({ length: 5000 }, (_, i) => ({ id: `S${i}`, name: `学校 ${i}`, lat: 33.7 + i / 1e5, lng: 113.3 })) };

const largeText = new JsonText<typeof large>(JSON.stringify(large));
/** 60 slices of items, with text between and around the lists. */
const many = Array.from({ length: 60_000 }, (_, i) => ({ id: `D${i}`, name: `设备 "${i}"`, at: i }));
const pieces = new JsonPieces<unknown>(['{"head":1,"devices":[', many, '],"empty":[', [], '],"tail":"尾"}']);
/** How many times the event loop came round while the last pieces answer was being sent. */
let turns = 0;

function get(url: string, acceptEncoding: string | null, more: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { ...more, ...(acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding }) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
  });
}

describe('gzipJson', () => {
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    const app = express();
    app.use(gzipJson({ minBytes: 32 * 1024, level: 4 }));
    app.get('/small', (_req, res) => void res.json({ ok: true }));
    app.get('/large', (_req, res) => void res.status(200).json(large));
    app.get('/text', (_req, res, next) => void sendJsonText(res, 200, largeText).catch(next));
    app.get('/pieces', (_req, res, next) => {
      turns = 0;
      const timer = setInterval(() => turns++, 0);
      res.once('close', () => clearInterval(timer));
      void sendJsonPieces(res, 200, pieces).catch(next);
    });
    app.get('/small-text', (_req, res, next) => void sendJsonText(res, 201, new JsonText('{"ok":true}')).catch(next));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('gzips a large answer for a client that accepts gzip, and it decodes to the same JSON', async () => {
    const { headers, body } = await get(`${base}/large`, 'gzip, deflate, br');
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers['content-type']).toMatch(/application\/json/);
    expect(headers.vary).toMatch(/Accept-Encoding/i);
    expect(JSON.parse(gunzipSync(body).toString('utf8'))).toEqual(large);
    expect(body.length).toBeLessThan(JSON.stringify(large).length / 4);
  });

  it('sends a small answer as it is', async () => {
    const { headers, body } = await get(`${base}/small`, 'gzip');
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(body.toString('utf8'))).toEqual({ ok: true });
  });

  it('sends a large answer plain to a client that does not accept gzip', async () => {
    const { headers, body } = await get(`${base}/large`, null);
    expect(headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(body.toString('utf8'))).toEqual(large);
  });

  it('gives a large answer the ETag of its JSON, made off the event loop: the same gzipped or plain, and 304 to a client that holds it', async () => {
    const zipped = await get(`${base}/large`, 'gzip');
    const plain = await get(`${base}/large`, null);
    // Express hashes the body it sends (the gzip's bytes for one, the JSON's for the other), on the event loop.
    expect(zipped.headers.etag).toMatch(/^W\/"[0-9a-f]+-/);
    expect(plain.headers.etag).toBe(zipped.headers.etag);
    const held = await get(`${base}/large`, 'gzip', { 'if-none-match': zipped.headers.etag! });
    expect(held.status).toBe(304);
    expect(held.body.length).toBe(0);
  });

  it('sends a kept JSON text gzipped with an ETag, and 304 without a body to a client that holds it', async () => {
    const first = await get(`${base}/text`, 'gzip');
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers.vary).toMatch(/Accept-Encoding/i);
    expect(JSON.parse(gunzipSync(first.body).toString('utf8'))).toEqual(large);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-/);
    const held = await get(`${base}/text`, 'gzip', { 'if-none-match': etag });
    expect(held.status).toBe(304);
    expect(held.body.length).toBe(0);
    const plain = await get(`${base}/text`, null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8'))).toEqual(large);
  });

  it('sends a small JSON text as it is, with its own status', async () => {
    const { status, headers, body } = await get(`${base}/small-text`, 'gzip');
    expect(status).toBe(201);
    expect(headers['content-encoding']).toBeUndefined();
    expect(headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(body.toString('utf8'))).toEqual({ ok: true });
  });

  it('sends JSON pieces as they are made, gzipped or plain, and lets the event loop come round between slices', async () => {
    const expected = { head: 1, devices: many, empty: [], tail: '尾' };
    expect(JSON.parse(pieces.text())).toEqual(expected);
    const zipped = await get(`${base}/pieces`, 'gzip');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(expected);
    // 60 slices: the loop's timers ran between them, not once after one long serialisation.
    expect(turns).toBeGreaterThanOrEqual(30);
    const plain = await get(`${base}/pieces`, null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8'))).toEqual(expected);
  });

  it('stops making the pieces when the client goes away, and goes on serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = http.get(`${base}/pieces`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
    });
    const after = await get(`${base}/small`, 'gzip');
    expect(JSON.parse(after.body.toString('utf8'))).toEqual({ ok: true });
  });
});

describe('sliceTurn', () => {
  it('gives the answers being made one turn each of the event loop, in order of asking', async () => {
    let iteration = 0;
    let counting = true;
    const count = () => {
      iteration++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const seen: [number, number][] = [];
    await Promise.all([0, 1, 2, 3, 4].map((who) => sliceTurn().then(() => seen.push([who, iteration]))));
    counting = false;
    expect(seen.map(([who]) => who)).toEqual([0, 1, 2, 3, 4]);
    // Each in a loop iteration of its own (sockets are polled between any two).
    expect(new Set(seen.map(([, at]) => at)).size).toBe(5);
  });
});
