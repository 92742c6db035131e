import { gzip } from 'node:zlib';
import type { RequestHandler, Response } from 'express';

/**
 * Gzips the API's large JSON answers (issue 17: the wall snapshot is ≈ 21 MB of JSON at province
 * scale, ≈ 2 MB gzipped) for clients that accept it. Small answers go out as they are: below
 * `minBytes` compression saves little and costs a thread-pool round trip. The compression runs
 * on libuv's thread pool, not on the event loop; the JSON is serialised once, as `res.json` would.
 */
export function gzipJson(options: { minBytes: number; level: number }): RequestHandler {
  return (req, res, next) => {
    if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return next();
    res.json = ((body: unknown): Response => {
      const text = JSON.stringify(body) ?? '';
      if (!res.get('Content-Type')) res.type('application/json');
      if (Buffer.byteLength(text) < options.minBytes) return res.send(text);
      gzip(text, { level: options.level }, (error, zipped) => {
        if (error) return void next(error);
        res.vary('Accept-Encoding');
        res.set('Content-Encoding', 'gzip');
        res.send(zipped);
      });
      return res;
    }) as Response['json'];
    next();
  };
}
