import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFault } from '../../shared/wall.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines, type Engine } from '../helpers/engines.js';
import { schoolNvr, SipReader, sipEnv, sipPorts, type SchoolNvr } from '../helpers/gb28181.js';
import { connectClient, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';
import { freePort, manscdpTime, runSipp, sippAvailable, type SippResult } from '../helpers/sipp.js';

const haveSipp = sippAvailable();
const engines: Engine[] = haveSipp ? await availableEngines() : ['sqlite'];

/** A SIPp run that should have succeeded: says why when it did not. */
function expectAllSucceeded(run: SippResult, calls: number): void {
  expect(run.exitCode, run.errors).toBe(0);
  expect({ successful: run.successful, failed: run.failed }).toEqual({ successful: calls, failed: 0 });
}

/**
 * Issue 16: a school's NVR, played by SIPp (tests/sipp), registers with the GB/T 28181 endpoint
 * with digest, answers the platform's catalog query, keeps alive and raises alarms; what SIPp
 * counts and what the product shows (admin overview, camera states, tickets, the console) agree.
 */
describe.skipIf(!haveSipp).each(engines)('GB/T 28181 devices played by SIPp on %s', (engine) => {
  let now = Date.now();
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  let sut: TestServer;
  let sip: SipReader;
  let operator: Session;
  let staff: Session;
  let console_: RecordingClient;
  let s1: SchoolNvr;
  let port: number;
  let udpPort: number;
  let tcpPort: number;
  const unknownChannel = '41040200001310999999';

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, env: sipEnv({ XIAOAN_KEEPALIVE_INTERVAL_S: '1' }) });
    ({ udpPort, tcpPort } = sipPorts(sut));
    sip = await SipReader.for(sut);
    operator = await signInAs(sut, { role: 'police_operator' });
    staff = await signInAs(sut, { role: 'education_staff' });
    console_ = connectClient(sut.url, { cookie: operator.cookie });
    await console_.live;
    s1 = await schoolNvr(sut, 'S0001');
    port = await freePort();
  }, 60_000);
  afterAll(async () => {
    console_?.socket.close();
    await sut?.close();
  });

  it('registers with digest over UDP (401 then 200) and answers the catalog query; the overview lists it with its address, transport and expiry', async () => {
    const catalog = [...s1.cameras, s1.sos, s1.intrusion].map((d) => ({ code: d.gbCode!, name: d.name, parent: s1.nvr.code }));
    catalog.push({ code: unknownChannel, name: 'new camera', parent: s1.nvr.code });
    now = Date.now();
    const run = await runSipp({ scenario: 'register', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, catalog });
    expectAllSucceeded(run, 1);
    // The platform's catalog query arrived out of call and was answered.
    expect(run.outOfCall).toBeGreaterThanOrEqual(1);
    const registration = await sip.registration(s1.nvr.code);
    expect(registration).toMatchObject({ address: '127.0.0.1', port, transport: 'UDP', schoolId: 'S0001', catalogChannels: catalog.length, unknownChannels: 1 });
    const expiresIn = Date.parse(registration!.expiresAt) - now;
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThan(3700_000);
    const overview = await sip.overview();
    expect(overview.unassigned.map((c) => c.code)).toEqual([unknownChannel]);
    expect(overview.unassigned[0]).toMatchObject({ parentId: s1.nvr.code, kind: 'camera', name: 'new camera' });
    expect(overview.counters).toMatchObject({ registrations: 1, catalogs: 1, authFailures: 0 });
  });

  it('keepalives every second bring the NVR\'s cameras online; when they stop, the cameras go offline after 3 intervals and a fault ticket opens from the last keepalive', async () => {
    const devices = async (school: string) =>
      ((await (await operator.get(`/api/v1/schools/${school}/devices`)).json()) as { devices: { id: string; kind: string; state: string | null }[] }).devices.filter((d) => d.kind === 'camera');
    const cameraIds = s1.cameras.map((c) => c.id);
    const states = async (school: string) => (await devices(school)).map((d) => d.state);
    // The start-up grace is over: every camera without a keepalive is offline.
    offset += 4_000;
    await sut.tick();
    expect(new Set(await states('S0001'))).toEqual(new Set(['offline']));
    const before = await sip.health();
    const run = await runSipp({ scenario: 'keepalive', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, calls: 3, rate: 1 });
    expectAllSucceeded(run, 3);
    expect((await sip.health()).keepalives - before.keepalives).toBe(3);
    await sut.tick();
    expect((await devices('S0001')).filter((d) => cameraIds.includes(d.id)).map((d) => d.state)).toEqual(cameraIds.map(() => 'online'));
    // Another school's NVR sent nothing: its cameras stay offline.
    expect(new Set(await states('S0002'))).toEqual(new Set(['offline']));
    const lastKeepaliveAt = (await sip.registration(s1.nvr.code))?.lastKeepaliveAt;
    expect(lastKeepaliveAt).toBeTruthy();
    // No keepalive for more than 3 intervals (3 s at XIAOAN_KEEPALIVE_INTERVAL_S=1).
    offset += 4_000;
    await sut.tick();
    expect((await devices('S0001')).filter((d) => cameraIds.includes(d.id)).map((d) => d.state)).toEqual(cameraIds.map(() => 'offline'));
    const faults = ((await (await staff.get('/api/v1/faults?state=open&schoolId=S0001')).json()) as { faults: CameraFault[] }).faults;
    const tickets = faults.filter((f) => cameraIds.includes(f.deviceId));
    expect(tickets.map((f) => [f.deviceId, f.reason]).sort()).toEqual(cameraIds.map((id) => [id, 'offline']).sort());
    // The ticket of the earlier outage was closed by the keepalives; this one counts from the last.
    expect(new Set(tickets.map((t) => t.openedAt))).toEqual(new Set([lastKeepaliveAt]));
  });

  it('an alarm notify from the NVR\'s one-key input is an SOS on the console within a second, answered by the platform\'s Response/Alarm; the same SN again raises nothing new', async () => {
    const keys = { alarm: s1.sos.gbCode!, sn: '4711', alarm_time: manscdpTime(clock.now()), alarm_priority: '1', alarm_method: '2', alarm_info: '' };
    const before = console_.changes.length;
    const running = runSipp({ scenario: 'alarm', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, keys });
    // Within a second of SIPp's start (its own start-up included).
    await waitFor(() => console_.changes.slice(before).some((c) => c.alarm.type === 'sos' && c.alarm.schoolId === 'S0001'), 'the SOS on the console', 1000);
    const sos = console_.changes.slice(before).find((c) => c.alarm.type === 'sos')!.alarm;
    expect(sos.deviceId).toBe(s1.sos.id);
    const run = await running;
    expectAllSucceeded(run, 1);
    // The platform's Response/Alarm reached SIPp out of call and was answered.
    expect(run.outOfCall).toBe(1);
    const raised = console_.changes.length;
    const again = await runSipp({ scenario: 'alarm', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, keys });
    expectAllSucceeded(again, 1);
    expect(console_.changes.slice(raised).filter((c) => c.alarm.type === 'sos' && c.alarm.id !== sos.id)).toEqual([]);
    expect((await sip.health()).alarms).toBe(2);
  });

  it('an intrusion input\'s alarm is an intrusion alarm on the console; an alarm for another NVR\'s channel is refused (404) and raises nothing', async () => {
    const s3 = await schoolNvr(sut, 'S0003');
    const base = { sn: '9001', alarm_time: manscdpTime(clock.now()), alarm_priority: '2', alarm_method: '2', alarm_info: '' };
    const before = console_.changes.length;
    const intrusion = await runSipp({ scenario: 'alarm', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, keys: { ...base, alarm: s1.intrusion.gbCode! } });
    expectAllSucceeded(intrusion, 1);
    await waitFor(() => console_.changes.slice(before).some((c) => c.alarm.type === 'intrusion'), 'the intrusion on the console', 1000);
    expect(console_.changes.slice(before).find((c) => c.alarm.type === 'intrusion')!.alarm).toMatchObject({ schoolId: 'S0001', deviceId: s1.intrusion.id });
    const raised = console_.changes.length;
    const foreign = await runSipp({ scenario: 'alarm', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, keys: { ...base, sn: '9002', alarm: s3.sos.gbCode! } });
    expect(foreign.failed, foreign.errors).toBe(1);
    expect(foreign.errors).toContain('404');
    await new Promise((r) => setTimeout(r, 200));
    expect(console_.changes.slice(raised).filter((c) => c.alarm.schoolId === 'S0003')).toEqual([]);
  });

  it('registers over TCP as well; Expires: 0 unregisters, and the overview no longer lists the device', async () => {
    const s2 = await schoolNvr(sut, 'S0002');
    const run = await runSipp({ scenario: 'register', port: tcpPort, transport: 'tcp', devices: [s2.nvr] });
    expectAllSucceeded(run, 1);
    expect(await sip.registration(s2.nvr.code)).toMatchObject({ transport: 'TCP', schoolId: 'S0002', address: '127.0.0.1' });
    const off = await runSipp({ scenario: 'unregister', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port });
    expectAllSucceeded(off, 1);
    const left = (await sip.overview()).registrations.map((r) => r.deviceId);
    expect(left).toEqual([s2.nvr.code]);
    // An unregistered device's keepalive is refused: SIPp's call fails on the 403.
    const refused = await runSipp({ scenario: 'keepalive', port: udpPort, transport: 'udp', devices: [s1.nvr], localPort: port, calls: 1 });
    expect(refused.failed, refused.errors).toBe(1);
    expect(refused.errors).toContain('403');
  });
});
