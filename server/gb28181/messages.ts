import type { Device, GbNvr } from '../../shared/domain/index.js';
import type { IngestEvent } from '../../shared/ingest.js';
import type { SipCounters, SipOverview } from '../../shared/sip.js';
import type { Clock } from '../clock.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Logger } from '../logger.js';
import { alarmToEvent } from './alarm-map.js';
import { buildAlarmResponse, decodeBody, MANSCDP_CONTENT_TYPE, parseManscdp, type AlarmMessage, type CatalogItem } from './manscdp.js';
import type { OutgoingRequests } from './outgoing.js';
import { MAX_CHANNELS_PER_REGISTRATION, type OncePer, type Registrar, type Registration } from './registrar.js';
import { answer, type SipRequest } from './sip-message.js';
import type { SipPeer } from './transport.js';

/** What the registry answers for a GB code. */
export type GbEntry = { device: Device } | { nvr: GbNvr };

/** The registry's GB lookups (server/services/registry.service.ts). */
export interface GbRegistry {
  byGbCode(code: string): GbEntry | undefined;
  /** The cameras and alarm inputs an NVR is the parent of. */
  gbChannels(nvrCode: string): Device[];
}

/** Where catalog answers go: known channels counted, unknown ones kept for the administrator. */
export interface CatalogSink {
  noteCatalog(parentId: string, items: { code: string; name: string }[], at: Date): Promise<{ known: number; unknown: number }>;
}

/** What handling a MESSAGE needs. */
export interface MessageDeps {
  registry: GbRegistry;
  catalog: CatalogSink;
  ingest: Pick<IngestService, 'ingest'>;
  clock: Clock;
  log: Logger;
  registrar: Registrar;
  counters: SipCounters;
  outgoing: OutgoingRequests;
  logOnce: OncePer;
  platform: NonNullable<SipOverview['platform']>;
}

const MANSCDP = /^application\/manscdp\+xml\b/i;

/**
 * MESSAGE (GB/T 28181 §9.6–9.9): from a registered device only, with a MANSCDP body. A
 * keepalive marks the device's cameras alive; an alarm becomes an ingest event (idempotent on the
 * device's SN) and is acknowledged by a Response/Alarm; a catalog answer is matched to the
 * registry. The device's 200 is sent once what it reported is stored.
 */
export async function handleMessage(deps: MessageDeps, request: SipRequest, peer: SipPeer): Promise<void> {
  const { registrar, counters, log, clock } = deps;
  const now = clock.now();
  const sender = request.fromUser;
  const registration = registrar.live(sender, now);
  if (!registration) {
    if (deps.logOnce.due(`unregistered:${sender}`, now)) log.warn({ device: sender.slice(0, 40), address: peer.address }, 'SIP MESSAGE from a device that is not registered refused (403)');
    peer.send(answer(request.raw, 403, 'Forbidden'));
    return;
  }
  // A registered device's MESSAGEs come from where it registered: its code alone, sent from elsewhere, is not the device.
  if (registration.address !== peer.address) {
    if (deps.logOnce.due(`elsewhere:${sender}:${peer.address}`, now)) log.warn({ device: sender, address: peer.address, registeredFrom: registration.address }, 'SIP MESSAGE from another address than the device registered from refused (403)');
    peer.send(answer(request.raw, 403, 'Forbidden'));
    return;
  }
  if (!request.contentType || !MANSCDP.test(request.contentType)) {
    counters.badXml++;
    peer.send(answer(request.raw, 415, 'Unsupported Media Type', { headers: { accept: MANSCDP_CONTENT_TYPE } }));
    return;
  }
  const parsed = parseManscdp(decodeBody(request.body, request.contentType));
  if (!parsed.ok) {
    counters.badXml++;
    if (deps.logOnce.due(`xml:${sender}`, now)) log.warn({ device: sender, reason: parsed.reason }, 'SIP MESSAGE with an unreadable MANSCDP body refused (400)');
    peer.send(answer(request.raw, 400, 'Bad Request'));
    return;
  }
  const message = parsed.message;
  switch (message.kind) {
    case 'keepalive':
      await keepalive(deps, registration, now);
      peer.send(answer(request.raw, 200, 'OK'));
      return;
    case 'alarm': {
      counters.alarms++;
      const status = await alarm(deps, registration, message, now);
      peer.send(answer(request.raw, status.code, status.reason));
      if (status.code === 200) {
        // GB/T 28181 §9.4.2: the platform answers the notification with a Response/Alarm of its own.
        void deps.outgoing.message(destination(registration, peer), MANSCDP_CONTENT_TYPE, buildAlarmResponse(message.sn, message.deviceId));
      }
      return;
    }
    case 'catalog':
      counters.catalogs++;
      await catalog(deps, registration, message.items, now);
      peer.send(answer(request.raw, 200, 'OK'));
      return;
    default:
      peer.send(answer(request.raw, 200, 'OK'));
  }
}

function destination(registration: Registration, peer: SipPeer) {
  return { deviceId: registration.deviceId, address: registration.address, port: registration.port, transport: registration.transport, localHost: peer.localAddress, localPort: peer.localPort };
}

/** The cameras a device's keepalive speaks for: itself when it is a camera, its camera channels when it is an NVR. */
function camerasOf(registry: GbRegistry, code: string): string[] {
  const entry = registry.byGbCode(code);
  if (!entry) return [];
  if ('device' in entry) return entry.device.kind === 'camera' ? [entry.device.id] : [];
  return registry.gbChannels(entry.nvr.code).filter((d) => d.kind === 'camera').map((d) => d.id);
}

async function keepalive(deps: MessageDeps, registration: Registration, now: number): Promise<void> {
  registration.lastKeepaliveAt = now;
  deps.counters.keepalives++;
  const at = new Date(now).toISOString();
  const events = camerasOf(deps.registry, registration.deviceId).map((deviceId) => ({ type: 'camera.heartbeat' as const, deviceId, at }));
  if (events.length > 0) await deps.ingest.ingest(events, `sip:${registration.deviceId}`);
}

async function alarm(deps: MessageDeps, registration: Registration, message: AlarmMessage, now: number): Promise<{ code: number; reason: string }> {
  const { registry, log } = deps;
  const entry = registry.byGbCode(message.deviceId);
  const device = entry && 'device' in entry ? entry.device : undefined;
  // A device reports for itself or for a channel of its own, never for another device's.
  if (!device || (device.gbCode !== registration.deviceId && device.gbParent !== registration.deviceId)) {
    if (deps.logOnce.due(`alarm-channel:${message.deviceId}`, now)) log.warn({ device: registration.deviceId, channel: message.deviceId }, 'SIP alarm for a channel the registry does not give this device: not raised');
    return { code: 404, reason: 'Not Found' };
  }
  const event: IngestEvent | { ignored: string } = alarmToEvent(message, device, new Date(now));
  if ('ignored' in event) {
    log.info({ device: device.id, reason: event.ignored }, 'SIP alarm of a kind the product does not raise');
    return { code: 200, reason: 'OK' };
  }
  const outcome = await deps.ingest.ingest([event], `sip:${registration.deviceId}`);
  const refused = outcome.result.error ?? outcome.result.rejected[0]?.error;
  if (refused) {
    log.warn({ device: device.id, error: refused }, 'SIP alarm refused');
    return { code: 400, reason: 'Bad Request' };
  }
  return { code: 200, reason: 'OK' };
}

async function catalog(deps: MessageDeps, registration: Registration, items: CatalogItem[], now: number): Promise<void> {
  const listed = registration.catalog ?? new Set<string>();
  registration.catalog = listed;
  for (const item of items) {
    if (listed.size >= MAX_CHANNELS_PER_REGISTRATION) break;
    listed.add(item.deviceId);
    if (!deps.registry.byGbCode(item.deviceId)) registration.unknownCodes.add(item.deviceId);
  }
  await deps.catalog.noteCatalog(registration.deviceId, items.map((item) => ({ code: item.deviceId, name: item.name })), new Date(now));
}
