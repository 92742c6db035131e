import { randomBytes } from 'node:crypto';
import sip, { type LibMessage } from 'sip';
import { z } from 'zod';

/**
 * SIP messages of the GB/T 28181 endpoint: read with the `sip` package's parser after bounds of
 * our own (size, a header block that ends, a start line of the right shape), then checked with
 * zod, so nothing the library let through half-parsed reaches the endpoint.
 */

/** Longest header block read: real devices send well under 2 kB. */
export const MAX_HEADER_BYTES = 4 * 1024;
/**
 * Most header lines, and the longest one: a device's REGISTER has about a dozen, the longest its
 * Authorization at ~300 bytes. The library's header regexes cost time in proportion to what they
 * are given, so nothing longer reaches them (8 kB of one Contact list took 7 ms to parse).
 */
export const MAX_HEADER_LINES = 40;
export const MAX_HEADER_LINE_BYTES = 1024;
const HEADER_END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^([A-Z][A-Z0-9_-]{0,31}) (sips?:\S{1,512}) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: .{0,200})?$/;

const viaSchema = z.object({
  protocol: z.string(),
  host: z.string().min(1),
  port: z.number().optional(),
  params: z.record(z.string(), z.unknown()),
}).loose();
const aorSchema = z.object({ uri: z.string().min(1), params: z.record(z.string(), z.unknown()) }).loose();
const cseqSchema = z.object({ seq: z.number().int().nonnegative(), method: z.string().min(1) });
/** The headers every request and answer must carry (RFC 3261 §8.1.1). */
const coreHeadersSchema = z.object({
  via: z.array(viaSchema).min(1),
  from: aorSchema,
  to: aorSchema,
  'call-id': z.string().min(1).max(256),
  cseq: cseqSchema,
}).loose();
const digestSchema = z.object({
  scheme: z.string(),
  username: z.string().optional(),
  realm: z.string().optional(),
  nonce: z.string().optional(),
  uri: z.string().optional(),
  response: z.string().optional(),
  algorithm: z.string().optional(),
  qop: z.string().optional(),
  nc: z.string().optional(),
  cnonce: z.string().optional(),
}).loose();

/** The Authorization header's digest fields, unquoted. */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string | null;
  qop: string | null;
  nc: string | null;
  cnonce: string | null;
}

/** A request read off the wire. */
export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  /** The user part of From: a device's 20-digit code. */
  fromUser: string;
  callId: string;
  cseq: { seq: number; method: string };
  /** Expires header, or the Contact's expires parameter; null when neither is there. */
  expires: number | null;
  authorization: DigestCredentials | null;
  contentType: string | null;
  body: Buffer;
  /** The parsed message, echoed into answers (Via, From, To, Call-ID, CSeq). */
  raw: LibMessage;
}

/** An answer read off the wire (to a request the platform sent). */
export interface SipResponse {
  kind: 'response';
  status: number;
  callId: string;
  cseq: { seq: number; method: string };
}

/** Why a message could not be used; `answerable` when it still carries what a 400 needs. */
export interface SipUnreadable {
  kind: 'malformed';
  reason: string;
  answerable: LibMessage | null;
}

/** What {@link readSipMessage} makes of a datagram or framed stream message. */
export type SipRead = SipRequest | SipResponse | SipUnreadable;

const unquote = (value: string | undefined): string => (value && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : (value ?? ''));

function credentials(headers: Record<string, unknown>): DigestCredentials | null {
  if (headers.authorization === undefined) return null;
  const list = z.array(digestSchema).safeParse(headers.authorization);
  const first = list.success ? list.data.find((h) => h.scheme.toLowerCase() === 'digest') : undefined;
  if (!first) return null;
  const opt = (v: string | undefined) => (v === undefined ? null : unquote(v));
  return {
    username: unquote(first.username), realm: unquote(first.realm), nonce: unquote(first.nonce), uri: unquote(first.uri),
    response: unquote(first.response).toLowerCase(), algorithm: opt(first.algorithm), qop: opt(first.qop), nc: opt(first.nc), cnonce: opt(first.cnonce),
  };
}

function integerHeader(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  return /^\d{1,10}$/.test(text) ? Number(text) : null;
}

/** Why the header block is too long to hand the parser, or null when it is within bounds. */
function headerShape(data: Buffer, end: number): string | null {
  let lines = 0;
  let from = 0;
  while (from < end) {
    const next = data.indexOf(0x0a, from);
    const stop = next < 0 || next > end ? end : next;
    if (stop - from > MAX_HEADER_LINE_BYTES) return `a header line longer than ${MAX_HEADER_LINE_BYTES} bytes`;
    if (++lines > MAX_HEADER_LINES) return `more than ${MAX_HEADER_LINES} header lines`;
    from = stop + 1;
  }
  return null;
}

/** Reads one SIP message; never throws. `data` is already within the size limit. */
export function readSipMessage(data: Buffer): SipRead {
  const end = data.indexOf(HEADER_END);
  if (end < 0 || end > MAX_HEADER_BYTES) return { kind: 'malformed', reason: 'no end of headers within 4 kB', answerable: null };
  const firstLineEnd = data.indexOf('\r\n');
  const startLine = data.toString('latin1', 0, firstLineEnd);
  const isRequest = REQUEST_LINE.test(startLine);
  if (!isRequest && !STATUS_LINE.test(startLine)) return { kind: 'malformed', reason: 'not a SIP request or status line', answerable: null };
  const shape = headerShape(data, end);
  if (shape) return { kind: 'malformed', reason: shape, answerable: null };
  let parsed: LibMessage | undefined;
  try {
    // The headers only: the body is taken as bytes below, and the library's regexes never scan it.
    parsed = sip.parse(data.subarray(0, end + HEADER_END.length));
  } catch {
    parsed = undefined;
  }
  if (!parsed) return { kind: 'malformed', reason: 'unreadable header', answerable: null };
  const core = coreHeadersSchema.safeParse(parsed.headers);
  if (!core.success) return { kind: 'malformed', reason: `missing or broken header: ${core.error.issues[0]?.path.join('.') ?? '?'}`, answerable: null };
  const bodyBytes = data.length - end - HEADER_END.length;
  const declared = integerHeader(parsed.headers['content-length']);
  if (declared !== null && declared > bodyBytes) return { kind: 'malformed', reason: 'body shorter than its Content-Length', answerable: isRequest ? parsed : null };
  const body = data.subarray(end + HEADER_END.length, end + HEADER_END.length + (declared ?? bodyBytes));
  const { cseq } = core.data;
  if (!isRequest) return { kind: 'response', status: parsed.status ?? 0, callId: core.data['call-id'], cseq };
  const from = sip.parseUri(core.data.from.uri);
  if (!from?.user) return { kind: 'malformed', reason: 'From names no user', answerable: parsed };
  const contacts = parsed.headers.contact === undefined ? null : z.array(aorSchema).safeParse(parsed.headers.contact);
  const contactExpires = contacts?.success ? integerHeader(contacts.data[0]?.params.expires) : null;
  const contentType = typeof parsed.headers['content-type'] === 'string' ? parsed.headers['content-type'].trim() : null;
  return {
    kind: 'request',
    method: parsed.method ?? '',
    uri: parsed.uri ?? '',
    fromUser: from.user,
    callId: core.data['call-id'],
    cseq,
    expires: integerHeader(parsed.headers.expires) ?? contactExpires,
    authorization: credentials(parsed.headers),
    contentType,
    body,
    raw: parsed,
  };
}

/** A process-wide random prefix and a counter: unique tags and branches without a call into the CSPRNG per answer (which cost 7 % of a keepalive's handling). */
const TOKEN_PREFIX = randomBytes(6).toString('hex');
let tokenCount = 0;

/** A token for tags, branches and Call-IDs, unique in this process and unguessable across processes; `bytes` > 4 adds randomness. */
export function token(bytes = 8): string {
  tokenCount = (tokenCount + 1) % Number.MAX_SAFE_INTEGER;
  const unique = `${TOKEN_PREFIX}${tokenCount.toString(36)}`;
  return bytes > 4 ? `${unique}${randomBytes(bytes - 4).toString('hex')}` : unique;
}

/** The platform's product name on its messages. */
const USER_AGENT = 'Xiaoan GB/T 28181';

/** An answer to `request` (its Via, From, To with a tag, Call-ID and CSeq), as bytes. */
export function answer(request: LibMessage, status: number, reason: string, extra: { headers?: Record<string, unknown>; body?: Buffer } = {}): Buffer {
  const to = aorSchema.safeParse(request.headers.to);
  const toHeader = to.success && to.data.params.tag === undefined ? { ...to.data, params: { ...to.data.params, tag: token(4) } } : request.headers.to;
  const message: LibMessage = {
    status,
    reason,
    version: '2.0',
    headers: {
      via: request.headers.via, from: request.headers.from, to: toHeader, 'call-id': request.headers['call-id'], cseq: request.headers.cseq,
      'user-agent': USER_AGENT,
      ...extra.headers,
    },
    content: extra.body ? extra.body.toString('latin1') : '',
  };
  return Buffer.from(sip.stringify(message), 'latin1');
}

/** A request the platform sends a device (a MESSAGE with a MANSCDP body). */
export interface OutgoingRequest {
  method: 'MESSAGE';
  /** Where: the device's code and its address. */
  deviceId: string;
  address: string;
  port: number;
  transport: 'UDP' | 'TCP';
  /** The platform's code, domain and the address it answers on (Via). */
  platformId: string;
  domain: string;
  localHost: string;
  localPort: number;
  callId: string;
  seq: number;
  contentType: string;
  body: Buffer;
}

/** An outgoing request as bytes. */
export function request(out: OutgoingRequest): Buffer {
  const message: LibMessage = {
    method: out.method,
    uri: `sip:${out.deviceId}@${out.address}:${out.port}`,
    version: '2.0',
    headers: {
      via: [{ version: '2.0', protocol: out.transport, host: out.localHost, port: out.localPort, params: { rport: null, branch: `z9hG4bK${token()}` } }],
      from: { uri: `sip:${out.platformId}@${out.domain}`, params: { tag: token(4) } },
      to: { uri: `sip:${out.deviceId}@${out.domain}`, params: {} },
      'call-id': out.callId,
      cseq: { seq: out.seq, method: out.method },
      'max-forwards': '70',
      'user-agent': USER_AGENT,
      'content-type': out.contentType,
    },
    content: out.body.toString('latin1'),
  };
  return Buffer.from(sip.stringify(message), 'latin1');
}
