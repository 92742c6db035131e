import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DigestAuth, NONCE_LIFETIME_MS } from '../../server/gb28181/digest.js';
import { OncePer, Registrar } from '../../server/gb28181/registrar.js';
import { answer, readSipMessage, request, type DigestCredentials } from '../../server/gb28181/sip-message.js';

const NVR = '41040200001180000001';
const REALM = '4104000000';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function register(extra = '', body = ''): Buffer {
  return Buffer.from(
    `REGISTER sip:41040000002000000001@${REALM} SIP/2.0\r\n` +
      'Via: SIP/2.0/UDP 192.168.1.5:5060;rport;branch=z9hG4bK776\r\n' +
      `From: <sip:${NVR}@${REALM}>;tag=abc\r\n` +
      `To: <sip:${NVR}@${REALM}>\r\n` +
      'Call-ID: 123@192.168.1.5\r\nCSeq: 1 REGISTER\r\n' +
      `Contact: <sip:${NVR}@192.168.1.5:5060>\r\nMax-Forwards: 70\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    'latin1',
  );
}

describe('readSipMessage', () => {
  it('reads a GB/T 28181 REGISTER: the device code, expiry and digest fields', () => {
    const read = readSipMessage(register('Expires: 3600\r\nAuthorization: Digest username="' + NVR + '", realm="' + REALM + '", nonce="n1", uri="sip:41040000002000000001@4104000000", response="0123456789abcdef0123456789ABCDEF", algorithm=MD5\r\n'));
    expect(read.kind).toBe('request');
    if (read.kind !== 'request') return;
    expect(read.method).toBe('REGISTER');
    expect(read.fromUser).toBe(NVR);
    expect(read.expires).toBe(3600);
    expect(read.cseq).toEqual({ seq: 1, method: 'REGISTER' });
    expect(read.authorization).toMatchObject({ username: NVR, realm: REALM, nonce: 'n1', response: '0123456789abcdef0123456789abcdef', algorithm: 'MD5', qop: null });
  });

  it('keeps a GB2312 body byte for byte', () => {
    const body = Buffer.from([0x3c, 0x4e, 0x61, 0x6d, 0x65, 0x3e, 0xd0, 0xa3, 0xc3, 0xc5, 0x3c, 0x2f, 0x4e, 0x61, 0x6d, 0x65, 0x3e]); // <Name>校门</Name> in GB2312
    const head = register('Content-Type: Application/MANSCDP+xml\r\n').toString('latin1').replace('REGISTER sip', 'MESSAGE sip').replace('1 REGISTER', '2 MESSAGE').replace('Content-Length: 0', `Content-Length: ${body.length}`);
    const read = readSipMessage(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    expect(read.kind).toBe('request');
    if (read.kind !== 'request') return;
    expect(read.contentType).toBe('Application/MANSCDP+xml');
    expect(read.body.equals(body)).toBe(true);
  });

  it('refuses what is not SIP, and a message missing a header it must carry, without throwing', () => {
    expect(readSipMessage(Buffer.from('hello world\r\n\r\n'))).toMatchObject({ kind: 'malformed', answerable: null });
    expect(readSipMessage(Buffer.from('REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('end of headers') });
    const noCallId = register().toString('latin1').replace(/Call-ID:[^\r]*\r\n/, '');
    expect(readSipMessage(Buffer.from(noCallId, 'latin1'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('call-id') });
    const brokenVia = register().toString('latin1').replace(/Via:[^\r]*/, 'Via: garbage');
    expect(readSipMessage(Buffer.from(brokenVia, 'latin1')).kind).toBe('malformed');
    expect(readSipMessage(Buffer.from('\0\0\0\r\n\r\n')).kind).toBe('malformed');
    expect(readSipMessage(Buffer.alloc(20_000, 0x41)).kind).toBe('malformed');
  });

  it('refuses a body shorter than its Content-Length, but can still answer it', () => {
    const short = register().toString('latin1').replace('Content-Length: 0', 'Content-Length: 500');
    const read = readSipMessage(Buffer.from(short, 'latin1'));
    expect(read).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('Content-Length') });
    expect(read.kind === 'malformed' && read.answerable).toBeTruthy();
  });

  it('reads an answer to one of the platform’s requests', () => {
    const read = readSipMessage(Buffer.from(`SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: q1@xiaoan\r\nCSeq: 7 MESSAGE\r\nContent-Length: 0\r\n\r\n`));
    expect(read).toEqual({ kind: 'response', status: 200, callId: 'q1@xiaoan', cseq: { seq: 7, method: 'MESSAGE' } });
  });
});

describe('answer and request', () => {
  it('answers with the request’s Via, From, Call-ID and CSeq, and a To tag, and reads back', () => {
    const read = readSipMessage(register());
    if (read.kind !== 'request') throw new Error('not read');
    const text = answer(read.raw, 200, 'OK', { headers: { expires: '3600', date: '2026-12-05T07:35:00.000' } }).toString('latin1');
    expect(text).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(text).toContain('Via: SIP/2.0/UDP 192.168.1.5:5060;rport;branch=z9hG4bK776');
    expect(text).toMatch(/To: +<sip:41040200001180000001@4104000000>;tag=[0-9a-f]+/);
    expect(text).toContain('Call-ID: 123@192.168.1.5');
    expect(text).toContain('CSeq: 1 REGISTER');
    expect(text).toContain('Expires: 3600');
    expect(text).toContain('Date: 2026-12-05T07:35:00.000');
    expect(readSipMessage(Buffer.from(text, 'latin1'))).toMatchObject({ kind: 'response', status: 200, callId: '123@192.168.1.5' });
  });

  it('writes a MESSAGE a device can read, body bytes and length intact', () => {
    const body = Buffer.from([0x3c, 0x61, 0x3e, 0xd0, 0xa3, 0x3c, 0x2f, 0x61, 0x3e]);
    const bytes = request({
      method: 'MESSAGE', deviceId: NVR, address: '10.1.2.3', port: 5061, transport: 'UDP', platformId: '41040000002000000001', domain: REALM,
      localHost: '10.0.0.1', localPort: 5060, callId: 'c1@xiaoan', seq: 3, contentType: 'Application/MANSCDP+xml', body,
    });
    const read = readSipMessage(bytes);
    expect(read).toMatchObject({ kind: 'request', method: 'MESSAGE', uri: `sip:${NVR}@10.1.2.3:5061`, fromUser: '41040000002000000001', callId: 'c1@xiaoan', contentType: 'Application/MANSCDP+xml' });
    expect(read.kind === 'request' && read.body.equals(body)).toBe(true);
  });
});

describe(DigestAuth.name, () => {
  const PASSWORD = 'secret-123';
  function sign(nonce: string, password = PASSWORD, user = NVR, extra: Partial<DigestCredentials> = {}): DigestCredentials {
    const uri = `sip:41040000002000000001@${REALM}`;
    const ha1 = md5(`${user}:${REALM}:${password}`);
    const ha2 = md5(`REGISTER:${uri}`);
    const response = extra.qop ? md5(`${ha1}:${nonce}:${extra.nc}:${extra.cnonce}:${extra.qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    return { username: user, realm: REALM, nonce, uri, response, algorithm: 'MD5', qop: null, nc: null, cnonce: null, ...extra };
  }
  const nonceOf = (challenge: Record<string, string>) => (challenge.nonce ?? '').replaceAll('"', '');

  it('accepts the device that knows the password (RFC 2617, without and with qop=auth), and no other', () => {
    const now = 1_800_000_000_000;
    const auth = new DigestAuth(REALM, PASSWORD, { now: () => now });
    const challenge = auth.challenge();
    expect(challenge).toMatchObject({ scheme: 'Digest', realm: `"${REALM}"`, algorithm: 'MD5' });
    const nonce = nonceOf(challenge);
    expect(auth.verify('REGISTER', NVR, null)).toBe('missing');
    expect(auth.verify('REGISTER', NVR, sign(nonce))).toBe('ok');
    expect(auth.verify('REGISTER', NVR, sign(nonce, PASSWORD, NVR, { qop: 'auth', nc: '00000001', cnonce: 'abc' }))).toBe('ok');
    expect(auth.verify('REGISTER', NVR, sign(nonce, 'wrong'))).toBe('wrong');
    // The right password for another device's name is not this device's.
    expect(auth.verify('REGISTER', NVR, sign(nonce, PASSWORD, '41040200001180000002'))).toBe('wrong');
    expect(auth.verify('MESSAGE', NVR, sign(nonce))).toBe('wrong');
    expect(auth.verify('REGISTER', NVR, { ...sign(nonce), realm: 'elsewhere' })).toBe('wrong');
    expect(auth.verify('REGISTER', NVR, { ...sign(nonce), algorithm: 'SHA-256' })).toBe('wrong');
  });

  it('refuses a nonce it did not make, and calls its own old ones stale', () => {
    let now = 1_800_000_000_000;
    const auth = new DigestAuth(REALM, PASSWORD, { now: () => now });
    const nonce = nonceOf(auth.challenge());
    expect(auth.verify('REGISTER', NVR, sign('made-up-nonce'))).toBe('wrong');
    expect(auth.verify('REGISTER', NVR, sign(`${nonce}x`))).toBe('wrong');
    const other = new DigestAuth(REALM, PASSWORD, { now: () => now });
    expect(other.verify('REGISTER', NVR, sign(nonce))).toBe('wrong');
    now += NONCE_LIFETIME_MS + 1;
    expect(auth.verify('REGISTER', NVR, sign(nonce))).toBe('stale');
    expect(auth.challenge(true)).toMatchObject({ stale: 'TRUE' });
  });
});

describe(Registrar.name, () => {
  const entry = { deviceId: NVR, name: 'NVR', schoolId: 's1', address: '10.0.0.5', port: 5060, transport: 'UDP' as const };

  it('tells a new registration from a refresh, forgets it when it expires, and lists it in ISO times', () => {
    const sut = new Registrar();
    expect(sut.register({ ...entry, expiresAt: 61_000 }, 1_000).fresh).toBe(true);
    expect(sut.register({ ...entry, expiresAt: 90_000 }, 30_000).fresh).toBe(false);
    expect(sut.list(60_000)).toEqual([expect.objectContaining({ deviceId: NVR, expiresAt: new Date(90_000).toISOString(), lastKeepaliveAt: null, catalogChannels: null })]);
    // From another address it is a new registration (the device moved or restarted).
    expect(sut.register({ ...entry, address: '10.0.0.6', expiresAt: 120_000 }, 61_000).fresh).toBe(true);
    expect(sut.live(NVR, 119_999)).toBeDefined();
    expect(sut.live(NVR, 120_000)).toBeUndefined();
    expect(sut.list(120_000)).toEqual([]);
  });

  it('ends a registration on unregister', () => {
    const sut = new Registrar();
    sut.register({ ...entry, expiresAt: 100_000 }, 0);
    expect(sut.unregister(NVR)).toBe(true);
    expect(sut.live(NVR, 1)).toBeUndefined();
  });
});

describe(OncePer.name, () => {
  it('says yes once per key per period, and keeps at most its bound of keys', () => {
    const sut = new OncePer(3_600_000, 100);
    expect(sut.due('a', 0)).toBe(true);
    expect(sut.due('a', 3_599_999)).toBe(false);
    expect(sut.due('b', 1)).toBe(true);
    expect(sut.due('a', 3_600_000)).toBe(true);
    for (let i = 0; i < 1000; i++) sut.due(`k${i}`, 10);
    expect((sut as unknown as { last: Map<string, number> }).last.size).toBeLessThanOrEqual(100);
  });
});
