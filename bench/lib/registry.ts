import fs from 'node:fs';
import path from 'node:path';
import type { ServerUnderTest } from './server.js';

/** The device ids the benchmarks send as, learnt from the public registry route like any integrator. */
export interface DeviceIds {
  cameras: string[];
  sos: string[];
  intrusion: string[];
}

/**
 * Reads `GET /api/v1/devices?kind=…` once per data directory and keeps the ids beside the
 * database (the province camera list is ≈ 60 MB of JSON), so later scenarios start at once.
 */
export async function deviceIds(server: ServerUnderTest, dataDir: string): Promise<DeviceIds> {
  const cache = path.join(dataDir, 'bench-device-ids.json');
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, 'utf8')) as DeviceIds;
  const ids = async (kind: string) =>
    (await server.getJson<{ devices: { id: string }[] }>(`/api/v1/devices?kind=${kind}`)).devices.map((d) => d.id);
  const result: DeviceIds = { cameras: await ids('camera'), sos: await ids('sos'), intrusion: await ids('intrusion') };
  fs.writeFileSync(cache, JSON.stringify(result));
  return result;
}

/** The file the keepalive worker reads camera ids from: one per line. */
export function cameraIdsFile(ids: DeviceIds, dataDir: string): string {
  const file = path.join(dataDir, 'bench-camera-ids.txt');
  if (!fs.existsSync(file)) fs.writeFileSync(file, ids.cameras.join('\n'));
  return file;
}

/**
 * Hands out alarm devices so that no two alarms of one run come from the same device (they
 * would fold into one alarm). Alternates SOS buttons and intrusion sensors unless told otherwise.
 */
export class AlarmDevicePool {
  private nextSos = 0;
  private nextIntrusion = 0;

  constructor(private readonly ids: DeviceIds) {}

  take(kind: 'sos' | 'intrusion'): { type: 'alarm.sos' | 'alarm.intrusion'; deviceId: string } {
    const list = kind === 'sos' ? this.ids.sos : this.ids.intrusion;
    const index = kind === 'sos' ? this.nextSos++ : this.nextIntrusion++;
    const deviceId = list[index % list.length];
    if (deviceId === undefined) throw new Error(`no ${kind} devices in the registry`);
    return { type: kind === 'sos' ? 'alarm.sos' : 'alarm.intrusion', deviceId };
  }

  remaining(kind: 'sos' | 'intrusion'): number {
    return (kind === 'sos' ? this.ids.sos.length - this.nextSos : this.ids.intrusion.length - this.nextIntrusion);
  }
}
