import { webcrypto } from 'node:crypto';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import type { RequestHandler, Response } from 'express';
import { JsonText, type JsonPieces } from '../services/json-text.js';

const gzipAsync = promisify(gzip);

interface GzipOptions {
  minBytes: number;
  level: number;
}

/** The responses whose client accepts gzip, with the app's settings (set by the middleware). */
const accepting = new WeakMap<Response, GzipOptions>();

/**
 * What sending a JSON text costs, paid once per text: its UTF-8 bytes, its ETag (SHA-1 on the
 * thread pool) and, once a client accepting it asks, its gzip. A service that keeps a `JsonText`
 * (the wall's registry) sends it again at the price of a write.
 */
interface Encoded {
  bytes: Buffer;
  etag: Promise<string>;
  zipped?: Promise<Buffer>;
}
const encodings = new WeakMap<JsonText<unknown>, Encoded>();

async function weakEtag(bytes: Buffer): Promise<string> {
  const digest = Buffer.from(await webcrypto.subtle.digest('SHA-1', bytes));
  return `W/"${bytes.length.toString(16)}-${digest.toString('base64url')}"`;
}

function encodingOf(json: JsonText<unknown>): Encoded {
  let encoded = encodings.get(json);
  if (!encoded) {
    const bytes = Buffer.from(json.text, 'utf8');
    encoded = { bytes, etag: weakEtag(bytes) };
    encodings.set(json, encoded);
  }
  return encoded;
}

/**
 * Sends a JSON text with `status`: gzipped for a client that accepts it when it is at least the
 * middleware's `minBytes`, with an ETag so a client holding it gets 304 (Express's `fresh` check
 * in `res.send`). Compression and hashing run on libuv's thread pool, once per text.
 */
export async function sendJsonText(res: Response, status: number, json: JsonText<unknown>): Promise<void> {
  const encoded = encodingOf(json);
  const options = accepting.get(res);
  const zip = options !== undefined && encoded.bytes.length >= options.minBytes;
  if (zip) encoded.zipped ??= gzipAsync(encoded.bytes, { level: options.level });
  const [etag, body] = await Promise.all([encoded.etag, zip ? encoded.zipped! : encoded.bytes]);
  res.status(status).set('ETag', etag);
  if (!res.get('Content-Type')) res.type('application/json');
  if (options) res.vary('Accept-Encoding');
  if (zip) res.set('Content-Encoding', 'gzip');
  res.send(body);
}

/** Items of a `JsonPieces` list serialised per slice: 1–3 ms of event loop for a slice of devices. */
const SLICE_ITEMS = 1000;

/** The answers waiting to make their next slice, in order of asking. */
const waitingForTurn: (() => void)[] = [];
let turnScheduled = false;

function takeTurn(): void {
  waitingForTurn.shift()?.();
  // Scheduled from within the check phase, the next turn is in the loop's next iteration: the
  // sockets (an alarm arriving, a screen's ack) are polled between any two slices.
  turnScheduled = waitingForTurn.length > 0;
  if (turnScheduled) setImmediate(takeTurn);
}

/**
 * Resolves when this answer may make its next slice: every answer being made takes turns, one
 * slice per turn of the event loop whatever their number, so ten readers of a province's devices
 * hold the loop no longer at a stretch than one does.
 */
export function sliceTurn(): Promise<void> {
  return new Promise((resolve) => {
    waitingForTurn.push(resolve);
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(takeTurn);
    }
  });
}

/** Resolves when `sink` can take more, or the client has gone (`res` closed). */
function roomIn(sink: Writable, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      res.off('close', done);
      resolve();
    };
    sink.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Sends a `JsonPieces` answer as it is made: a slice of items serialised and written in a turn of
 * the event loop of its own (`sliceTurn`, shared by every answer being made), and the socket's or
 * gzip's buffer waited on when full, so an alarm never waits behind a province's device list. Gzipped through a stream for a client that accepts it (the
 * compression on libuv's thread pool). No ETag or Content-Length: the answer is not held whole.
 * A client that goes away stops the making.
 */
export async function sendJsonPieces(res: Response, status: number, answer: JsonPieces<unknown>): Promise<void> {
  const options = accepting.get(res);
  res.status(status).type('application/json');
  let sink: Writable = res;
  if (options) {
    res.vary('Accept-Encoding');
    res.set('Content-Encoding', 'gzip');
    const zipped = createGzip({ level: options.level });
    zipped.pipe(res);
    sink = zipped;
  }
  let gone = false;
  res.once('close', () => (gone = true));
  const write = async (chunk: string): Promise<void> => {
    if (chunk.length > 0 && !sink.write(chunk)) await roomIn(sink, res);
  };
  for (const piece of answer.pieces) {
    if (typeof piece === 'string') {
      await write(piece);
    } else {
      for (let start = 0; start < piece.length && !gone; start += SLICE_ITEMS) {
        await sliceTurn();
        if (gone) break;
        // One string per slice (its brackets cut off), not one per item joined: less for the
        // young generation's collections to go through on a heap holding a province's registry.
        const slice = JSON.stringify(piece.slice(start, start + SLICE_ITEMS));
        await write((start === 0 ? '' : ',') + slice.slice(1, -1));
      }
    }
    if (gone) break;
  }
  if (gone) {
    if (sink !== res) sink.destroy();
    return;
  }
  sink.end();
}

/**
 * The API's JSON answers (`res.json`). A large one (at least `minBytes` of JSON) goes out as
 * {@link sendJsonText} sends a kept text: gzipped for a client that accepts it (issue 17: the wall
 * snapshot is ≈ 21 MB of JSON at province scale, ≈ 2 MB gzipped), with a weak ETag of its JSON, both
 * made on libuv's thread pool — Express would hash the whole body on the event loop, per request.
 * A small answer goes out as Express sends it: below `minBytes` compression saves little and a
 * thread-pool round trip costs more than hashing a few kB. The JSON is serialised once, as
 * `res.json` would.
 */
export function gzipJson(options: GzipOptions): RequestHandler {
  return (req, res, next) => {
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) accepting.set(res, options);
    res.json = ((body: unknown): Response => {
      const text = JSON.stringify(body) ?? '';
      if (!res.get('Content-Type')) res.type('application/json');
      if (Buffer.byteLength(text) < options.minBytes) return res.send(text);
      sendJsonText(res, res.statusCode, new JsonText(text)).catch(next);
      return res;
    }) as Response['json'];
    next();
  };
}
