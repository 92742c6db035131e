import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schoolNvr, SIP_PASSWORD, SipReader, sipEnv, sipPorts, type SchoolNvr } from '../helpers/gb28181.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freePort, runSipp, sippAvailable, sipRequest, sipStatus, tcpExchange, udpExchange } from '../helpers/sipp.js';

const haveSipp = sippAvailable();

/** The MANSCDP keepalive body of a device. */
function keepaliveBody(device: string, sn: number): string {
  return `<?xml version="1.0" encoding="GB2312"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${device}</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n`;
}

/** Sends `count` OPTIONS from one socket bound to another loopback address, as fast as it can; resolves with the answers it got. */
async function floodFrom(address: string, port: number, count: number): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  let answers = 0;
  socket.on('message', () => answers++);
  const from = socket.address().port;
  for (let i = 0; i < count; i++) {
    socket.send(sipRequest({ method: 'OPTIONS', device: '41040200001180000001', fromPort: from }).replace('127.0.0.1', address), port, '127.0.0.1');
    // In batches: the kernel's socket buffers would drop a single burst of a thousand, which the count below could not tell from the rate's drops.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 500));
  socket.close();
  return answers;
}

/**
 * Issue 16: what the SIP edge does with refused registrations and with what is not good SIP — the
 * right answer or a drop, each counted on /health → sip — while a good device still registers.
 */
describe.skipIf(!haveSipp)('GB/T 28181 endpoint refusals', () => {
  let sut: TestServer;
  let sip: SipReader;
  let s1: SchoolNvr;
  let udpPort: number;
  let tcpPort: number;

  beforeAll(async () => {
    sut = await startTestServer({ env: sipEnv({ XIAOAN_GB28181_MAX_BYTES: '4096', XIAOAN_GB28181_RATE: '50' }) });
    ({ udpPort, tcpPort } = sipPorts(sut));
    sip = await SipReader.for(sut);
    s1 = await schoolNvr(sut, 'S0001');
  }, 60_000);
  afterAll(async () => {
    await sut?.close();
  });

  it('a wrong password is challenged again with 401 and counted; a device the registry does not know gets 403; neither is registered', async () => {
    const before = await sip.health();
    const wrong = await runSipp({ scenario: 'wrong-password', port: udpPort, transport: 'udp', devices: [{ code: s1.nvr.code, password: 'not-the-password' }] });
    expect(wrong.exitCode, wrong.errors).toBe(0);
    expect(wrong.successful).toBe(1);
    const unknown = await runSipp({ scenario: 'unknown-device', port: tcpPort, transport: 'tcp', devices: [{ code: '41040200001189999999', password: SIP_PASSWORD }] });
    expect(unknown.exitCode, unknown.errors).toBe(0);
    expect(unknown.successful).toBe(1);
    // The strict scenario fails on the refusal: SIPp and the product agree there was no registration.
    const refused = await runSipp({ scenario: 'register', port: udpPort, transport: 'udp', devices: [{ code: s1.nvr.code, password: 'still-wrong' }] });
    expect(refused.exitCode).toBe(1);
    expect(refused.failed).toBe(1);
    const after = await sip.health();
    expect(after.authFailures - before.authFailures).toBe(3);
    expect(after.registrations).toBe(before.registrations);
    expect((await sip.overview()).registrations).toEqual([]);
  });

  it('broken SIP: 400 when it can be answered, dropped when it cannot, each counted as malformed', async () => {
    const before = await sip.health();
    // Every header there, but the body is shorter than its Content-Length.
    const short = (from: number) => sipRequest({ method: 'MESSAGE', device: s1.nvr.code, fromPort: from, body: 'x' }).replace('Content-Length: 1', 'Content-Length: 100');
    expect(sipStatus(await udpExchange(udpPort, short))).toBe(400);
    // Not SIP at all, and SIP without Via: nothing to address an answer to.
    expect(await udpExchange(udpPort, 'hello there\r\n\r\n')).toBeNull();
    const noVia = (from: number) => sipRequest({ method: 'OPTIONS', device: s1.nvr.code, fromPort: from }).replace(/^Via: .*\r\n/m, '');
    expect(await udpExchange(udpPort, noVia)).toBeNull();
    expect((await sip.health()).malformed - before.malformed).toBe(3);
  });

  it('an unknown method is 405; a DOCTYPE body is 400 (badXml); an oversized message is 413 over TCP and answered or dropped over UDP', async () => {
    const register = await runSipp({ scenario: 'register', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: await freePort() });
    expect(register.exitCode, register.errors).toBe(0);
    const before = await sip.health();
    expect(sipStatus(await udpExchange(udpPort, (from) => sipRequest({ method: 'PUBLISH', device: s1.nvr.code, fromPort: from })))).toBe(405);
    const entity = `<?xml version="1.0"?>\r\n<!DOCTYPE Notify [<!ENTITY x "${'x'.repeat(20)}">]>\r\n<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>${s1.nvr.code}</DeviceID><Status>&x;</Status></Notify>\r\n`;
    expect(sipStatus(await udpExchange(udpPort, (from) => sipRequest({ method: 'MESSAGE', device: s1.nvr.code, fromPort: from, body: entity })))).toBe(400);
    // A good keepalive still passes.
    expect(sipStatus(await udpExchange(udpPort, (from) => sipRequest({ method: 'MESSAGE', device: s1.nvr.code, fromPort: from, body: keepaliveBody(s1.nvr.code, 2) })))).toBe(200);
    // The same device's code from another address than it registered from is not the device: 403, nothing folded.
    const elsewhere = await udpExchange(udpPort, (from) => sipRequest({ method: 'MESSAGE', device: s1.nvr.code, fromPort: from, body: keepaliveBody(s1.nvr.code, 9) }), 500, '127.0.0.1', '127.0.0.2');
    expect(sipStatus(elsewhere)).toBe(403);
    const big = (transport: 'UDP' | 'TCP') => (from: number) => sipRequest({ method: 'MESSAGE', device: s1.nvr.code, fromPort: from, transport, body: keepaliveBody(s1.nvr.code, 3).replace('<Status>', `<Status>${'x'.repeat(5000)}`) });
    const overTcp = await tcpExchange(tcpPort, big('TCP')(1));
    expect(sipStatus(overTcp.answer)).toBe(413);
    const overUdp = sipStatus(await udpExchange(udpPort, big('UDP')));
    expect([413, null]).toContain(overUdp);
    const after = await sip.health();
    expect({
      unknownMethods: after.unknownMethods - before.unknownMethods,
      badXml: after.badXml - before.badXml,
      oversized: after.oversized - before.oversized,
      keepalives: after.keepalives - before.keepalives,
    }).toEqual({ unknownMethods: 1, badXml: 1, oversized: 2, keepalives: 1 });
  });

  it('a flood from one address is dropped past its rate and counted, while a device elsewhere still registers', async () => {
    const before = await sip.health();
    const s2 = await schoolNvr(sut, 'S0002');
    const [answered, good] = await Promise.all([
      floodFrom('127.0.0.2', udpPort, 1000),
      runSipp({ scenario: 'register', port: udpPort, transport: 'udp', devices: [s2.nvr] }),
    ]);
    expect(good.exitCode, good.errors).toBe(0);
    expect(good.successful).toBe(1);
    expect(await sip.registration(s2.nvr.code)).toMatchObject({ schoolId: 'S0002' });
    const after = await sip.health();
    // Burst 2 × 50, then 50/s: most of the 1,000 are dropped unread, and every one is either answered or counted.
    expect(answered).toBeLessThan(200);
    expect(after.flooded - before.flooded).toBeGreaterThan(800);
    expect(answered + (after.flooded - before.flooded)).toBeLessThanOrEqual(1000);
  });
});
