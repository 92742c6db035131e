/**
 * A small GB/T 28181 device simulator for the `sip` benchmark: an NVR on a UDP socket of its own
 * (its own loopback address), which REGISTERs with MD5 digest, answers the platform's MESSAGEs
 * (Query/Catalog → 200 and its channel list; Response/Alarm → 200) and sends Notify/Keepalive and
 * Notify/Alarm, matching the platform's answers to its requests by Call-ID.
 */
import dgram from 'node:dgram';
import {
  alarmXml, answerText, catalogXml, digestAuthorization, digestChallenge, header, keepaliveXml, MANSCDP, manscdpKind, parseSip, randomToken,
  requestText, type CatalogChannel, type SipText,
} from './sip-wire.js';

/** Where the devices register: the platform's SIP id and domain, its UDP address, the device password. */
export interface SipPlatform {
  id: string;
  domain: string;
  host: string;
  port: number;
  password: string;
}

/** An NVR to simulate: its code, its channels (cameras and alarm inputs) and the loopback address it sends from. */
export interface SipNvr {
  code: string;
  address: string;
  channels: CatalogChannel[];
}

/** The final answer to one of the device's requests: its status (0 when none came in time) and how long it took. */
export interface SipAnswer {
  status: number;
  ms: number;
}

/** Channels per Response/Catalog message (a device splits a long list; each part carries SumNum). */
const CATALOG_PART = 16;

interface Pending {
  sent: number;
  timer: NodeJS.Timeout;
  resolve(answer: SipAnswer, message: SipText | null): void;
}

/** What the platform asked of the device so far. */
export interface SipDeviceCounters {
  catalogQueries: number;
  catalogParts: number;
  alarmResponses: number;
  otherRequests: number;
}

export class SipDevice {
  readonly counters: SipDeviceCounters = { catalogQueries: 0, catalogParts: 0, alarmResponses: 0, otherRequests: 0 };
  private readonly pending = new Map<string, Pending>();
  /** Call-IDs of the platform's requests already acted on: a retransmission is answered again, not acted on twice. */
  private readonly handled = new Set<string>();
  private readonly tag = randomToken(4);
  private readonly fromHeader: string;
  private readonly platformUri: string;
  private cseq = 1;
  private sn = 1;
  private closed = false;

  private constructor(
    readonly nvr: SipNvr,
    private readonly platform: SipPlatform,
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    this.fromHeader = `<sip:${nvr.code}@${platform.domain}>;tag=${this.tag}`;
    this.platformUri = `sip:${platform.id}@${platform.domain}`;
    socket.on('message', (data) => this.receive(data));
  }

  /** Binds the device's socket on its address. */
  static async open(nvr: SipNvr, platform: SipPlatform): Promise<SipDevice> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 256 * 1024 });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, nvr.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new SipDevice(nvr, platform, socket, socket.address().port);
  }

  /** REGISTER, answering the 401 challenge with the digest; the final status (0: no answer after three tries). */
  async register(expires = 3600, timeoutMs = 5000): Promise<number> {
    const callId = `${randomToken(8)}@${this.nvr.address}`;
    const base = {
      method: 'REGISTER' as const, uri: this.platformUri, local: { host: this.nvr.address, port: this.port }, from: this.fromHeader,
      to: `<sip:${this.nvr.code}@${this.platform.domain}>`, callId,
    };
    const contact = `Contact: <sip:${this.nvr.code}@${this.nvr.address}:${this.port}>`;
    let authorization: string | null = null;
    for (let attempt = 0; attempt < 6; attempt++) {
      const extra = [contact, `Expires: ${expires}`, ...(authorization ? [`Authorization: ${authorization}`] : [])];
      const { answer, message } = await this.transact(callId, requestText({ ...base, cseq: this.cseq++, extra }), timeoutMs);
      if (answer.status === 0) continue; // lost: send again
      if (answer.status !== 401 || !message || authorization) return answer.status;
      const challenge = digestChallenge(header(message, 'www-authenticate') ?? '');
      if (!challenge.nonce || !challenge.realm) return 401;
      authorization = digestAuthorization({
        username: this.nvr.code, password: this.platform.password, realm: challenge.realm, nonce: challenge.nonce, uri: this.platformUri, method: 'REGISTER',
      });
    }
    return 0;
  }

  /** MESSAGE Notify/Keepalive; resolves with the platform's answer (status 0 after `timeoutMs` without one). */
  keepalive(timeoutMs = 5000): Promise<SipAnswer> {
    return this.message(keepaliveXml(this.sn++, this.nvr.code), timeoutMs);
  }

  /** MESSAGE Notify/Alarm for one of the NVR's alarm-input channels, with the SN given (distinct per alarm). */
  alarm(channel: string, sn: number, description: string, timeoutMs = 10_000): Promise<SipAnswer> {
    return this.message(alarmXml(sn, channel, description), timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    this.socket.close();
  }

  private async message(body: Buffer, timeoutMs: number): Promise<SipAnswer> {
    const callId = `${randomToken(8)}@${this.nvr.address}`;
    const bytes = requestText({
      method: 'MESSAGE', uri: this.platformUri, local: { host: this.nvr.address, port: this.port }, from: this.fromHeader,
      to: `<${this.platformUri}>`, callId, cseq: this.cseq++, contentType: MANSCDP, body,
    });
    return (await this.transact(callId, bytes, timeoutMs)).answer;
  }

  /** Sends a request and waits for its final answer (provisional 1xx ignored). */
  private transact(callId: string, bytes: Buffer, timeoutMs: number): Promise<{ answer: SipAnswer; message: SipText | null }> {
    return new Promise((resolve) => {
      const sent = performance.now();
      const entry: Pending = {
        sent,
        timer: setTimeout(() => {
          this.pending.delete(callId);
          resolve({ answer: { status: 0, ms: performance.now() - sent }, message: null });
        }, timeoutMs),
        resolve: (answer, message) => resolve({ answer, message }),
      };
      this.pending.set(callId, entry);
      this.send(bytes);
    });
  }

  private send(bytes: Buffer): void {
    if (!this.closed) this.socket.send(bytes, this.platform.port, this.platform.host);
  }

  private receive(data: Buffer): void {
    const message = parseSip(data);
    if (!message) return;
    const callId = header(message, 'call-id') ?? '';
    if (message.status !== null) {
      if (message.status < 200) return;
      const entry = this.pending.get(callId);
      if (!entry) return;
      this.pending.delete(callId);
      clearTimeout(entry.timer);
      entry.resolve({ status: message.status, ms: performance.now() - entry.sent }, message);
      return;
    }
    this.request(message, callId);
  }

  /** A request of the platform's: answered 200 (again, for a retransmission), and a catalog query followed by the list. */
  private request(message: SipText, callId: string): void {
    if (message.method === 'ACK') return;
    this.send(answerText(message));
    if (this.handled.has(callId)) return;
    this.handled.add(callId);
    if (this.handled.size > 1000) this.handled.clear();
    const kind = message.method === 'MESSAGE' ? manscdpKind(message.body) : null;
    if (kind?.root === 'Query' && kind.cmdType === 'Catalog') {
      this.counters.catalogQueries++;
      void this.catalog(kind.sn);
    } else if (kind?.root === 'Response' && kind.cmdType === 'Alarm') this.counters.alarmResponses++;
    else this.counters.otherRequests++;
  }

  /** The channel list in parts of {@link CATALOG_PART}, each MESSAGE sent once the previous one is answered. */
  private async catalog(sn: number): Promise<void> {
    const { channels, code } = this.nvr;
    for (let from = 0; from < Math.max(1, channels.length); from += CATALOG_PART) {
      const answer = await this.message(catalogXml(sn, code, channels.length, channels.slice(from, from + CATALOG_PART)), 5000);
      if (answer.status !== 200) return;
      this.counters.catalogParts++;
    }
  }
}
