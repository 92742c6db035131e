import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../shared/dataset.js';
import { gbCodeKind, isCityGbCode, parseGbCode } from '../../shared/gb-code.js';
import { assignGbCodes, gbTypeOfKind } from '../../shared/rules/gb-assign.js';
import { generateDataset } from '../../mocks/dataset/index.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';

describe(assignGbCodes.name, () => {
  let city: Dataset;
  beforeAll(() => {
    city = generateDataset({ referenceDate: '2026-06-01' });
  }, 60_000);

  it('gives every camera and alarm input of the city a unique 20-digit code under 4104, and nothing else one', () => {
    const codes = new Set<string>();
    for (const device of city.devices) {
      const type = gbTypeOfKind(device.kind);
      if (type === null) {
        expect(device.gbCode, device.id).toBeUndefined();
        expect(device.gbParent, device.id).toBeUndefined();
        continue;
      }
      const code = device.gbCode!;
      expect(isCityGbCode(code), `${device.id} ${code}`).toBe(true);
      expect(parseGbCode(code)).toMatchObject({ unit: '00', industry: '00', type, network: '0' });
      expect(gbCodeKind(code)).toBe(device.kind === 'camera' ? 'camera' : 'alarm_input');
      codes.add(code);
    }
    const channels = city.devices.filter((d) => gbTypeOfKind(d.kind) !== null);
    expect(channels.length).toBeGreaterThan(40_000);
    expect(codes.size).toBe(channels.length);
  });

  it('makes one NVR (type 118) per school, named after it, the parent of exactly its school’s channels', () => {
    const nvrs = city.nvrs ?? [];
    expect(nvrs).toHaveLength(city.schools.length);
    expect(new Set(nvrs.map((n) => n.schoolId)).size).toBe(city.schools.length);
    const schools = new Map(city.schools.map((s) => [s.id, s]));
    const nvrBySchool = new Map(nvrs.map((n) => [n.schoolId, n]));
    for (const nvr of nvrs) {
      const school = schools.get(nvr.schoolId)!;
      expect(gbCodeKind(nvr.code)).toBe('nvr');
      expect(nvr.code.slice(0, 6)).toBe(school.districtCode);
      expect(nvr.name).toBe(`${school.name}硬盘录像机`);
    }
    for (const device of city.devices) {
      if (!device.gbCode) continue;
      expect(device.gbCode.slice(0, 6)).toBe(schools.get(device.schoolId!)!.districtCode);
      expect(device.gbParent).toBe(nvrBySchool.get(device.schoolId!)!.code);
    }
  });

  it('numbers each district and type 1, 2, 3, … in order of school id then device id', () => {
    const schoolOrder = new Map([...city.schools].sort((a, b) => (a.id < b.id ? -1 : 1)).map((s, i) => [s.id, i]));
    const groups = new Map<string, { order: [number, string]; serial: number }[]>();
    const file = (code: string, order: [number, string]) => {
      const key = code.slice(0, 6) + code.slice(10, 13);
      const list = groups.get(key) ?? [];
      list.push({ order, serial: Number(code.slice(14)) });
      groups.set(key, list);
    };
    for (const nvr of city.nvrs ?? []) file(nvr.code, [schoolOrder.get(nvr.schoolId)!, '']);
    for (const d of city.devices) if (d.gbCode) file(d.gbCode, [schoolOrder.get(d.schoolId!)!, d.id]);
    // 10 districts × 3 types (every district has cameras, buttons and NVRs).
    expect(groups.size).toBe(30);
    for (const [key, list] of groups) {
      list.sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0));
      expect(list.map((e) => e.serial), key).toEqual(list.map((_, i) => i + 1));
    }
  });

  it('is deterministic and does not depend on the order it is given the registry in', () => {
    const again = assignGbCodes(city.schools, city.devices);
    const reversed = assignGbCodes([...city.schools].reverse(), [...city.devices].reverse());
    expect(again.nvrs).toEqual(city.nvrs);
    expect(again.devices).toEqual(city.devices);
    expect([...reversed.codes].sort()).toEqual([...again.codes].sort());
    expect(reversed.nvrs).toEqual(again.nvrs);
  });

  it('gives the small test dataset the codes its comment names', () => {
    const small = makeSmallDataset();
    expect(small.nvrs?.map((n) => n.code)).toEqual(['41040200001180000001', '41040300001180000001', '41042200001180000001']);
    const byId = new Map(small.devices.map((d) => [d.id, d]));
    expect(byId.get('CAM-S0001-01')?.gbCode).toBe('41040200001310000001');
    expect(byId.get('CAM-S0001-03')?.gbCode).toBe('41040200001310000003');
    expect(byId.get('INT-S0001-1')).toMatchObject({ gbCode: '41040200001340000001', gbParent: '41040200001180000001' });
    expect(byId.get('SOS-S0001-1')?.gbCode).toBe('41040200001340000002');
    expect(byId.get('PAT-S0001-1')?.gbCode).toBeUndefined();
    expect(byId.get('PT-G0001')?.gbCode).toBeUndefined();
  });
});
