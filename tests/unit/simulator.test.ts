import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, DeviceKind, DevicePlace } from '../../shared/domain/index.js';
import { ingestEventSchema, type IngestEvent } from '../../shared/ingest.js';
import { createPlannerState, DEFAULT_PLANNER_CONFIG, planStartup, planTick, type PlannerConfig, startSimulator } from '../../mocks/simulator/index.js';

/** Monday 2024-03-04 00:00 in Asia/Shanghai. */
const MIDNIGHT = Date.parse('2024-03-04T00:00:00+08:00');
const MINUTE = 60_000;
const quiet: PlannerConfig = { ...DEFAULT_PLANNER_CONFIG, seed: 42, outageRatePerHour: 0, intrusionPerHour: 0, sosPerHour: 0, patrolRoundsPerDay: 0, deviceFaultPerHour: 0 };

function device(id: string, kind: DeviceKind, place: DevicePlace, schoolId: string | null, postId: string | null = null): Device {
  return { id, kind, schoolId, postId, place, name: id };
}

/** A small registry: per school `camerasPerSchool` cameras, a button, a sensor, three patrol points; one post terminal per school. */
function registry(schools: number, camerasPerSchool = 10): Device[] {
  const devices: Device[] = [];
  for (let s = 1; s <= schools; s++) {
    const school = `S${String(s).padStart(4, '0')}`;
    for (let c = 1; c <= camerasPerSchool; c++) devices.push(device(`CAM-${school}-${String(c).padStart(2, '0')}`, 'camera', c === 1 ? 'gate' : 'corridor', school));
    devices.push(device(`SOS-${school}-1`, 'sos', 'gate_room', school));
    devices.push(device(`INT-${school}-1`, 'intrusion', 'finance_room', school));
    for (const [p, place] of (['gate', 'canteen', 'playground'] as const).entries()) devices.push(device(`PAT-${school}-${p + 1}`, 'patrol', place, school));
    devices.push(device(`PT-G${String(s).padStart(4, '0')}`, 'post', 'post', school, `G${String(s).padStart(4, '0')}`));
  }
  return devices;
}

/** Runs the planner tick by tick from `start` to `end`. */
function run(config: PlannerConfig, devices: Device[], start: number, end: number, tickMs = 1000) {
  const state = createPlannerState(devices, config, start);
  const ticks: IngestEvent[][] = [];
  for (let now = start + tickMs; now <= end; now += tickMs) ticks.push(planTick(state, now));
  return { state, ticks, events: ticks.flat() };
}

describe(planTick.name, () => {
  it('sends each camera exactly one heartbeat per interval, spread over the interval', () => {
    const devices = registry(60);
    const sut = run(quiet, devices, MIDNIGHT + 5 * MINUTE, MIDNIGHT + 6 * MINUTE);
    const heartbeats = sut.events.filter((e) => e.type === 'camera.heartbeat');
    const perCamera = new Map<string, number>();
    for (const event of heartbeats) perCamera.set(event.deviceId, (perCamera.get(event.deviceId) ?? 0) + 1);
    expect(perCamera.size).toBe(600);
    expect([...perCamera.values()].every((n) => n === 1)).toBe(true);
    // 600 cameras over 60 one-second ticks: about 10 a tick, never a burst
    expect(Math.max(...sut.ticks.map((t) => t.length))).toBeLessThan(40);
    for (const event of heartbeats) {
      expect(Date.parse(event.at)).toBeGreaterThan(MIDNIGHT + 5 * MINUTE);
      expect(Date.parse(event.at)).toBeLessThanOrEqual(MIDNIGHT + 6 * MINUTE);
    }
  });

  it('gives the same events for the same seed and ticks', () => {
    const devices = registry(20);
    const config = { ...DEFAULT_PLANNER_CONFIG, seed: 7, intrusionPerHour: 600, outageRatePerHour: 0.5 };
    const first = run(config, devices, MIDNIGHT, MIDNIGHT + 10 * MINUTE).events;
    const second = run(config, devices, MIDNIGHT, MIDNIGHT + 10 * MINUTE).events;
    expect(second).toEqual(first);
  });

  it('checks 护学岗 terminals in around each window start and out after its end', () => {
    const devices = registry(200, 1);
    const schedule = [{ start: '07:30', end: '08:30' }, { start: '17:00', end: '18:00' }];
    const config = { ...quiet, heartbeatIntervalMs: 3_600_000 };
    const state = createPlannerState(devices, config, MIDNIGHT, [{ id: 'G0001', person: '张伟', schedule }]);
    const events: IngestEvent[] = [];
    for (let now = MIDNIGHT + 10 * MINUTE; now <= MIDNIGHT + 24 * 60 * MINUTE; now += 10 * MINUTE) events.push(...planTick(state, now));
    const checkins = events.filter((e) => e.type === 'post.checkin');
    const checkouts = events.filter((e) => e.type === 'post.checkout');
    // 200 posts: G0001 with two windows, the rest with the usual three; about 1 % absent
    expect(checkins.length).toBeGreaterThan(0.97 * 599);
    expect(checkins.length).toBeLessThan(599);
    expect(checkouts.length).toBe(checkins.length);
    const windowStarts = ['07:00', '07:30', '11:30', '17:00'].map((t) => Date.parse(`2024-03-04T${t}:00+08:00`));
    // As at a real gate: within 8 minutes either side of the start, almost all a little early.
    for (const event of checkins) {
      const at = Date.parse(event.at);
      expect(windowStarts.some((start) => at >= start - 8 * MINUTE && at <= start + 8 * MINUTE), event.at).toBe(true);
    }
    const late = checkins.filter((e) => windowStarts.some((start) => Date.parse(e.at) > start && Date.parse(e.at) <= start + 8 * MINUTE));
    expect(late.length).toBeGreaterThan(checkins.length * 0.02);
    expect(late.length).toBeLessThan(checkins.length * 0.1);
    expect(checkins.filter((e) => e.deviceId === 'PT-G0001').map((e) => e.type === 'post.checkin' && e.person)).toEqual(['张伟', '张伟']);
  });

  it('plans only events the ingest contract accepts, with unique ids', () => {
    const devices = registry(50);
    const config = { ...DEFAULT_PLANNER_CONFIG, seed: 3, intrusionPerHour: 120, sosPerHour: 60, outageRatePerHour: 0.2, patrolRoundsPerDay: 24, deviceFaultPerHour: 20, deviceFaultMinMs: MINUTE, deviceFaultMaxMs: 30 * MINUTE };
    const start = Date.parse('2024-03-04T06:50:00+08:00');
    const { events } = run(config, devices, start, start + 90 * MINUTE, 5000);
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['alarm.intrusion', 'alarm.sos', 'camera.fault', 'camera.heartbeat', 'device.fault', 'patrol.scan', 'post.checkin', 'post.checkout']);
    for (const event of events) expect(ingestEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.some((e) => (e.type === 'alarm.sos' || e.type === 'alarm.intrusion') && e.drill)).toBe(true);
  });

  it('reports a few access-control anomalies (门禁异常) from access doors, without changing any other event of the seed', () => {
    const plain = registry(30);
    const doors = (['gate', 'dormitory'] as const).flatMap((place, i) =>
      Array.from({ length: 30 }, (_, s) => device(`ACC-S${String(s + 1).padStart(4, '0')}-${i + 1}`, 'access', place, `S${String(s + 1).padStart(4, '0')}`)),
    );
    const config = { ...DEFAULT_PLANNER_CONFIG, seed: 11, intrusionPerHour: 60, accessAnomalyPerHour: 120, deviceFaultPerHour: 0 };
    const withDoors = run(config, [...plain, ...doors], MIDNIGHT + 8 * 60 * MINUTE, MIDNIGHT + 9 * 60 * MINUTE, 10_000).events;
    const without = run(config, plain, MIDNIGHT + 8 * 60 * MINUTE, MIDNIGHT + 9 * 60 * MINUTE, 10_000).events;
    const access = withDoors.filter((e) => e.type === 'alarm.access');
    // Poisson with mean 120 over the hour
    expect(access.length).toBeGreaterThan(80);
    expect(access.length).toBeLessThan(160);
    const doorIds = new Set(doors.map((d) => d.id));
    for (const event of access) {
      expect(ingestEventSchema.safeParse(event).success).toBe(true);
      expect(doorIds.has(event.deviceId)).toBe(true);
    }
    expect(new Set(access.map((e) => (e.type === 'alarm.access' ? e.reason : ''))).size).toBeGreaterThanOrEqual(3);
    expect(withDoors.filter((e) => e.type !== 'alarm.access')).toEqual(without);
  });

  it('附件3 二(三) "安全技术防范系统出现故障时，应在24小时内恢复功能": reports faults of buttons, sensors and doors, each restored later, without changing any other event of the seed', () => {
    const devices = registry(40);
    const config = { ...DEFAULT_PLANNER_CONFIG, seed: 5, intrusionPerHour: 30, deviceFaultPerHour: 6, deviceFaultMinMs: 10 * MINUTE, deviceFaultMaxMs: 2 * 60 * MINUTE };
    const end = MIDNIGHT + 12 * 60 * MINUTE;
    const { events } = run(config, devices, MIDNIGHT, end, 10_000);
    const faults = events.filter((e) => e.type === 'device.fault');
    const opened = faults.filter((e) => e.type === 'device.fault' && !e.restored);
    const restored = faults.filter((e) => e.type === 'device.fault' && e.restored);
    // Poisson with mean 72 over 12 hours
    expect(opened.length).toBeGreaterThan(40);
    expect(opened.length).toBeLessThan(110);
    const kinds = new Map(devices.map((d) => [d.id, d.kind]));
    for (const event of faults) {
      expect(ingestEventSchema.safeParse(event).success, JSON.stringify(event)).toBe(true);
      expect(['sos', 'intrusion', 'access']).toContain(kinds.get(event.deviceId));
    }
    // Every restoration follows its device's fault, between the min and max later.
    for (const back of restored) {
      const fault = opened.filter((e) => e.deviceId === back.deviceId && e.at < back.at).at(-1);
      expect(fault, back.deviceId).toBeDefined();
      const ms = Date.parse(back.at) - Date.parse(fault!.at);
      expect(ms).toBeGreaterThanOrEqual(10 * MINUTE);
      expect(ms).toBeLessThanOrEqual(2 * 60 * MINUTE);
    }
    expect(restored.length).toBeGreaterThan(opened.length * 0.7);
    const without = run({ ...config, deviceFaultPerHour: 0 }, devices, MIDNIGHT, end, 10_000).events;
    expect(events.filter((e) => e.type !== 'device.fault')).toEqual(without);
  });

  it('silences cameras during an outage', () => {
    const devices = registry(100);
    const config = { ...quiet, outageRatePerHour: 0.5, videoLossShare: 0 };
    const { events, state } = run(config, devices, MIDNIGHT, MIDNIGHT + 10 * MINUTE);
    const heartbeats = events.filter((e) => e.type === 'camera.heartbeat').length;
    expect(state.silentUntil.size).toBeGreaterThan(0);
    expect(heartbeats).toBeLessThan(1000 * 10);
  });
});

describe(planStartup.name, () => {
  it('raises the initial alarms and re-sends check-ins of windows in progress', () => {
    const devices = registry(30, 2);
    const now = Date.parse('2024-03-04T07:40:00+08:00');
    const state = createPlannerState(devices, { ...quiet, absentShare: 0, lateShare: 0 }, now);
    const sut = planStartup(state, now, 2);
    expect(sut.slice(0, 2).map((e) => e.type)).toEqual(['alarm.intrusion', 'alarm.sos']);
    expect(sut.filter((e) => e.type === 'post.checkin')).toHaveLength(30);
    expect(planTick(state, now + 1000).filter((e) => e.type === 'post.checkin')).toHaveLength(0);
  });

  it('re-sends the check-ins and check-outs of windows already over, with their own times', () => {
    const devices = registry(30, 2);
    const now = Date.parse('2024-03-04T16:30:00+08:00');
    const state = createPlannerState(devices, { ...quiet, absentShare: 0, lateShare: 0 }, now);
    const sut = planStartup(state, now, 0);
    // Two windows over (07:00–08:00, 11:30–12:30), the afternoon one not begun: 30 posts each.
    expect(sut.filter((e) => e.type === 'post.checkin')).toHaveLength(60);
    expect(sut.filter((e) => e.type === 'post.checkout')).toHaveLength(60);
    expect(sut.every((e) => Date.parse(e.at) <= now)).toBe(true);
  });
});

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe(startSimulator.name, () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A tiny ingest server: serves the registry, takes batches, rejects items of unknown devices. */
  async function listen(devices: Device[], status = 202): Promise<{ baseUrl: string; received: Received[] }> {
    const received: Received[] = [];
    const known = new Set(devices.map((d) => d.id));
    server = createServer((request, response) => {
      void readBody(request).then((text) => {
        const body = text ? (JSON.parse(text) as unknown) : null;
        received.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
        response.setHeader('content-type', 'application/json');
        if (request.method === 'GET' && request.url === '/api/v1/devices') {
          response.end(JSON.stringify({ devices }));
          return;
        }
        const events = body as IngestEvent[];
        const rejected = events.flatMap((e, index) => (known.has(e.deviceId) ? [] : [{ index, error: 'unknown device' }]));
        response.statusCode = status;
        response.end(JSON.stringify({ accepted: events.length - rejected.length, rejected }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { baseUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
  }

  it('reads the registry and posts every due event in Bearer-authorised batches', async () => {
    const devices = registry(2, 5);
    const { baseUrl, received } = await listen(devices);
    let clock = Date.parse('2024-03-04T03:00:00+08:00');
    const sut = startSimulator({ baseUrl, token: 'secret-token', now: () => clock, tickMs: 3_600_000, batchSize: 3, initialAlarms: 2, seed: 5, outageRatePerHour: 0 });
    await sut.ready;
    clock += 60_000;
    await sut.tick();
    await sut.stop();

    expect(received.every((r) => r.authorization === 'Bearer secret-token')).toBe(true);
    expect(received[0]).toMatchObject({ method: 'GET', url: '/api/v1/devices' });
    const batches = received.slice(1).map((r) => r.body as IngestEvent[]);
    expect(received.slice(1).every((r) => r.method === 'POST' && r.url === '/api/v1/events')).toBe(true);
    expect(batches.every((b) => Array.isArray(b) && b.length >= 1 && b.length <= 3)).toBe(true);
    const events = batches.flat();
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['alarm.intrusion', 'alarm.sos']);
    expect(new Set(events.filter((e) => e.type === 'camera.heartbeat').map((e) => e.deviceId)).size).toBe(10);
    expect(sut.stats()).toMatchObject({ devices: devices.length, sent: events.length, accepted: events.length, rejected: 0, errors: 0 });
  });

  it('counts rejected items and failed requests without throwing', async () => {
    const known = registry(1, 3);
    const { baseUrl } = await listen(known.slice(1), 202);
    const logged: string[] = [];
    let clock = MIDNIGHT + 3 * 3_600_000;
    const sut = startSimulator({ baseUrl, token: 't', devices: known, now: () => clock, tickMs: 3_600_000, seed: 1, outageRatePerHour: 0, log: (m) => logged.push(m) });
    await sut.ready;
    clock += 60_000;
    await sut.tick();
    expect(sut.stats()).toMatchObject({ sent: 3, accepted: 2, rejected: 1, errors: 0 });

    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    clock += 60_000;
    await sut.tick();
    await sut.stop();
    expect(sut.stats().errors).toBeGreaterThan(0);
    expect(logged.some((m) => m.includes('rejected'))).toBe(true);
    expect(logged.some((m) => m.includes('POST /api/v1/events'))).toBe(true);
  });
});
