/**
 * The SIP text a GB/T 28181 device writes and reads, as plain strings (bench/lib/sip-device.ts):
 * cheap enough that a simulator of thousands of NVRs stays lighter than the server it loads.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import dgram from 'node:dgram';
import iconv from 'iconv-lite';

/** Content-Type of a MANSCDP body (GB/T 28181-2016 §6.2). */
export const MANSCDP = 'Application/MANSCDP+xml';

/** A SIP message read off a datagram: its start line, headers (lower-case names, compact forms expanded) and body. */
export interface SipText {
  status: number | null;
  method: string | null;
  headers: Map<string, string[]>;
  /** The header lines as received, for answers that copy them (Via, From, To, Call-ID, CSeq). */
  lines: string[];
  body: Buffer;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', l: 'content-length', c: 'content-type', m: 'contact' };

/** Reads one SIP message; null when it is not one. */
export function parseSip(data: Buffer): SipText | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = data.toString('latin1', 0, end).split('\r\n');
  const start = head[0] ?? '';
  const status = /^SIP\/2\.0 (\d{3})\b/.exec(start);
  const request = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(start);
  if (!status && !request) return null;
  const headers = new Map<string, string[]>();
  const lines = head.slice(1);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  return { status: status ? Number(status[1]) : null, method: request?.[1] ?? null, headers, lines, body: data.subarray(end + 4) };
}

export function header(message: SipText, name: string): string | undefined {
  return message.headers.get(name)?.[0];
}

/** A 200 OK (or other final answer) to a request: its Via, From, To (with a tag), Call-ID and CSeq copied. */
export function answerText(request: SipText, status = 200, reason = 'OK'): Buffer {
  const copied = request.lines.filter((line) => /^(via|v|from|f|call-id|i|cseq)\s*:/i.test(line));
  const to = request.lines.find((line) => /^(to|t)\s*:/i.test(line)) ?? 'To: <sip:unknown@unknown>';
  const toLine = /;\s*tag=/i.test(to) ? to : `${to};tag=${randomToken(4)}`;
  return Buffer.from(`SIP/2.0 ${status} ${reason}\r\n${[...copied, toLine].join('\r\n')}\r\nUser-Agent: Xiaoan bench device\r\nContent-Length: 0\r\n\r\n`, 'latin1');
}

/** The fields of a Digest challenge (WWW-Authenticate), unquoted. */
export function digestChallenge(value: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of value.replace(/^\s*Digest\s+/i, '').matchAll(/([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g)) {
    fields[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
  }
  return fields;
}

const md5 = (text: string) => crypto.createHash('md5').update(text).digest('hex');

/** The Authorization header value of a REGISTER (RFC 2617 MD5 without qop, as GB/T 28181 devices send). */
export function digestAuthorization(input: { username: string; password: string; realm: string; nonce: string; uri: string; method: string }): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  const response = md5(`${ha1}:${input.nonce}:${ha2}`);
  return `Digest username="${input.username}", realm="${input.realm}", nonce="${input.nonce}", uri="${input.uri}", response="${response}", algorithm=MD5`;
}

export function randomToken(bytes = 6): string {
  return crypto.randomBytes(bytes).toString('hex');
}

/** A device's request: start line, the usual headers, and a body (Content-Length counted in bytes). */
export function requestText(input: {
  method: 'REGISTER' | 'MESSAGE';
  uri: string;
  local: { host: string; port: number };
  from: string;
  to: string;
  callId: string;
  cseq: number;
  extra?: string[];
  contentType?: string;
  body?: Buffer;
}): Buffer {
  const body = input.body ?? Buffer.alloc(0);
  const lines = [
    `${input.method} ${input.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${input.local.host}:${input.local.port};rport;branch=z9hG4bK${randomToken(6)}`,
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Call-ID: ${input.callId}`,
    `CSeq: ${input.cseq} ${input.method}`,
    'Max-Forwards: 70',
    'User-Agent: Xiaoan bench device',
    ...(input.extra ?? []),
    ...(input.contentType ? [`Content-Type: ${input.contentType}`] : []),
    `Content-Length: ${body.length}`,
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

const XML_HEAD = '<?xml version="1.0" encoding="GB2312"?>\r\n';
const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const gb2312 = (xml: string) => iconv.encode(xml, 'gb2312');

/** Notify/Keepalive (附录A.2.5). */
export function keepaliveXml(sn: number, deviceId: string): Buffer {
  return gb2312(`${XML_HEAD}<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${deviceId}</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n`);
}

/** Beijing time as a device writes AlarmTime: `YYYY-MM-DDTHH:mm:ss`. */
export function deviceTime(at = Date.now()): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 19);
}

/** Notify/Alarm (§9.4) from an alarm input: AlarmMethod 2 (设备报警) with no AlarmType, the input's contact closing. */
export function alarmXml(sn: number, channel: string, description: string): Buffer {
  return gb2312(
    `${XML_HEAD}<Notify>\r\n<CmdType>Alarm</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${channel}</DeviceID>\r\n<AlarmPriority>1</AlarmPriority>\r\n` +
      `<AlarmMethod>2</AlarmMethod>\r\n<AlarmTime>${deviceTime()}</AlarmTime>\r\n<AlarmDescription>${escapeXml(description)}</AlarmDescription>\r\n</Notify>\r\n`,
  );
}

/** One channel of an NVR's catalog. */
export interface CatalogChannel {
  code: string;
  name: string;
}

/** Response/Catalog (附录A.2.6): one part of the list, `sumNum` channels in all. */
export function catalogXml(sn: number, nvr: string, sumNum: number, items: readonly CatalogChannel[]): Buffer {
  const list = items
    .map((item) =>
      `<Item>\r\n<DeviceID>${item.code}</DeviceID>\r\n<Name>${escapeXml(item.name)}</Name>\r\n<Manufacturer>Xiaoan</Manufacturer>\r\n<Model>bench</Model>\r\n` +
      `<Owner>Owner</Owner>\r\n<CivilCode>${item.code.slice(0, 6)}</CivilCode>\r\n<Parental>0</Parental>\r\n<ParentID>${nvr}</ParentID>\r\n` +
      `<SafetyWay>0</SafetyWay>\r\n<RegisterWay>1</RegisterWay>\r\n<Secrecy>0</Secrecy>\r\n<Status>ON</Status>\r\n</Item>\r\n`)
    .join('');
  return gb2312(`${XML_HEAD}<Response>\r\n<CmdType>Catalog</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${nvr}</DeviceID>\r\n<SumNum>${sumNum}</SumNum>\r\n<DeviceList Num="${items.length}">\r\n${list}</DeviceList>\r\n</Response>\r\n`);
}

/** What a MANSCDP body the platform sent is: its root, CmdType and SN. */
export function manscdpKind(body: Buffer): { root: string; cmdType: string; sn: number } | null {
  const text = body.toString('latin1');
  const root = /<(Query|Response|Notify|Control)>/.exec(text)?.[1];
  const cmdType = /<CmdType>\s*([^<\s]+)\s*<\/CmdType>/.exec(text)?.[1];
  const sn = /<SN>\s*(\d+)\s*<\/SN>/.exec(text)?.[1];
  return root && cmdType && sn ? { root, cmdType, sn: Number(sn) } : null;
}

/** The loopback address of simulated device `index` (≥ 1): 127.10.0.1, 127.10.0.2 … — each NVR its own address, as on a real network. */
export function loopbackAddress(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index >= 1 << 20) throw new RangeError(`device index ${index} out of range`);
  return `127.${10 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`;
}

/** A port free for both UDP and TCP on 127.0.0.1 (the endpoint listens on both at one port). */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1');
}
