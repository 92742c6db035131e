import { describe, expect, it } from 'vitest';
import { createRng } from '../../mocks/simulator/random.js';
import type { CameraState, Device } from '../../shared/domain/index.js';
import { CameraHealthService } from '../../server/services/camera-health.service.js';
import { DomainEvents, type CameraStateChange } from '../../server/services/domain-events.js';
import { RegistryService } from '../../server/services/registry.service.js';
import { loadedRegistry } from '../helpers/registry.js';

async function setup() {
  const registry = await loadedRegistry();
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

  it('adds a camera while running: online with a full grace period, no other camera moved', async () => {
    const { sut, advance, now } = await setup();
    sut.fault('CAM-S0001-02', 'video_loss');
    advance(100_000);
    sut.heartbeat('CAM-S0001-01', now());
    sut.heartbeat('CAM-S0001-01', now(), 90);
    sut.sweep();
    expect(sut.add('GB-41040200001310000101', 'S0001')).toBe(true);
    expect(sut.add('GB-41040200001310000101', 'S0001')).toBe(false);
    expect(sut.add('CAM-S0001-01', 'S0001')).toBe(false);
    expect(sut.summary()).toEqual({ total: 10, online: 9, offline: 0, fault: 1 });
    expect(sut.state('GB-41040200001310000101')).toBe('online');
    expect(sut.lastHeardAt('GB-41040200001310000101')).toBeNull();
    expect(sut.lastHeardAt('CAM-S0001-01')).toBe(now());
    expect(sut.retentionDays('CAM-S0001-01')).toBe(90);
    // The others' deadlines are where they were (180 s after start); the new one's 180 s after it was added.
    advance(80_001);
    const offline = sut.sweep().map((c) => c.deviceId);
    expect(offline).not.toContain('GB-41040200001310000101');
    expect(offline).not.toContain('CAM-S0001-01');
    expect(offline).toContain('CAM-S0002-01');
    expect(sut.state('CAM-S0001-02')).toBe('fault');
    // Both last heard (or added) at 100 s: both past 280 s.
    advance(100_000);
    expect(sut.sweep().map((c) => c.deviceId).sort()).toEqual(['CAM-S0001-01', 'GB-41040200001310000101']);
    sut.heartbeat('GB-41040200001310000101', now());
    expect(sut.state('GB-41040200001310000101')).toBe('online');
    expect(sut.unhealthy().find((c) => c.deviceId === 'GB-41040200001310000101')).toBeUndefined();
  });

  it('counts states for the summary', async () => {
    const { sut } = await setup();
    sut.fault('CAM-S0001-02', 'video_loss');
    expect(sut.summary()).toEqual({ total: 9, online: 8, offline: 0, fault: 1 });
  });

  it('agrees with a full scan of every camera through random keepalives, faults, sweeps and clock jumps', async () => {
    const cameras: Device[] = Array.from({ length: 300 }, (_, i) => ({ id: `CAM-${i}`, kind: 'camera', schoolId: `S${i % 7}`, postId: null, place: 'gate', name: `${i}` }));
    const registry = new RegistryService({ schools: async () => [], devices: async () => cameras, policePosts: async () => [], guardPosts: async () => [] });
    await registry.load();
    let now = Date.parse('2026-11-29T00:00:00Z');
    const sut = new CameraHealthService({ registry, events: new DomainEvents(), clock: { now: () => now } });
    sut.init([{ deviceId: 'CAM-3', state: 'fault' }]);
    // The rule, written the slow way: last keepalive per camera, every online camera checked at each sweep.
    const lastSeen = new Map(cameras.map((c) => [c.id, now]));
    const state = new Map<string, CameraState>(cameras.map((c) => [c.id, c.id === 'CAM-3' ? 'fault' : 'online']));
    const rng = createRng(5);
    for (let step = 0; step < 4000; step++) {
      const roll = rng();
      const id = `CAM-${Math.floor(rng() * cameras.length)}`;
      if (roll < 0.6) {
        const at = now - Math.floor(rng() * 30_000) + (rng() < 0.05 ? 3_600_000 : 0);
        sut.heartbeat(id, at);
        lastSeen.set(id, Math.max(lastSeen.get(id)!, Math.min(at, now)));
        state.set(id, 'online');
      } else if (roll < 0.63) {
        sut.fault(id, 'video_loss');
        state.set(id, 'fault');
      } else if (roll < 0.8) {
        sut.sweep();
        for (const [cameraId, seen] of lastSeen) if (state.get(cameraId) === 'online' && now - seen > 180_000) state.set(cameraId, 'offline');
        const disagreeing = cameras.filter((c) => sut.state(c.id) !== state.get(c.id)).map((c) => `${c.id} at step ${step}: ${sut.state(c.id)}, not ${state.get(c.id)}`);
        expect(disagreeing).toEqual([]);
      }
      // mostly small steps, now and then a long pause (a laptop asleep, a stalled tick)
      now += rng() < 0.01 ? Math.floor(rng() * 900_000) : Math.floor(rng() * 4000);
    }
    const counts = { online: 0, offline: 0, fault: 0 };
    for (const value of state.values()) counts[value]++;
    expect(sut.summary()).toEqual({ total: 300, ...counts });
    expect(counts.offline).toBeGreaterThan(0);
  });

  it('never reports a camera fed every minute over many sweeps, and reports all nine once they stop', async () => {
    const { sut, advance, now } = await setup();
    // Nine cameras fed every minute stay online across many sweeps, and are never reported.
    const ids = ['CAM-S0001-01', 'CAM-S0001-02', 'CAM-S0001-03', 'CAM-S0002-01', 'CAM-S0002-02', 'CAM-S0002-03', 'CAM-S0003-01', 'CAM-S0003-02', 'CAM-S0003-03'];
    for (let minute = 0; minute < 30; minute++) {
      for (const id of ids) sut.heartbeat(id, now());
      for (let tick = 0; tick < 12; tick++) {
        advance(5000);
        expect(sut.sweep()).toEqual([]);
      }
    }
    advance(180_001 - 60_000);
    expect(sut.sweep().map((c) => c.deviceId).sort()).toEqual(ids);
  });
});
