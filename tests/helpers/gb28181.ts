import type { Device } from '../../shared/domain/index.js';
import type { SipCounters, SipOverview } from '../../shared/sip.js';
import { signInAs, type Session } from './auth.js';
import { TEST_TOKEN, type TestServer } from './server.js';
import type { SippDevice } from './sipp.js';

/** Shared by the GB/T 28181 suites (not a test file itself): the settings, and reading the product's side. */

/** The password every test device registers with. */
export const SIP_PASSWORD = 'sip-test-password';

/** The env of a test server with the SIP endpoint on ephemeral ports. */
export function sipEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { XIAOAN_GB28181: 'on', XIAOAN_GB28181_HOST: '127.0.0.1', XIAOAN_GB28181_PORT: '0', XIAOAN_GB28181_PASSWORD: SIP_PASSWORD, ...extra };
}

/** The endpoint's ports of a running test server (fails when it has none). */
export function sipPorts(sut: TestServer): { udpPort: number; tcpPort: number } {
  if (!sut.sip) throw new Error('the test server has no SIP endpoint: is XIAOAN_GB28181 on?');
  return { udpPort: sut.sip.udpPort, tcpPort: sut.sip.tcpPort };
}

/** The registry's devices with their GB codes, as an integration reads them (GET /api/v1/devices). */
export async function registryDevices(sut: TestServer): Promise<Device[]> {
  const response = await fetch(`${sut.url}/api/v1/devices`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  if (response.status !== 200) throw new Error(`GET /devices answered ${response.status}`);
  return ((await response.json()) as { devices: Device[] }).devices;
}

/** A school's NVR (the gbParent its cameras name) and its channels, from the registry. */
export interface SchoolNvr {
  nvr: SippDevice;
  cameras: Device[];
  sos: Device;
  intrusion: Device;
}

/** The NVR of `schoolId` as a SIPp device, with its registered channels. */
export async function schoolNvr(sut: TestServer, schoolId: string): Promise<SchoolNvr> {
  const devices = (await registryDevices(sut)).filter((d) => d.schoolId === schoolId && d.gbCode);
  const parent = devices.find((d) => d.gbParent)?.gbParent;
  if (!parent) throw new Error(`school ${schoolId} has no device with a GB parent (an NVR): are the dataset's GB codes in?`);
  const channels = devices.filter((d) => d.gbParent === parent);
  const sos = channels.find((d) => d.kind === 'sos');
  const intrusion = channels.find((d) => d.kind === 'intrusion');
  if (!sos || !intrusion) throw new Error(`school ${schoolId}'s NVR lists no sos or intrusion input`);
  return { nvr: { code: parent, password: SIP_PASSWORD }, cameras: channels.filter((d) => d.kind === 'camera'), sos, intrusion };
}

/** Reads /admin/sip and /health → sip as an administrator. */
export class SipReader {
  private constructor(private readonly admin: Session) {}

  static async for(sut: TestServer): Promise<SipReader> {
    return new SipReader(await signInAs(sut, { role: 'admin' }));
  }

  async overview(): Promise<SipOverview> {
    const response = await this.admin.get('/api/v1/admin/sip');
    if (response.status !== 200) throw new Error(`GET /admin/sip answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as SipOverview;
  }

  async registration(code: string) {
    return (await this.overview()).registrations.find((r) => r.deviceId === code);
  }

  /** `GET /api/v1/health` → `sip` (shown to city-wide accounts). */
  async health(): Promise<SipCounters> {
    const body = (await (await this.admin.get('/api/v1/health')).json()) as { sip?: SipCounters | null };
    if (!body.sip) throw new Error('/health has no sip counters');
    return body.sip;
  }
}
