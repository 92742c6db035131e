import type { SipTransport } from '../../shared/sip.js';
import { request, token, type SipResponse } from './sip-message.js';

/** RFC 3261 T1: the first UDP retransmission interval, doubled each time. */
const T1_MS = 500;
/** Sends over UDP before giving up (0.5 + 1 + 2 + 4 s: an answer has 7.5 s to come). */
const UDP_TRIES = 4;
/** How long a TCP request waits for its answer. */
const TCP_WAIT_MS = 8_000;
/** Requests awaiting an answer at once; past this, a new one is not sent (a catalog query can wait for the next registration). */
const MAX_PENDING = 10_000;

/** Where a request goes. */
export interface Destination {
  deviceId: string;
  address: string;
  port: number;
  transport: SipTransport;
  localHost: string;
  localPort: number;
}

interface Pending {
  timer: NodeJS.Timeout;
  done(status: number | null): void;
}

/**
 * The platform's own requests to devices (MESSAGE Query/Catalog, Response/Alarm): a non-INVITE
 * client transaction, retransmitted over UDP until a final answer comes (RFC 3261 §17.1.2),
 * resolved with the answer's status, or null when none came.
 */
export class OutgoingRequests {
  private readonly pending = new Map<string, Pending>();
  private seq = 1;

  constructor(
    private readonly send: (transport: SipTransport, address: string, port: number, data: Buffer) => boolean,
    private readonly platform: { id: string; domain: string },
  ) {}

  /** Sends a MESSAGE with `body`; resolves with the device's final status, or null (no answer, or too many waiting). */
  message(to: Destination, contentType: string, body: Buffer): Promise<number | null> {
    if (this.pending.size >= MAX_PENDING) return Promise.resolve(null);
    const callId = `${token()}@xiaoan`;
    const bytes = request({
      method: 'MESSAGE', deviceId: to.deviceId, address: to.address, port: to.port, transport: to.transport,
      platformId: this.platform.id, domain: this.platform.domain, localHost: to.localHost, localPort: to.localPort,
      callId, seq: this.seq++, contentType, body,
    });
    return new Promise((resolve) => {
      let tries = 0;
      const attempt = (): void => {
        tries++;
        const sent = this.send(to.transport, to.address, to.port, bytes);
        if (!sent) return finish(null);
        const udp = to.transport === 'UDP';
        if (udp && tries >= UDP_TRIES) entry.timer = setTimeout(() => finish(null), T1_MS * 2 ** tries);
        else entry.timer = setTimeout(udp ? attempt : () => finish(null), udp ? T1_MS * 2 ** (tries - 1) : TCP_WAIT_MS);
      };
      const finish = (status: number | null): void => {
        clearTimeout(entry.timer);
        this.pending.delete(callId);
        resolve(status);
      };
      const entry: Pending = { timer: setTimeout(() => undefined, 0), done: finish };
      this.pending.set(callId, entry);
      attempt();
    });
  }

  /** An answer from a device: true when it was to one of ours (a final one ends the transaction). */
  answered(response: SipResponse): boolean {
    const entry = this.pending.get(response.callId);
    if (!entry) return false;
    if (response.status >= 200) entry.done(response.status);
    return true;
  }

  /** Gives up on every request waiting (the endpoint is closing). */
  close(): void {
    for (const entry of [...this.pending.values()]) entry.done(null);
  }
}
