import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEVICE_IDS } from '../../shared/api/registry.js';
import type { Device } from '../../shared/domain/index.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../helpers/server.js';

/** `GET /devices?ids=`: a screen names the devices on its alarms and tickets, a batch at a time. */
describe('GET /api/v1/devices?ids= (the devices a screen names)', () => {
  let sut: TestServer;
  let county: Session;
  let inside: Device[];
  let outsideIds: string[];
  beforeAll(async () => {
    sut = await startTestServer();
    const registry = sut.services.registry;
    const district = registry.schools()[0]!.districtCode;
    county = await signInAs(sut, { role: 'education_staff', districtCode: district });
    const ofDistrict = (inDistrict: boolean) => registry.devices().filter((d) => d.schoolId !== null && (registry.school(d.schoolId)?.districtCode === district) === inDistrict);
    inside = ofDistrict(true).slice(0, 3);
    outsideIds = ofDistrict(false).slice(0, 2).map((d) => d.id);
    expect(inside).toHaveLength(3);
    expect(outsideIds).toHaveLength(2);
  }, 120_000);
  afterAll(async () => {
    await sut?.close();
  });

  const ask = (headers: Record<string, string>, ids: readonly string[]) => fetch(`${sut.url}/api/v1/devices?ids=${encodeURIComponent(ids.join(','))}`, { headers });

  it('answers the known devices within the person’s scope, each once, with their names', async () => {
    const response = await ask(county.headers(), [inside[0]!.id, ...outsideIds, 'NO-SUCH-DEVICE', inside[1]!.id, inside[0]!.id, inside[2]!.id]);
    expect(response.status).toBe(200);
    const { devices } = (await response.json()) as { devices: Device[] };
    expect(devices.map((d) => d.id).sort()).toEqual(inside.map((d) => d.id).sort());
    for (const device of devices) expect(device.name).toBe(inside.find((d) => d.id === device.id)?.name);
    // An integration sees every device it names.
    const all = (await (await ask({ authorization: `Bearer ${TEST_TOKEN}` }, [...outsideIds, inside[0]!.id])).json()) as { devices: Device[] };
    expect(all.devices.map((d) => d.id).sort()).toEqual([...outsideIds, inside[0]!.id].sort());
  });

  it.each([
    ['too many ids', Array.from({ length: MAX_DEVICE_IDS + 1 }, (_, i) => `D${i}`), `最多 ${MAX_DEVICE_IDS} 个设备编号`],
    ['an empty id', ['A', '', 'B'], '设备编号为空'],
    ['an id too long', ['x'.repeat(65)], '设备编号最长 64 个字符'],
  ])('refuses %s with a 400 in words', async (_, ids, words) => {
    const response = await ask(county.headers(), ids);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(words);
  });
});
