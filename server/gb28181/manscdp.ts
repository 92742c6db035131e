import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { GB_CODE_PATTERN } from '../../shared/gb-code.js';
import { MANSCDP_LIMITS, alarmInstant, decodeXmlReferences, integerText, numberText, textOf, toList } from './manscdp-text.js';

/**
 * MANSCDP (GB/T 28181-2016 附录A): the XML bodies of SIP MESSAGE requests. Pure functions:
 * bytes → text (decodeBody), text → a validated message (parseManscdp), and the two bodies the
 * platform sends (a catalog query and the answer to an alarm notification).
 */

/** Content-Type of a MANSCDP body (GB/T 28181-2016 §6.2). */
export const MANSCDP_CONTENT_TYPE = 'Application/MANSCDP+xml';

const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);

function charsetOfContentType(contentType: string | undefined): string | null {
  const match = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return match?.[1]?.toLowerCase() ?? null;
}

function charsetOfDeclaration(body: Buffer): string | null {
  // The declaration is ASCII in every charset the standard allows: read it from the raw prefix.
  const prefix = body.subarray(0, 256).toString('latin1');
  const match = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(prefix);
  return match?.[1]?.toLowerCase() ?? null;
}

function validUtf8(body: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
}

/**
 * The text of a MANSCDP body. Charset: the Content-Type's `charset` parameter, else the XML
 * declaration's `encoding`, else UTF-8 when the bytes are valid UTF-8 and GB18030 otherwise.
 * GB2312/GBK (what most devices send) and unknown charsets are decoded as GB18030; a body that
 * says UTF-8 but is not valid UTF-8 (a device that declares one and sends the other) too.
 */
export function decodeBody(body: Buffer, contentType?: string): string {
  const charset = charsetOfContentType(contentType) ?? charsetOfDeclaration(body);
  if (charset === null || UTF8_CHARSETS.has(charset)) {
    const text = validUtf8(body);
    if (text !== null) return text.replace(/^\uFEFF/, '');
  }
  // GB family, or unknown: GB18030 is what a device of this market most likely meant.
  return iconv.decode(body, 'gb18030');
}

/** A keepalive (Notify/Keepalive, 附录A.2.5): the device is alive; `faultyChannels` are the channels it reports broken (Info/DeviceID). */
export interface KeepaliveMessage {
  kind: 'keepalive';
  sn: number;
  deviceId: string;
  status: 'OK' | 'ERROR' | null;
  faultyChannels: string[];
}

/** An alarm notification (Notify/Alarm, 附录A.2.5, §9.4). */
export interface AlarmMessage {
  kind: 'alarm';
  sn: number;
  deviceId: string;
  /** 1 一级警情 … 4 四级警情. */
  priority: 1 | 2 | 3 | 4;
  /** 1 电话 phone, 2 设备 device, 3 短信 SMS, 4 GPS, 5 视频 video, 6 设备故障 device fault, 7 其他 other. */
  method: number;
  /** AlarmTime as sent (device local time), or null when absent. */
  time: string | null;
  /** AlarmTime as an ISO instant (+08:00), or null when absent or not a time. */
  at: string | null;
  description?: string;
  longitude?: number;
  latitude?: number;
  /** Info/AlarmType (2016): meaning depends on `method`, see alarm-map.ts. */
  alarmType?: number;
  /** Info/AlarmTypeParam/EventType (2016), e.g. 1 entering, 2 leaving an intrusion area. */
  eventType?: number;
}

/** One channel of a catalog answer. */
export interface CatalogItem {
  deviceId: string;
  name: string;
  /** ON (online; `OK`/`ONLINE` read as ON) or OFF (`OFFLINE`); absent when not sent or not understood. */
  status?: 'ON' | 'OFF';
  parentId?: string;
}

/** A catalog answer (Response/Catalog, 附录A.2.6): one part of the device's channel list (`sumNum` channels in all). */
export interface CatalogMessage {
  kind: 'catalog';
  sn: number;
  deviceId: string;
  sumNum: number;
  items: CatalogItem[];
  /** Items left out because their DeviceID is not a 20-digit code. */
  skipped: number;
}

/** Any other well-formed MANSCDP message (other CmdTypes, Query, Control): counted, not acted on. */
export interface OtherMessage {
  kind: 'other';
  root: string;
  cmdType: string;
  sn?: number;
  deviceId?: string;
}

/** A validated MANSCDP message. */
export type ManscdpMessage = KeepaliveMessage | AlarmMessage | CatalogMessage | OtherMessage;

/** What parseManscdp answers. */
export type ManscdpResult = { ok: true; message: ManscdpMessage } | { ok: false; reason: string };

const ROOTS = ['Notify', 'Response', 'Query', 'Control'] as const;

const snSchema = z.unknown().transform(textOf).pipe(z.string({ error: '缺少 SN (SN missing)' }).regex(/^\d{1,10}$/, { error: 'SN 应为至多 10 位的整数 (SN is not an integer of up to 10 digits)' }).transform(Number));
const deviceIdSchema = z.unknown().transform(textOf).pipe(z.string({ error: '缺少 DeviceID (DeviceID missing)' }).regex(GB_CODE_PATTERN, { error: 'DeviceID 应为 20 位数字 (DeviceID is not 20 digits)' }));

const keepaliveSchema = z.looseObject({ SN: snSchema, DeviceID: deviceIdSchema }).transform((raw): KeepaliveMessage => {
  const status = textOf(raw.Status)?.toUpperCase();
  const info = raw.Info !== null && typeof raw.Info === 'object' ? (raw.Info as Record<string, unknown>).DeviceID : undefined;
  return {
    kind: 'keepalive', sn: raw.SN, deviceId: raw.DeviceID,
    status: status === 'OK' || status === 'ERROR' ? status : null,
    faultyChannels: toList(info).map(textOf).filter((code): code is string => code !== undefined && GB_CODE_PATTERN.test(code)),
  };
});

const alarmSchema = z.looseObject({
  SN: snSchema,
  DeviceID: deviceIdSchema,
  AlarmPriority: z.unknown().transform(integerText).pipe(z.number({ error: '缺少 AlarmPriority (AlarmPriority missing)' }).int().min(1, { error: 'AlarmPriority 应为 1–4 (AlarmPriority is 1–4)' }).max(4, { error: 'AlarmPriority 应为 1–4 (AlarmPriority is 1–4)' })),
  AlarmMethod: z.unknown().transform(integerText).pipe(z.number({ error: '缺少 AlarmMethod (AlarmMethod missing)' }).int().min(1, { error: 'AlarmMethod 应为 1–7 (AlarmMethod is 1–7)' }).max(7, { error: 'AlarmMethod 应为 1–7 (AlarmMethod is 1–7)' })),
}).transform((raw): AlarmMessage => {
  const info = raw.Info !== null && typeof raw.Info === 'object' ? (raw.Info as Record<string, unknown>) : {};
  const param = info.AlarmTypeParam !== null && typeof info.AlarmTypeParam === 'object' ? (info.AlarmTypeParam as Record<string, unknown>) : {};
  const time = textOf(raw.AlarmTime);
  const message: AlarmMessage = {
    kind: 'alarm', sn: raw.SN, deviceId: raw.DeviceID, priority: raw.AlarmPriority as 1 | 2 | 3 | 4, method: raw.AlarmMethod,
    time: time ?? null, at: time ? alarmInstant(time) : null,
  };
  const description = textOf(raw.AlarmDescription);
  if (description) message.description = description;
  const longitude = numberText(raw.Longitude);
  if (longitude !== undefined && Math.abs(longitude) <= 180) message.longitude = longitude;
  const latitude = numberText(raw.Latitude);
  if (latitude !== undefined && Math.abs(latitude) <= 90) message.latitude = latitude;
  const alarmType = integerText(info.AlarmType);
  if (alarmType !== undefined) message.alarmType = alarmType;
  const eventType = integerText(param.EventType);
  if (eventType !== undefined) message.eventType = eventType;
  return message;
});

function catalogItem(raw: unknown): CatalogItem | null {
  if (raw === null || typeof raw !== 'object') return null;
  const fields = raw as Record<string, unknown>;
  const deviceId = textOf(fields.DeviceID);
  if (deviceId === undefined || !GB_CODE_PATTERN.test(deviceId)) return null;
  const item: CatalogItem = { deviceId, name: textOf(fields.Name) ?? '' };
  const status = textOf(fields.Status)?.toUpperCase();
  if (status === 'ON' || status === 'OK' || status === 'ONLINE') item.status = 'ON';
  if (status === 'OFF' || status === 'OFFLINE') item.status = 'OFF';
  const parentId = textOf(fields.ParentID);
  if (parentId) item.parentId = parentId;
  return item;
}

const catalogSchema = z.looseObject({
  SN: snSchema,
  DeviceID: deviceIdSchema,
  SumNum: z.unknown().transform(integerText).pipe(z.number({ error: '缺少 SumNum (SumNum missing)' }).int().min(0)),
}).transform((raw): CatalogMessage => {
  const list = raw.DeviceList !== null && typeof raw.DeviceList === 'object' ? (raw.DeviceList as Record<string, unknown>).Item : undefined;
  const all = toList(list);
  const items = all.map(catalogItem).filter((item): item is CatalogItem => item !== null);
  return { kind: 'catalog', sn: raw.SN, deviceId: raw.DeviceID, sumNum: raw.SumNum, items, skipped: all.length - items.length };
});

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: MANSCDP_LIMITS.depth,
  // The five predefined references and character references; nothing else is ever expanded.
  tagValueProcessor: (_name, value) => decodeXmlReferences(value),
});

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'MANSCDP 内容无效 (invalid MANSCDP content)';
}

/**
 * Reads a MANSCDP text. Refuses, before parsing, any DTD (`<!DOCTYPE`, `<!ENTITY`…: nothing is
 * ever resolved or expanded), text over 64 KiB, too many elements; then malformed XML, an unknown
 * root, a missing CmdType, and the fields the product reads being absent or wrong.
 */
export function parseManscdp(text: string): ManscdpResult {
  if (text.length > MANSCDP_LIMITS.chars) return { ok: false, reason: `MANSCDP 超过 ${MANSCDP_LIMITS.chars} 字符 (MANSCDP text too large)` };
  const body = text.replace(/^\uFEFF/, '');
  if (/<!(?!--|\[CDATA\[)/i.test(body)) return { ok: false, reason: '拒绝 DTD/实体声明 (DOCTYPE/ENTITY refused)' };
  if ((body.match(/<[^/?!]/g) ?? []).length > MANSCDP_LIMITS.elements) return { ok: false, reason: `元素超过 ${MANSCDP_LIMITS.elements} 个 (too many elements)` };
  const valid = XMLValidator.validate(body);
  if (valid !== true) return { ok: false, reason: `XML 格式错误 (malformed XML: ${valid.err.msg.slice(0, 120)})` };
  let document: Record<string, unknown>;
  try {
    document = parser.parse(body) as Record<string, unknown>;
  } catch (error) {
    const nested = error instanceof Error && /nested/i.test(error.message);
    return { ok: false, reason: nested ? `嵌套超过 ${MANSCDP_LIMITS.depth} 层 (nested too deep)` : 'XML 格式错误 (malformed XML)' };
  }
  const roots = Object.keys(document);
  const root = roots.find((name) => (ROOTS as readonly string[]).includes(name));
  if (roots.length !== 1 || root === undefined) return { ok: false, reason: `根元素不是 Notify/Response/Query/Control (unknown root: ${roots.join(',').slice(0, 40)})` };
  const content = document[root];
  const fields = content !== null && typeof content === 'object' && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
  const cmdType = textOf(fields.CmdType);
  if (!cmdType) return { ok: false, reason: '缺少 CmdType (CmdType missing)' };
  const schema = root === 'Notify' && cmdType === 'Keepalive' ? keepaliveSchema
    : root === 'Notify' && cmdType === 'Alarm' ? alarmSchema
      : root === 'Response' && cmdType === 'Catalog' ? catalogSchema
        : null;
  if (schema === null) {
    const other: OtherMessage = { kind: 'other', root, cmdType: cmdType.slice(0, 64) };
    const sn = snSchema.safeParse(fields.SN);
    if (sn.success) other.sn = sn.data;
    const deviceId = deviceIdSchema.safeParse(fields.DeviceID);
    if (deviceId.success) other.deviceId = deviceId.data;
    return { ok: true, message: other };
  }
  const parsed = schema.safeParse(fields);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: firstIssue(parsed.error) };
}

function buildBody(root: 'Query' | 'Response', cmdType: string, sn: number, deviceId: string, extra = ''): Buffer {
  // Any SN parseManscdp reads (up to 10 digits) can be answered.
  if (!Number.isSafeInteger(sn) || sn < 0) throw new RangeError(`MANSCDP SN ${sn} is not a non-negative integer`);
  if (!GB_CODE_PATTERN.test(deviceId)) throw new RangeError(`not a GB/T 28181 code: ${deviceId}`);
  const xml = `<?xml version="1.0" encoding="GB2312"?>\r\n<${root}>\r\n<CmdType>${cmdType}</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${deviceId}</DeviceID>\r\n${extra}</${root}>\r\n`;
  return iconv.encode(xml, 'gb2312');
}

/** The platform's catalog query (Query/Catalog, 附录A.2.4) to the device `deviceId`, GB2312-encoded. */
export function buildCatalogQuery(sn: number, deviceId: string): Buffer {
  return buildBody('Query', 'Catalog', sn, deviceId);
}

/** The platform's answer to an alarm notification (Response/Alarm, Result OK, §9.4.2), GB2312-encoded. */
export function buildAlarmResponse(sn: number, deviceId: string): Buffer {
  return buildBody('Response', 'Alarm', sn, deviceId, '<Result>OK</Result>\r\n');
}
