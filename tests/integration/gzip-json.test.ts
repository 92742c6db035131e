import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipJson } from '../../server/http/gzip-json.js';

/** A real Express server on port 0 with the middleware, one small and one large JSON answer. */
const large = { schools: Array.from({ length: 5000 }, (_, i) => ({ id: `S${i}`, name: `学校 ${i}`, lat: 33.7 + i / 1e5, lng: 113.3 })) };

function get(url: string, acceptEncoding: string | null): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
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
});
