import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { refusal, type RefusalWords } from '../../shared/refusal.js';

/**
 * Structural limits of a JSON text, checked by one linear pass over its bytes before
 * `JSON.parse` sees it. `JSON.parse` of 5 MB of nested brackets holds the event loop for seconds
 * (and whatever walks the result after it); this pass refuses it in a few milliseconds.
 */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects: `[]` is 1, `[{}]` is 2. */
  maxDepth: number;
  /** Most elements in one array or members in one object. */
  maxItems: number;
  /** Most values in the whole text (every string, number, literal, array and object counts one). */
  maxValues: number;
  /** Most items of the top-level array, when that has a limit of its own (a batch); else maxItems. */
  maxTopItems?: number;
}

/** What broke a limit, and where (the byte offset where the pass stopped). */
export interface JsonLimitBreach {
  limit: 'depth' | 'items' | 'values' | 'topItems';
  /** The limit's number. */
  max: number;
  offset: number;
}

/** Limits for the API's own forms and commands (bodies of at most 64 kB). */
export const API_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxItems: 10_000, maxValues: 50_000 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Checks the structure of UTF-8 JSON bytes against `limits` in one pass, chunk by chunk as they
 * arrive, without building anything: `push` answers null while within them, else the first limit
 * broken. Strings (and their escapes) are skipped as opaque; UTF-8 continuation bytes are never
 * ASCII, so a byte-wise pass is exact. The text need not be valid JSON — the parser judges that
 * afterwards, on a text now known to be bounded. Items are counted by commas, so a malformed text
 * may count one more than it holds, never fewer.
 */
export class JsonScanner {
  /** Items of each open container so far (commas + 1), one slot per depth. */
  private readonly items: Uint32Array;
  private depth = 0;
  private values = 0;
  /** Inside a string; and whether the last byte seen in it was an unpaired backslash. */
  private inString = false;
  private escaped = false;
  /** Inside a number or literal (counted at its first byte). */
  private inToken = false;
  private offset = 0;
  private breach: JsonLimitBreach | null = null;

  constructor(private readonly limits: JsonLimits) {
    this.items = new Uint32Array(limits.maxDepth + 2);
  }

  /** Scans the next bytes of the text; the first breach, once found, is answered from then on. */
  push(bytes: Uint8Array): JsonLimitBreach | null {
    if (this.breach) return this.breach;
    const { maxDepth, maxItems, maxValues } = this.limits;
    const maxTopItems = this.limits.maxTopItems ?? maxItems;
    const n = bytes.length;
    let i = 0;
    const stop = (limit: JsonLimitBreach['limit'], max: number): JsonLimitBreach => {
      this.breach = { limit, max, offset: this.offset + i };
      return this.breach;
    };
    if (this.inString) i = this.skipString(bytes, 0) + 1;
    for (; i < n; i++) {
      const b = bytes[i]!;
      if (this.inToken) {
        if (b > 0x20 && b !== COMMA && b !== CLOSE_ARRAY && b !== CLOSE_OBJECT && b !== QUOTE && b !== OPEN_ARRAY && b !== OPEN_OBJECT && b !== COLON) continue;
        this.inToken = false;
      }
      if (b === QUOTE) {
        if (++this.values > maxValues) return stop('values', maxValues);
        i = this.skipString(bytes, i + 1);
        continue;
      }
      if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
        if (++this.depth > maxDepth) return stop('depth', maxDepth);
        this.items[this.depth] = 0;
        if (++this.values > maxValues) return stop('values', maxValues);
        continue;
      }
      if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
        if (this.depth > 0) this.depth--;
        continue;
      }
      if (b === COMMA) {
        const depth = this.depth;
        if (depth === 0) continue;
        const count = (this.items[depth] === 0 ? 1 : this.items[depth]!) + 1;
        this.items[depth] = count;
        const max = depth === 1 ? maxTopItems : maxItems;
        if (count > max) return stop(depth === 1 && this.limits.maxTopItems !== undefined ? 'topItems' : 'items', max);
        continue;
      }
      if (b > 0x20 && b !== COLON) {
        // A number or literal starts here: counted once, at its first byte.
        this.inToken = true;
        if (++this.values > maxValues) return stop('values', maxValues);
      }
    }
    this.offset += n;
    return null;
  }

  /**
   * Skips string bytes from `from` to the closing quote (one not escaped by an odd run of
   * backslashes, which may have begun in the last chunk): its index, or the chunk's end (still
   * inside the string).
   */
  private skipString(bytes: Uint8Array, from: number): number {
    const n = bytes.length;
    let i = from;
    let escaped = this.inString && this.escaped;
    for (;;) {
      if (escaped) {
        if (i >= n) break;
        i++; // the escaped byte, whatever it is
        escaped = false;
      }
      const close = bytes.indexOf(QUOTE, i);
      // Backslashes right before the quote (or the chunk's end), back to where this search began.
      const end = close === -1 ? n : close;
      let slashes = 0;
      while (end - 1 - slashes >= i && bytes[end - 1 - slashes] === BACKSLASH) slashes++;
      if (close === -1) {
        escaped = slashes % 2 === 1;
        break;
      }
      if (slashes % 2 === 1) {
        i = close + 1; // an escaped quote: the string goes on
        continue;
      }
      this.inString = false;
      this.escaped = false;
      return close;
    }
    this.inString = true;
    this.escaped = escaped;
    return n;
  }
}

/** Checks a whole text at once (see JsonScanner): null when within the limits. */
export function scanJson(bytes: Uint8Array, limits: JsonLimits): JsonLimitBreach | null {
  return new JsonScanner(limits).push(bytes);
}

/** A breach in words, both languages (the English is the `error` other systems read). */
export function breachWords(breach: JsonLimitBreach, what: { item: string; itemZh: string } = { item: 'items', itemZh: '项' }): RefusalWords {
  switch (breach.limit) {
    case 'depth':
      return refusal(`请求内容嵌套过深：最多 ${breach.max} 层`, `the body is nested too deeply: at most ${breach.max} levels of arrays and objects`);
    case 'items':
      return refusal(`请求内容中某个数组或对象的元素过多：最多 ${breach.max} 个`, `an array or object in the body has too many ${what.item}: at most ${breach.max}`);
    case 'values':
      return refusal(`请求内容包含的值过多：最多 ${breach.max} 个`, `the body holds too many values: at most ${breach.max}`);
    case 'topItems':
      return refusal(`一次请求的${what.itemZh}过多：最多 ${breach.max} 个`, `more than ${breach.max} ${what.item} in one request: at most ${breach.max}`);
  }
}

/** The error a body-parser `verify` hook throws: the error handler answers `status` with `words`. */
export class JsonLimitError extends Error {
  readonly status: number;
  readonly expose = true;
  readonly type = 'entity.structure.refused';
  constructor(
    readonly breach: JsonLimitBreach,
    readonly words: RefusalWords,
  ) {
    super(words.error);
    this.status = breach.limit === 'topItems' ? 413 : 400;
  }
}

/** The bytes to scan: the raw body when UTF-8 (nearly always), else its text re-encoded. */
function utf8Bytes(buf: Buffer, encoding: string): Buffer {
  const normal = encoding.toLowerCase();
  if (normal === 'utf-8' || normal === 'utf8') return buf;
  try {
    return Buffer.from(new TextDecoder(normal).decode(buf), 'utf8');
  } catch {
    return buf; // body-parser refuses the charset itself.
  }
}

/** Where an early refusal is kept on the request, for the verify hook to repeat it. */
const EARLY = Symbol('json-guard.early');
type WithEarly = IncomingMessage & { [EARLY]?: Error };

/** Whether the body is plain UTF-8 JSON bytes on the wire (no content coding, a UTF-8 or no charset). */
function plainUtf8(req: IncomingMessage): boolean {
  const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (coding !== 'identity') return false;
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** The body-parser error for a body over the byte limit (answered with its usual words). */
function tooLarge(limit: number): Error {
  return Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large', limit });
}

/**
 * `express.json` with a structural limit checked on the bytes before they are parsed. A plain
 * UTF-8 body is scanned chunk by chunk as it arrives (JsonScanner) and refused at the first byte
 * past a limit, or past the byte limit, without waiting for the rest: the answer — 400 (413 for a
 * batch over its item limit, or over the byte limit) in both languages — goes out at once, while
 * the rest of the body is read and dropped so the connection stays usable. Other bodies
 * (compressed, other charsets) are scanned whole in body-parser's `verify` hook before parsing.
 */
export function guardedJson(options: { limit: number; limits: JsonLimits; strict?: boolean; type: (req: IncomingMessage) => boolean; item?: { item: string; itemZh: string } }): RequestHandler {
  const refuse = (breach: JsonLimitBreach) => new JsonLimitError(breach, breachWords(breach, options.item));
  const parse = express.json({
    limit: options.limit,
    strict: options.strict ?? true,
    type: options.type,
    verify: (req, _res, buf, encoding) => {
      const early = (req as WithEarly)[EARLY];
      if (early) throw early;
      const breach = scanJson(utf8Bytes(buf, encoding), options.limits);
      if (breach) throw refuse(breach);
    },
  });
  const maxBytes = options.limit;
  return (req, res, next) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (!options.type(req) || !plainUtf8(req) || (!(declared > 0) && req.headers['transfer-encoding'] === undefined)) {
      parse(req, res, next);
      return;
    }
    let answered = false;
    const once = (error?: unknown) => {
      if (answered) return;
      answered = true;
      next(error);
    };
    if (declared > maxBytes) {
      // Said too large up front: answered now; the body is read and dropped.
      req.resume();
      once(tooLarge(maxBytes));
      return;
    }
    const scanner = new JsonScanner(options.limits);
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      const breach = scanner.push(chunk);
      if (breach || received > maxBytes) {
        req.off('data', onData);
        const error = breach ? refuse(breach) : tooLarge(maxBytes);
        (req as WithEarly)[EARLY] = error;
        once(error);
      }
    };
    // Attached in the same tick as body-parser's own reader, so both see every chunk.
    req.on('data', onData);
    parse(req, res, (error?: unknown) => {
      req.off('data', onData);
      once(error);
    });
  };
}
