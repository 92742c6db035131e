import { describe, expect, it } from 'vitest';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { CameraHealthService } from '../../server/services/camera-health.service.js';
import { DomainEvents, type CameraStateChange } from '../../server/services/domain-events.js';
import { RegistryService } from '../../server/services/registry.service.js';

async function setup() {
  const dataset = makeSmallDataset();
  const registry = new RegistryService({
    schools: async () => dataset.schools,
    devices: async () => dataset.devices,
    policePosts: async () => dataset.policePosts,
    guardPosts: async () => dataset.guardPosts,
  });
  await registry.load();
  let now = Date.parse('2026-11-29T00:00:00Z');
  const clock = { now: () => now };
  const events = new DomainEvents();
  const changes: CameraStateChange[] = [];
  events.on('camera.changed', (c) => changes.push(...c));
  const sut = new CameraHealthService({ registry, events, clock });
  sut.init();
  return { sut, changes, advance: (ms: number) => (now += ms), now: () => now };
}

describe(CameraHealthService.name, () => {
  it('marks a camera offline only after its third missed keepalive', async () => {
    const { sut, changes, advance, now } = await setup();
    sut.heartbeat('CAM-S0001-01', now());
    advance(180_000);
    expect(sut.sweep().filter((c) => c.deviceId === 'CAM-S0001-01')).toEqual([]);
    expect(sut.state('CAM-S0001-01')).toBe('online');
    advance(1);
    sut.sweep();
    expect(sut.state('CAM-S0001-01')).toBe('offline');
    expect(changes.find((c) => c.deviceId === 'CAM-S0001-01')).toMatchObject({ from: 'online', to: 'offline', schoolId: 'S0001' });
  });

  it('keeps a camera online while keepalives come every minute, and brings an offline one back', async () => {
    const { sut, advance, now } = await setup();
    for (let i = 0; i < 10; i++) {
      advance(60_000);
      sut.heartbeat('CAM-S0002-01', now());
      sut.sweep();
    }
    expect(sut.state('CAM-S0002-01')).toBe('online');
    advance(240_000);
    sut.sweep();
    expect(sut.state('CAM-S0002-01')).toBe('offline');
    sut.heartbeat('CAM-S0002-01', now());
    expect(sut.state('CAM-S0002-01')).toBe('online');
  });

  it('does not let a keepalive stamped in the future keep a camera alive', async () => {
    const { sut, advance, now } = await setup();
    sut.heartbeat('CAM-S0003-01', now() + 3_600_000);
    advance(180_001);
    sut.sweep();
    expect(sut.state('CAM-S0003-01')).toBe('offline');
  });

  it('counts states for the summary', async () => {
    const { sut } = await setup();
    sut.fault('CAM-S0001-02', 'video_loss');
    expect(sut.summary()).toEqual({ total: 9, online: 8, offline: 0, fault: 1 });
  });
});
