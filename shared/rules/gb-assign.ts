import type { Device, DeviceKind, GbNvr, School } from '../domain/entities.js';
import { makeGbCode } from '../gb-code.js';

/** GB type codes of the school devices the product numbers: the NVR, its camera channels and its alarm-input channels. */
export const GB_TYPE = { nvr: '118', camera: '131', alarmInput: '134' } as const;

/** The GB type code of a device kind that is an NVR channel (camera 131; one-key button and intrusion detector 134), or null. */
export function gbTypeOfKind(kind: DeviceKind): string | null {
  if (kind === 'camera') return GB_TYPE.camera;
  if (kind === 'sos' || kind === 'intrusion') return GB_TYPE.alarmInput;
  return null;
}

/** The name of a school's NVR (硬盘录像机). */
export function nvrName(school: Pick<School, 'name'>): string {
  return `${school.name}硬盘录像机`;
}

/** The school fields the numbering reads (`districtCode`: any 6-digit GB/T 2260 code). */
export interface GbSchool {
  id: string;
  name: string;
  districtCode: string;
}
/** The device fields the numbering reads. */
export type GbDevice = Pick<Device, 'id' | 'kind' | 'schoolId'>;

/** What {@link assignGbCodes} answers: each numbered device's code and parent, and one NVR per school. */
export interface GbAssignment<D extends GbDevice> {
  /** The devices in their given order, cameras and alarm inputs of a known school with `gbCode` and `gbParent` set. */
  devices: (D & Pick<Device, 'gbCode' | 'gbParent'>)[];
  /** One NVR per school, in order of school id. */
  nvrs: GbNvr[];
  /** Device id → [code, parent] of the numbered devices (what a back-fill writes). */
  codes: Map<string, readonly [code: string, parent: string]>;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Numbers a registry's GB/T 28181 devices (docs/dataset.md): every school gets one NVR (type 118);
 * its cameras (131) and alarm inputs (134: kinds `sos` and `intrusion`) become the NVR's channels.
 * A code is the school's district (6 digits) + unit `00` + industry `00` + type + network `0` +
 * a serial numbered per district and type from 1, in order of school id then device id (plain
 * code-unit order, the same on every engine and machine). Pure and deterministic: the same
 * schools and devices give the same codes, whatever order they are given in.
 */
export function assignGbCodes<D extends GbDevice>(schools: readonly GbSchool[], devices: readonly D[]): GbAssignment<D> {
  const sortedSchools = [...schools].sort(byId);
  const channelsBySchool = new Map<string, D[]>();
  for (const device of devices) {
    if (device.schoolId === null || gbTypeOfKind(device.kind) === null) continue;
    const list = channelsBySchool.get(device.schoolId);
    if (list) list.push(device);
    else channelsBySchool.set(device.schoolId, [device]);
  }
  const serials = new Map<string, number>();
  const next = (district: string, type: string): string => {
    const key = `${district}/${type}`;
    const serial = (serials.get(key) ?? 0) + 1;
    serials.set(key, serial);
    return makeGbCode({ district, type, serial });
  };
  const nvrs: GbNvr[] = [];
  const codes = new Map<string, readonly [string, string]>();
  for (const school of sortedSchools) {
    const nvr: GbNvr = { code: next(school.districtCode, GB_TYPE.nvr), schoolId: school.id, name: nvrName(school) };
    nvrs.push(nvr);
    const channels = (channelsBySchool.get(school.id) ?? []).sort(byId);
    for (const device of channels) codes.set(device.id, [next(school.districtCode, gbTypeOfKind(device.kind)!), nvr.code]);
  }
  return {
    devices: devices.map((device) => {
      const code = codes.get(device.id);
      return code ? { ...device, gbCode: code[0], gbParent: code[1] } : device;
    }),
    nvrs,
    codes,
  };
}
