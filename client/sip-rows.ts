import { gbCodeKind, parseGbCode } from '../shared/gb-code.js';
import type { SipRegistration } from '../shared/sip.js';

/**
 * The rules of the administrator's GB/T 28181 screen (国标设备): how fresh a device's keepalive
 * is, which registered devices are a problem, how a code is grouped for reading, what a listed
 * channel may become. Pure: every function takes `now` (ms).
 */

/** A keepalive older than this is late (amber): three of the product's default 60 s intervals missed. */
export const KEEPALIVE_LATE_MS = 3 * 60_000;
/** A keepalive older than this (or none at all) is lost (red): the device is as good as offline. */
export const KEEPALIVE_LOST_MS = 10 * 60_000;

/** How a device's last keepalive reads: fresh, late (amber), lost or never (red). */
export type KeepaliveFreshness = 'fresh' | 'late' | 'lost' | 'never';

/** The freshness of a keepalive at `now`. */
export function keepaliveFreshness(lastKeepaliveAt: string | null, now: number): KeepaliveFreshness {
  if (lastKeepaliveAt === null) return 'never';
  const age = now - Date.parse(lastKeepaliveAt);
  if (age > KEEPALIVE_LOST_MS) return 'lost';
  if (age > KEEPALIVE_LATE_MS) return 'late';
  return 'fresh';
}

/** Whether a registered device needs the administrator's eye: no or late keepalive, unknown channels, or a code the registry lacks. */
export function isProblem(registration: SipRegistration, now: number): boolean {
  return keepaliveFreshness(registration.lastKeepaliveAt, now) !== 'fresh' || registration.unknownChannels > 0 || registration.name === null;
}

/** Problems first, then by code; the input is left as it was. */
export function sortRegistrations(registrations: readonly SipRegistration[], now: number): SipRegistration[] {
  const problem = new Map(registrations.map((registration) => [registration.deviceId, isProblem(registration, now)]));
  return registrations.toSorted((a, b) => Number(problem.get(b.deviceId)) - Number(problem.get(a.deviceId)) || a.deviceId.localeCompare(b.deviceId));
}

/** Whether a row with this code and name matches the filter's text (spaces in a typed code are ignored; an empty filter matches all). */
export function matchesFilter(code: string, name: string | null, filter: string): boolean {
  const text = filter.trim().toLowerCase();
  if (!text) return true;
  return code.includes(text.replace(/\s+/g, '')) || (name ?? '').toLowerCase().includes(text);
}

/**
 * A 20-digit code in the groups of its meaning — centre (8), industry (2), type (3), network and
 * serial (7): `41040200 00 131 0000001`. The groups are spans in the page; copying the cell copies
 * the digits without spaces (see the component). A malformed code comes back as one group.
 */
export function gbCodeGroups(code: string): string[] {
  const parts = parseGbCode(code);
  if (!parts) return [code];
  return [`${parts.district}${parts.unit}`, parts.industry, parts.type, `${parts.network}${parts.serial}`];
}

/** The device kinds a listed channel may become: a camera channel a camera, an alarm input a one-key button or an intrusion detector. */
export function assignableKinds(code: string): ('camera' | 'sos' | 'intrusion')[] {
  const kind = gbCodeKind(code);
  if (kind === 'camera') return ['camera'];
  if (kind === 'alarm_input') return ['sos', 'intrusion'];
  return [];
}

/** A span as the screen says it, in whole seconds under a minute, minutes under an hour, else hours and minutes. */
export interface RoughSpan {
  hours: number;
  minutes: number;
  seconds: number;
}

/** Splits a span (ms, negative read as 0) for the words `roughSpanText` puts on it. */
export function roughSpan(milliseconds: number): RoughSpan {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  if (total < 60) return { hours: 0, minutes: 0, seconds: total };
  const minutes = Math.floor(total / 60);
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60, seconds: 0 };
}

/** `45 秒`, `52 分钟`, `2 小时 5 分钟` / `45 s`, `52 min`, `2 h 5 min`. */
export function roughSpanText(milliseconds: number, locale: string): string {
  const span = roughSpan(milliseconds);
  const english = locale === 'en';
  if (span.hours === 0 && span.minutes === 0) return english ? `${span.seconds} s` : `${span.seconds} 秒`;
  const minutes = english ? `${span.minutes} min` : `${span.minutes} 分钟`;
  if (span.hours === 0) return minutes;
  const hours = english ? `${span.hours} h` : `${span.hours} 小时`;
  return span.minutes === 0 ? hours : `${hours} ${minutes}`;
}
