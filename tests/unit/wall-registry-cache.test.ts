import { describe, expect, it } from 'vitest';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import type { SessionUser } from '../../shared/auth.js';
import type { School } from '../../shared/domain/index.js';
import { schoolsFromColumns, type RegistryColumns } from '../../shared/wall-registry.js';
import { CameraHealthService } from '../../server/services/camera-health.service.js';
import { DomainEvents } from '../../server/services/domain-events.js';
import { RegistryService } from '../../server/services/registry.service.js';
import { SchoolCameraService } from '../../server/services/school-camera.service.js';
import { SchoolStatusService } from '../../server/services/school-status.service.js';
import { WallReads } from '../../server/services/wall-read.service.js';

const CITY: SessionUser = { id: 1, username: 'police-city', displayName: '市局值班', role: 'police_operator', districtCode: null, schoolId: null, unitId: null };

async function setup() {
  const dataset = makeSmallDataset();
  let schools: School[] = dataset.schools;
  const registry = new RegistryService({
    schools: async () => schools,
    devices: async () => dataset.devices,
    policePosts: async () => dataset.policePosts,
    guardPosts: async () => dataset.guardPosts,
  });
  await registry.load();
  const events = new DomainEvents();
  const clock = { now: () => Date.parse('2026-12-04T00:00:00Z') };
  const walls = new WallReads({ registry, status: new SchoolStatusService(events), cameras: new CameraHealthService({ registry, events, clock }), schoolCameras: new SchoolCameraService(events), clock });
  const district = dataset.schools[0]!.districtCode;
  const county: SessionUser = { ...CITY, id: 2, username: 'edu-county', role: 'education_staff', districtCode: district };
  return { walls, registry, county, dataset, rename: (id: string, name: string) => (schools = schools.map((s) => (s.id === id ? { ...s, name } : s))) };
}

const parsed = (text: { text: string }) => JSON.parse(text.text) as RegistryColumns;

describe('WallReads.registry: kept as JSON text per scope and part until the registry changes', () => {
  it('gives the same kept text to every reader of a scope and part, and another to another scope or part', async () => {
    const { walls, county, dataset } = await setup();
    const whole = walls.registry(CITY);
    expect(walls.registry({ ...CITY, id: 9, username: 'another' })).toBe(whole);
    expect(schoolsFromColumns(parsed(whole).schools).map((s) => s.id).sort()).toEqual(dataset.schools.map((s) => s.id).sort());
    const part = walls.registry(CITY, { slice: 0, slices: 2 });
    expect(part).not.toBe(whole);
    expect(walls.registry(CITY, { slice: 0, slices: 2 })).toBe(part);
    const scoped = walls.registry(county);
    expect(scoped).not.toBe(whole);
    expect(schoolsFromColumns(parsed(scoped).schools).every((s) => s.districtCode === county.districtCode)).toBe(true);
  });

  it('makes the text again once the registry is read again, with what changed', async () => {
    const { walls, registry, rename, dataset } = await setup();
    const before = walls.registry(CITY);
    const id = dataset.schools[0]!.id;
    rename(id, '更名后的学校');
    expect(walls.registry(CITY)).toBe(before);
    await registry.load();
    const after = walls.registry(CITY);
    expect(after).not.toBe(before);
    expect(schoolsFromColumns(parsed(after).schools).find((s) => s.id === id)?.name).toBe('更名后的学校');
  });
});
