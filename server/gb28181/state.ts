import type { SipCounters, SipOverview, SipRegistration } from '../../shared/sip.js';

/** What the admin screen reads of the running SIP endpoint (server/gb28181/endpoint.ts); {@link SIP_OFF} when XIAOAN_GB28181 is off. */
export interface SipEndpointState {
  platform: SipOverview['platform'];
  registrations(): SipRegistration[];
  counters(): SipCounters;
}

/** Counts of an endpoint that has seen nothing. */
export function zeroSipCounters(): SipCounters {
  return { messages: 0, registrations: 0, keepalives: 0, alarms: 0, catalogs: 0, authFailures: 0, malformed: 0, oversized: 0, badXml: 0, unknownMethods: 0, flooded: 0 };
}

/** The endpoint's state when it is off. */
export const SIP_OFF: SipEndpointState = { platform: null, registrations: () => [], counters: zeroSipCounters };
