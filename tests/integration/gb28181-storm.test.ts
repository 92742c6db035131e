import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/dataset.js';
import type { Device } from '../../shared/domain/index.js';
import { assignGbCodes } from '../../shared/rules/gb-assign.js';
import { makeSchool, makeSmallDataset } from '../../mocks/factories/dataset.js';
import { SIP_PASSWORD, SipReader, sipEnv, sipPorts } from '../helpers/gb28181.js';
import { offDuty, startTestServer, type TestServer } from '../helpers/server.js';
import { runSipp, sippAvailable } from '../helpers/sipp.js';

const haveSipp = sippAvailable();

/** How many NVRs register in the storm, and at what rate (calls per second). */
const DEVICES = 200;
const RATE = 50;

/** The small dataset and {@link DEVICES} more schools (湛河区, one camera each), numbered as the generator numbers them: one NVR per school. */
function stormDataset(): Dataset {
  const small = makeSmallDataset();
  const extra = Array.from({ length: DEVICES }, (_, i) => makeSchool({ id: `S${String(1001 + i)}`, name: `湛河区测试学校${i + 1}`, districtCode: '410411' }));
  const schools = [...small.schools, ...extra];
  const listed: Device[] = [
    ...small.devices,
    ...extra.map((s): Device => ({ id: `CAM-${s.id}-01`, kind: 'camera', schoolId: s.id, postId: null, place: 'gate', name: '摄像机1' })),
  ];
  const { devices, nvrs } = assignGbCodes(schools, listed);
  return offDuty({ ...small, schools, devices, nvrs });
}

/**
 * Issue 16: a registration storm — {@link DEVICES} NVRs registering with digest at {@link RATE} a
 * second (a district's devices coming back after a power cut) — is served without a failed call,
 * and SIPp's count and the product's agree.
 */
describe.skipIf(!haveSipp)('a GB/T 28181 registration storm played by SIPp', () => {
  let sut: TestServer;
  let sip: SipReader;
  let dataset: Dataset;

  beforeAll(async () => {
    dataset = stormDataset();
    // Every SIPp device speaks from one address: its rate is the storm's, not one device's.
    sut = await startTestServer({ dataset, env: sipEnv({ XIAOAN_GB28181_RATE: '1000' }) });
    sip = await SipReader.for(sut);
  }, 60_000);
  afterAll(async () => {
    await sut?.close();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`${DEVICES} NVRs register over ${transport.toUpperCase()} at ${RATE}/s: no failed call, and the overview lists all ${DEVICES}`, async () => {
      const stormNvrs = dataset.nvrs!.filter((n) => n.schoolId >= 'S1001');
      expect(stormNvrs).toHaveLength(DEVICES);
      const before = await sip.health();
      const { udpPort, tcpPort } = sipPorts(sut);
      const run = await runSipp({
        scenario: 'storm', port: transport === 'udp' ? udpPort : tcpPort, transport,
        devices: stormNvrs.map((n) => ({ code: n.code, password: SIP_PASSWORD })), rate: RATE, timeoutS: 30,
      });
      expect(run.exitCode, run.errors).toBe(0);
      expect({ successful: run.successful, failed: run.failed }).toEqual({ successful: DEVICES, failed: 0 });
      const registrations = (await sip.overview()).registrations.filter((r) => r.transport === transport.toUpperCase());
      expect(registrations.map((r) => r.deviceId).sort()).toEqual(stormNvrs.map((n) => n.code).sort());
      expect(new Set(registrations.map((r) => r.schoolId)).size).toBe(DEVICES);
      const after = await sip.health();
      expect(after.registrations - before.registrations).toBe(DEVICES);
      expect(after.authFailures - before.authFailures).toBe(0);
      expect(after.flooded - before.flooded).toBe(0);
      // Each device answered the platform's catalog query (out of call) before it stopped.
      expect(run.outOfCall).toBe(DEVICES);
    }, 60_000);
  }
});
