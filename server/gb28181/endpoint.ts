import { networkInterfaces } from 'node:os';
import type { SipCounters, SipOverview, SipRegistration } from '../../shared/sip.js';
import { GB_CODE_PATTERN } from '../../shared/gb-code.js';
import type { Clock } from '../clock.js';
import type { Gb28181Config } from '../config.js';
import type { Logger } from '../logger.js';
import { TokenBucket } from '../services/token-bucket.js';
import { DigestAuth } from './digest.js';
import { handleMessage, type MessageDeps } from './messages.js';
import { OutgoingRequests } from './outgoing.js';
import { DEFAULT_EXPIRES_S, MAX_EXPIRES_S, MIN_EXPIRES_S, OncePer, Registrar } from './registrar.js';
import { answer, readSipMessage, type SipRequest } from './sip-message.js';
import { zeroSipCounters, type SipEndpointState } from './state.js';
import { SipTransports, type SipPeer } from './transport.js';
import { buildCatalogQuery, MANSCDP_CONTENT_TYPE } from './manscdp.js';

/** The methods the endpoint serves (the Allow header of a 405). */
const ALLOW = 'REGISTER, MESSAGE, OPTIONS, ACK';
/** How often a failing device or address is logged. */
const LOG_PERIOD_MS = 3_600_000;
/** Per-address rate buckets kept; past this the map is cleared (every address starts with a full bucket again). */
const MAX_BUCKETS = 50_000;

/** What the endpoint needs of the rest of the server. */
export type Gb28181Deps = Omit<MessageDeps, 'registrar' | 'counters' | 'outgoing' | 'logOnce' | 'platform'> & {
  config: Gb28181Config;
  clock: Clock;
  log: Logger;
};

/**
 * The GB/T 28181 SIP endpoint (issue 16, docs/gb28181.md): cameras, NVRs and alarm inputs
 * REGISTER with digest authentication, keep alive and report alarms by MESSAGE, and answer the
 * platform's catalog query. Everything a device sends is bounded before it is read (size, rate
 * per address), read with the `sip` package's parser and checked, and turned into ingest events
 * of the public contract, so a SIP alarm is stored and pushed exactly like one posted over HTTP.
 */
export class Gb28181Endpoint implements SipEndpointState {
  readonly platform: NonNullable<SipOverview['platform']>;
  private readonly stats: SipCounters = zeroSipCounters();
  private readonly registrar = new Registrar();
  private readonly auth: DigestAuth;
  private readonly transports: SipTransports;
  private readonly outgoing: OutgoingRequests;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly logOnce = new OncePer(LOG_PERIOD_MS);
  private querySn = 1;

  constructor(private readonly deps: Gb28181Deps) {
    const { config } = deps;
    this.platform = { id: config.id, domain: config.domain, host: config.host, udpPort: config.port, tcpPort: config.port };
    this.auth = new DigestAuth(config.domain, config.password, deps.clock);
    this.transports = new SipTransports({
      admit: (address) => this.admit(address),
      message: (data, peer) => this.receive(data, peer),
      oversized: (head, peer) => this.oversized(head, peer),
      unframeable: (peer) => this.malformed(peer, 'bytes on the stream are not SIP'),
    }, config.maxBytes);
    this.outgoing = new OutgoingRequests((transport, address, port, data) => this.transports.sendTo(transport, address, port, data), { id: config.id, domain: config.domain });
  }

  /** Listens; resolves with the ports taken. */
  async start(): Promise<{ udpPort: number; tcpPort: number }> {
    const { host, port, announceHost } = this.deps.config;
    const ports = await this.transports.start(host, port, announceHost ?? announcedAddress(host));
    this.platform.udpPort = ports.udpPort;
    this.platform.tcpPort = ports.tcpPort;
    this.deps.log.info({ ...this.platform }, 'GB/T 28181 SIP endpoint listening');
    return ports;
  }

  async close(): Promise<void> {
    this.outgoing.close();
    await this.transports.close();
  }

  registrations(): SipRegistration[] {
    return this.registrar.list(this.deps.clock.now());
  }

  counters(): SipCounters {
    return { ...this.stats };
  }

  private admit(address: string): boolean {
    const now = this.deps.clock.now();
    let bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      const rate = this.deps.config.ratePerSecond;
      bucket = new TokenBucket(rate * 2, rate, now);
      this.buckets.set(address, bucket);
    }
    if (bucket.take(now)) return true;
    this.stats.flooded++;
    if (this.logOnce.due(`flood:${address}`, now)) this.deps.log.warn({ address }, 'SIP messages from this address are over its rate: dropping the excess');
    return false;
  }

  private oversized(head: Buffer, peer: SipPeer): void {
    this.stats.oversized++;
    const read = readSipMessage(head);
    const raw = read.kind === 'request' ? read.raw : read.kind === 'malformed' ? read.answerable : null;
    if (raw) peer.send(answer(raw, 413, 'Request Entity Too Large'));
    if (this.logOnce.due(`oversized:${peer.address}`, this.deps.clock.now())) this.deps.log.warn({ address: peer.address, limit: this.deps.config.maxBytes }, 'SIP message larger than the limit refused');
  }

  private malformed(peer: SipPeer, reason: string): void {
    this.stats.malformed++;
    if (this.logOnce.due(`malformed:${peer.address}`, this.deps.clock.now())) this.deps.log.warn({ address: peer.address, reason }, 'malformed SIP message');
  }

  private receive(data: Buffer, peer: SipPeer): void {
    const read = readSipMessage(data);
    if (read.kind === 'malformed') {
      this.malformed(peer, read.reason);
      if (read.answerable) peer.send(answer(read.answerable, 400, 'Bad Request'));
      return;
    }
    this.stats.messages++;
    if (read.kind === 'response') {
      this.outgoing.answered(read);
      return;
    }
    switch (read.method) {
      case 'REGISTER':
        this.register(read, peer);
        return;
      case 'MESSAGE':
        void handleMessage(this.messageDeps(), read, peer).catch((error: unknown) => {
          this.deps.log.error({ err: error, device: read.fromUser }, 'SIP MESSAGE failed; the device is told to retry');
          peer.send(answer(read.raw, 500, 'Server Internal Error'));
        });
        return;
      case 'OPTIONS':
        peer.send(answer(read.raw, 200, 'OK', { headers: { allow: ALLOW } }));
        return;
      case 'ACK':
        return;
      default:
        this.stats.unknownMethods++;
        peer.send(answer(read.raw, 405, 'Method Not Allowed', { headers: { allow: ALLOW } }));
    }
  }

  private messageDeps(): MessageDeps {
    const { registry, catalog, ingest, clock, log } = this.deps;
    return { registry, catalog, ingest, clock, log, registrar: this.registrar, counters: this.stats, outgoing: this.outgoing, logOnce: this.logOnce, platform: this.platform };
  }

  /** REGISTER (GB/T 28181 §9.1): known device, digest, then the registration, its refresh or its end. */
  private register(request: SipRequest, peer: SipPeer): void {
    const { registry, clock, log } = this.deps;
    const now = clock.now();
    const deviceId = request.fromUser;
    const known = GB_CODE_PATTERN.test(deviceId) ? registry.byGbCode(deviceId) : undefined;
    if (!known) {
      this.stats.authFailures++;
      if (this.logOnce.due(`unknown:${deviceId}`, now)) log.warn({ device: deviceId.slice(0, 40), address: peer.address }, 'SIP REGISTER from a device not in the registry refused (403)');
      peer.send(answer(request.raw, 403, 'Forbidden'));
      return;
    }
    const verdict = this.auth.verify('REGISTER', deviceId, request.authorization);
    if (verdict !== 'ok') {
      if (verdict === 'wrong') {
        this.stats.authFailures++;
        if (this.logOnce.due(`password:${deviceId}`, now)) log.warn({ device: deviceId, address: peer.address }, 'SIP REGISTER with a wrong password refused (401)');
      }
      peer.send(answer(request.raw, 401, 'Unauthorized', { headers: { 'www-authenticate': [this.auth.challenge(verdict === 'stale')] } }));
      return;
    }
    const asked = request.expires ?? DEFAULT_EXPIRES_S;
    const contact = request.raw.headers.contact;
    if (asked === 0) {
      this.registrar.unregister(deviceId);
      peer.send(answer(request.raw, 200, 'OK', { headers: { ...(contact ? { contact } : {}), expires: '0', date: platformDate(now) } }));
      log.info({ device: deviceId }, 'SIP device unregistered');
      return;
    }
    const expires = Math.min(MAX_EXPIRES_S, Math.max(MIN_EXPIRES_S, asked));
    const entry = 'device' in known ? known.device : known.nvr;
    const { registration, fresh } = this.registrar.register({
      deviceId, name: entry.name, schoolId: entry.schoolId, address: peer.address, port: peer.port, transport: peer.transport,
      expiresAt: now + expires * 1000,
    }, now);
    this.stats.registrations++;
    peer.send(answer(request.raw, 200, 'OK', { headers: { ...(contact ? { contact } : {}), expires: String(expires), date: platformDate(now) } }));
    if (!fresh) return;
    log.info({ device: deviceId, address: peer.address, transport: peer.transport }, 'SIP device registered');
    // A newly registered device is asked for its channels (GB/T 28181 §9.5.2).
    const sn = this.querySn++;
    void this.outgoing.message(
      { deviceId, address: registration.address, port: registration.port, transport: registration.transport, localHost: peer.localAddress, localPort: peer.localPort },
      MANSCDP_CONTENT_TYPE, buildCatalogQuery(sn, deviceId),
    ).then((status) => {
      if (status !== 200) log.warn({ device: deviceId, status }, 'SIP device did not accept the catalog query');
    });
  }
}

/** The address the platform's own requests name in their Via: the listen address, or for a wildcard the machine's first outside IPv4 address. */
export function announcedAddress(host: string, interfaces = networkInterfaces()): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const list of Object.values(interfaces)) {
    const outside = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (outside) return outside.address;
  }
  return '127.0.0.1';
}

/** The Date header of a REGISTER's 200 (GB/T 28181 §9.10 time sync): local time, `YYYY-MM-DDTHH:mm:ss.SSS`. */
export function platformDate(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 23);
}
