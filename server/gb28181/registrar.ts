import type { SipRegistration, SipTransport } from '../../shared/sip.js';

/**
 * Most channel codes remembered per registration: an NVR has at most a few hundred channels and a
 * lower platform some thousands; a device listing made-up codes cannot grow a registration past this.
 */
export const MAX_CHANNELS_PER_REGISTRATION = 20_000;

/** Shortest and longest registration the platform grants (seconds); a device asking outside is held to them. */
export const MIN_EXPIRES_S = 30;
export const MAX_EXPIRES_S = 86_400;
/** What a REGISTER without Expires gets (the standard's usual 3600). */
export const DEFAULT_EXPIRES_S = 3600;

/** A device registered now. */
export interface Registration {
  deviceId: string;
  name: string | null;
  schoolId: string | null;
  address: string;
  port: number;
  transport: SipTransport;
  registeredAt: number;
  expiresAt: number;
  lastKeepaliveAt: number | null;
  /** The channel codes its catalog answers listed since it registered (null before the first answer), and those the registry does not know. */
  catalog: Set<string> | null;
  unknownCodes: Set<string>;
}

/**
 * The devices registered with the endpoint, in memory: a registration lives as long as its
 * expiry (devices refresh well before it), and a restarted platform is re-registered by every
 * device within its keepalive failures — which is how GB/T 28181 devices behave.
 */
export class Registrar {
  private readonly byId = new Map<string, Registration>();

  /** Records a REGISTER that passed; true when it is new (not a refresh from the same place). */
  register(entry: Omit<Registration, 'registeredAt' | 'lastKeepaliveAt' | 'catalog' | 'unknownCodes'>, now: number): { registration: Registration; fresh: boolean } {
    const known = this.live(entry.deviceId, now);
    if (known && known.address === entry.address && known.port === entry.port && known.transport === entry.transport) {
      known.expiresAt = entry.expiresAt;
      return { registration: known, fresh: false };
    }
    const registration: Registration = { ...entry, registeredAt: now, lastKeepaliveAt: null, catalog: null, unknownCodes: new Set() };
    this.byId.set(entry.deviceId, registration);
    return { registration, fresh: true };
  }

  unregister(deviceId: string): boolean {
    return this.byId.delete(deviceId);
  }

  /** The device's registration unless it has expired (an expired one is forgotten on the way). */
  live(deviceId: string, now: number): Registration | undefined {
    const registration = this.byId.get(deviceId);
    if (registration && registration.expiresAt <= now) {
      this.byId.delete(deviceId);
      return undefined;
    }
    return registration;
  }

  /** Every live registration, for the admin screen (expired ones are dropped). */
  list(now: number): SipRegistration[] {
    const list: SipRegistration[] = [];
    for (const [id, r] of this.byId) {
      if (r.expiresAt <= now) {
        this.byId.delete(id);
        continue;
      }
      list.push({
        deviceId: r.deviceId, name: r.name, schoolId: r.schoolId, address: r.address, port: r.port, transport: r.transport,
        registeredAt: new Date(r.registeredAt).toISOString(), expiresAt: new Date(r.expiresAt).toISOString(),
        lastKeepaliveAt: r.lastKeepaliveAt === null ? null : new Date(r.lastKeepaliveAt).toISOString(),
        catalogChannels: r.catalog ? r.catalog.size : null, unknownChannels: r.unknownCodes.size, node: null,
      });
    }
    return list.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * Says yes once per key per period: a device that keeps failing is logged once an hour, never a
 * line per attempt. Its memory is bounded: past `maxKeys` keys, the oldest half is forgotten.
 */
export class OncePer {
  private readonly last = new Map<string, number>();

  constructor(private readonly periodMs: number, private readonly maxKeys = 10_000) {}

  due(key: string, now: number): boolean {
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.periodMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.maxKeys) {
      let drop = this.last.size / 2;
      for (const old of this.last.keys()) {
        if (drop-- <= 0) break;
        this.last.delete(old);
      }
    }
    return true;
  }
}
