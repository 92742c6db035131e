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

/**
 * Checks the structure of UTF-8 JSON bytes against `limits` in one pass, without building
 * anything: null when within them, else the first limit broken. Strings (and their escapes) are
 * skipped as opaque; UTF-8 continuation bytes are never ASCII, so a byte-wise pass is exact. The
 * text need not be valid JSON — the parser judges that afterwards, on a text now known to be
 * bounded. Counts are of commas and openings, so they may exceed the true count by one on
 * malformed input, never fall below it.
 */
export function scanJson(bytes: Uint8Array, limits: JsonLimits): JsonLimitBreach | null {
  const { maxDepth, maxItems, maxValues } = limits;
  const maxTopItems = limits.maxTopItems ?? maxItems;
  // Items of each open container so far (commas + 1), one slot per depth.
  const items = new Uint32Array(maxDepth + 2);
  let depth = 0;
  let values = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      // Skip the string to its closing quote: one not escaped by an odd run of backslashes.
      let close = bytes.indexOf(QUOTE, i + 1);
      while (close !== -1) {
        let slashes = 0;
        while (bytes[close - 1 - slashes] === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
        close = bytes.indexOf(QUOTE, close + 1);
      }
      i = close === -1 ? n : close;
      if (++values > maxValues) return { limit: 'values', max: maxValues, offset: i };
      continue;
    }
    if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return { limit: 'depth', max: maxDepth, offset: i };
      items[depth] = 0;
      if (++values > maxValues) return { limit: 'values', max: maxValues, offset: i };
      continue;
    }
    if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      if (depth > 0) depth--;
      continue;
    }
    if (b === COMMA) {
      if (depth === 0) continue;
      if (items[depth] === 0) items[depth] = 1;
      items[depth]!++;
      const max = depth === 1 ? maxTopItems : maxItems;
      if (items[depth]! > max) return { limit: depth === 1 && limits.maxTopItems !== undefined ? 'topItems' : 'items', max, offset: i };
      continue;
    }
    // A number or literal starts here: count it once, at its first byte.
    if (b > 0x20 && b !== 0x3a) {
      if (++values > maxValues) return { limit: 'values', max: maxValues, offset: i };
      // Skip the rest of the token.
      while (i + 1 < n) {
        const c = bytes[i + 1]!;
        if (c <= 0x20 || c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === QUOTE || c === OPEN_ARRAY || c === OPEN_OBJECT || c === 0x3a) break;
        i++;
      }
    }
  }
  return null;
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

/**
 * `express.json` with a structural limit checked on the raw bytes before they are parsed
 * (body-parser's `verify` hook): beyond the limits, the answer is a 400 (413 for a batch over
 * its item limit) in both languages, in the time of one pass over the bytes.
 */
export function guardedJson(options: { limit: number | string; limits: JsonLimits; strict?: boolean; type: (req: IncomingMessage) => boolean; item?: { item: string; itemZh: string } }): RequestHandler {
  return express.json({
    limit: options.limit,
    strict: options.strict ?? true,
    type: options.type,
    verify: (_req, _res, buf, encoding) => {
      const breach = scanJson(utf8Bytes(buf, encoding), options.limits);
      if (breach) throw new JsonLimitError(breach, breachWords(breach, options.item));
    },
  });
}
