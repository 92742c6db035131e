import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import digest from 'sip/digest.js';
import type { Clock } from '../clock.js';
import type { DigestCredentials } from './sip-message.js';

/** How long a nonce the platform handed out is good for. */
export const NONCE_LIFETIME_MS = 5 * 60_000;

/** The result of checking a REGISTER's credentials. */
export type DigestVerdict = 'ok' | 'missing' | 'stale' | 'wrong';

/**
 * HTTP digest authentication of GB/T 28181 REGISTER (RFC 2617 MD5, without or with qop=auth; the
 * standard's devices send none): the user name is the device's code, the realm the platform's
 * SIP domain, the password the deployment's device password. Nonces carry their own time and an
 * HMAC, so no table of them is kept and a flood of challenges costs no memory.
 */
export class DigestAuth {
  private readonly key = randomBytes(32);

  constructor(private readonly realm: string, private readonly password: string, private readonly clock: Clock) {}

  /** The WWW-Authenticate header of a 401, as the sip package writes it. */
  challenge(stale = false): Record<string, string> {
    return {
      scheme: 'Digest', realm: `"${this.realm}"`, nonce: `"${this.nonce(this.clock.now())}"`, algorithm: 'MD5',
      ...(stale ? { stale: 'TRUE' } : {}),
    };
  }

  /** Whether `credentials` prove the device `deviceId` knows the password, for a request of `method`. */
  verify(method: string, deviceId: string, credentials: DigestCredentials | null): DigestVerdict {
    if (!credentials) return 'missing';
    if (credentials.username !== deviceId || credentials.realm !== this.realm) return 'wrong';
    if (credentials.algorithm !== null && credentials.algorithm.toUpperCase() !== 'MD5') return 'wrong';
    const qop = credentials.qop?.toLowerCase() ?? null;
    if (qop !== null && (qop !== 'auth' || !credentials.nc || !credentials.cnonce)) return 'wrong';
    const issued = this.issuedAt(credentials.nonce);
    if (issued === null) return 'wrong';
    const ha1 = digest.calculateUserRealmPasswordHash(deviceId, this.realm, this.password);
    const expected = digest.calculateDigest({
      ha1, method, nonce: credentials.nonce, uri: credentials.uri,
      ...(qop ? { qop, nc: credentials.nc ?? '', cnonce: credentials.cnonce ?? '' } : {}),
    });
    const given = Buffer.from(credentials.response.padEnd(32, '0').slice(0, 32), 'latin1');
    if (!timingSafeEqual(Buffer.from(expected, 'latin1'), given) || credentials.response.length !== 32) return 'wrong';
    // Right password on an old nonce: the device is told to retry with a fresh one (RFC 2617 stale=TRUE).
    return this.clock.now() - issued > NONCE_LIFETIME_MS ? 'stale' : 'ok';
  }

  private nonce(at: number): string {
    const time = at.toString(36);
    return `${time}.${this.mac(time)}`;
  }

  /** When a nonce of ours was made, or null when it is not one. */
  private issuedAt(nonce: string): number | null {
    const [time, mac, extra] = nonce.split('.');
    if (!time || !mac || extra !== undefined || !/^[0-9a-z]{1,12}$/.test(time)) return null;
    const expected = this.mac(time);
    if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
    return parseInt(time, 36);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url').slice(0, 22);
  }
}
