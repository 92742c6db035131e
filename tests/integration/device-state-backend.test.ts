import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CameraState, Device } from '../../shared/domain/index.js';
import type { CameraFault } from '../../shared/wall.js';
import type { ActivityEvent } from '../../server/db/activity.repository.js';
import type { SharedCameraChange } from '../../server/cluster/backend.js';
import { COMMAND_QUEUE_MAX, RedisCameraState, makeRedisClient, stateKeys } from '../../server/cluster/redis-camera-state.js';
import { DomainEvents } from '../../server/services/domain-events.js';
import { createLogger } from '../../server/logger.js';
import { REDIS_TEST_URL, redisAvailable, redisRelay } from '../helpers/redis.js';
import { waitFor } from '../helpers/server.js';

const runs = await redisAvailable();
const LIMIT = 180_000;
const IDS = ['C1', 'C2', 'C3', 'C4', 'C5'];

/** What CameraHealthService is to the backend, kept in a map: the states, and every move it made. */
function recordingMirror() {
  const states = new Map<string, CameraState>(IDS.map((id) => [id, 'online']));
  const moves: SharedCameraChange[] = [];
  return {
    states,
    moves,
    applyShared(changes: SharedCameraChange[]): void {
      for (const change of changes) {
        if (states.get(change.deviceId) === change.to) continue;
        states.set(change.deviceId, change.to);
        moves.push(change);
      }
    },
    unhealthy: () => [...states].filter(([, state]) => state !== 'online').map(([deviceId, state]) => ({ deviceId, state })),
    retention: new Map<string, number>(),
    applyRetention(reports: readonly (readonly [string, number])[]): void {
      for (const [deviceId, days] of reports) this.retention.set(deviceId, days);
    },
  };
}

/**
 * RedisCameraState against a real Redis, below the services: a node whose unread changes were
 * trimmed out of the device-changes stream rebuilds its mirror from the shared states; while Redis
 * is away keepalive folds fail fast (counted, logged once) and the command queue stays bounded.
 */
describe.runIf(runs)(`${RedisCameraState.name}: resync and outages`, () => {
  const admin = createClient({ url: REDIS_TEST_URL, RESP: 2 });
  const now = 1_800_000_000_000;
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const opened: RedisCameraState[] = [];
  let cluster = '';

  /** A node's backend on its own two connections to `url`. */
  async function node(url = REDIS_TEST_URL, recentActivity?: () => Promise<ActivityEvent[]>, stored: { recentTickets?: () => Promise<CameraFault[]>; storedDevices?: () => Promise<Device[]> } = {}) {
    const mirror = recordingMirror();
    const events = new DomainEvents();
    const activity: ActivityEvent[] = [];
    const tickets: CameraFault[] = [];
    const devices: Device[] = [];
    events.on('activity.stored', (list) => activity.push(...list));
    events.on('fault.tickets', (list) => tickets.push(...list));
    events.on('devices.added', (list) => devices.push(...list));
    const client = makeRedisClient(url);
    const reader = client.duplicate();
    for (const c of [client, reader]) c.on('error', () => undefined);
    await Promise.all([client.connect(), reader.connect()]);
    const backend = new RedisCameraState(client, reader, cluster, { events, mirror, now: () => now, limitMs: LIMIT, graceMs: 60_000, ...(recentActivity ? { recentActivity } : {}), ...stored }, log);
    opened.push(backend);
    for (const { deviceId, state } of await backend.start(IDS, [], now)) mirror.states.set(deviceId, state);
    return { backend, mirror, activity, tickets, devices, client };
  }

  beforeAll(async () => {
    await admin.connect();
  });
  afterEach(async () => {
    for (const backend of opened.splice(0)) await backend.close();
    await admin.sendCommand(['UNLINK', ...Object.values(stateKeys(cluster))]);
    lines.length = 0;
  });
  afterAll(async () => {
    await admin.close();
  });

  it('rebuilds a node\'s cameras from Redis and replays the stored activity, tickets and devices when its unread changes were trimmed out of the stream, and still applies what is left', async () => {
    const checkIn: ActivityEvent = { type: 'post.checkin', deviceId: 'PT-1', at: now + 3 };
    const scan: ActivityEvent = { type: 'patrol.scan', deviceId: 'PAT-1', at: now + 5 };
    const ticket = (id: number, deviceId: string): CameraFault => ({ id, deviceId, schoolId: 'S1', districtCode: '410402', reason: 'video_loss', openedAt: new Date(now).toISOString(), deadlineAt: new Date(now + 86_400_000).toISOString(), closedAt: null, outageSeconds: null });
    const channel: Device = { id: '41040200001320000099', kind: 'camera', schoolId: 'S1', postId: null, place: 'gate', name: '校门口（通道99）' };
    cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
    // The database every node writes its 护学岗 and patrol activity to before announcing it.
    const stored: ActivityEvent[] = [];
    const store = (events: ActivityEvent[]) => {
      stored.push(...events);
      writer.backend.activity(events);
    };
    // And the tickets and devices (a GB/T 28181 channel assigned on the writer), stored before they are announced.
    const storedTickets: CameraFault[] = [];
    const storedDevices: Device[] = [];
    const writer = await node();
    writer.backend.listen();
    writer.backend.fault('C5', 'video_loss', now);
    await writer.backend.settled();
    // Started after C5's fault: it is down in this node's mirror from the states hash.
    const late = await node(REDIS_TEST_URL, async () => [...stored], { recentTickets: async () => [...storedTickets], storedDevices: async () => [...storedDevices] });
    const steady = await node();
    expect(late.mirror.states.get('C5')).toBe('fault');
    steady.backend.listen();

    writer.backend.fault('C1', 'video_loss', now + 1);
    writer.backend.fault('C2', 'tamper', now + 2);
    writer.backend.fold(['C5'], [now + 3 + LIMIT]);
    writer.backend.retention([['C2', 14]]);
    store([checkIn]);
    storedTickets.push(ticket(1, 'C1'));
    writer.backend.tickets([ticket(1, 'C1')]);
    storedDevices.push(channel);
    writer.backend.devices([channel]);
    await writer.backend.settled();
    await steady.backend.settled();
    // The late node has read none of it (a node stalled or away) when the stream is trimmed past it.
    expect(await admin.sendCommand(['XTRIM', stateKeys(cluster).stream, 'MAXLEN', '0'])).toBe(8);
    writer.backend.fault('C3', 'video_loss', now + 4);
    store([scan]);
    storedTickets.push(ticket(2, 'C3'));
    writer.backend.tickets([ticket(2, 'C3')]);
    writer.backend.retention([['C4', 45]]);
    await writer.backend.settled();

    late.backend.listen();
    await late.backend.settled();
    const expected = new Map<string, CameraState>([['C1', 'fault'], ['C2', 'fault'], ['C3', 'fault'], ['C4', 'online'], ['C5', 'online']]);
    expect(late.mirror.states).toEqual(expected);
    expect(steady.mirror.states).toEqual(expected);
    expect(late.backend.counters().resyncs).toBe(1);
    expect(steady.backend.counters().resyncs).toBe(0);
    // Each camera moved once (C3 by the resync, its stream entry then skipped); the scan after the trim applied once.
    expect(late.mirror.moves.map((m) => `${m.deviceId} ${m.to} ${m.origin}`).sort()).toEqual(['C1 fault stream', 'C2 fault stream', 'C3 fault stream', 'C5 online stream']);
    // The check-in announced in the trimmed part is replayed from the database at the resync (the
    // services keep each once: the scan comes by both ways).
    expect(late.activity).toEqual([checkIn, scan, scan]);
    expect(lines.filter((l) => String(l.msg).startsWith('stored 护学岗 and patrol activity replayed'))).toMatchObject([{ events: 2 }]);
    // Retention: the trimmed report from the hash at the resync, the later one from the stream.
    expect(late.mirror.retention).toEqual(new Map([['C2', 14], ['C4', 45]]));
    expect(steady.mirror.retention).toEqual(new Map([['C2', 14], ['C4', 45]]));
    expect(steady.activity).toEqual([checkIn, scan]);
    // The ticket and the channel announced in the trimmed part come from the database at the resync
    // (the screens keep a ticket once, by id; the registry adds a device once): ticket 2 by both ways.
    expect(late.tickets.map((t) => t.id)).toEqual([1, 2, 2]);
    expect(late.devices).toEqual([channel]);
    expect(steady.tickets.map((t) => t.id)).toEqual([1, 2]);
    expect(steady.devices).toEqual([channel]);
    expect(lines.filter((l) => String(l.msg).startsWith('stored fault tickets replayed'))).toMatchObject([{ events: 2 }]);
    expect(lines.filter((l) => String(l.msg).startsWith('device changes trimmed'))).toHaveLength(1);

    // Caught up, it does not resync again; later changes are applied as usual.
    writer.backend.fold(['C1'], [now + 6 + LIMIT]);
    await writer.backend.settled();
    await late.backend.settled();
    expect(late.mirror.states.get('C1')).toBe('online');
    expect(late.backend.counters().resyncs).toBe(1);
  });

  it('drops keepalive folds at once while Redis is away (counted, logged once), keeps the command queue bounded, and folds again once it is back', async () => {
    cluster = `xiaoan:test-${randomBytes(6).toString('hex')}`;
    const path = await redisRelay();
    const { backend, client } = await node(path.url);
    await path.down();
    await waitFor(() => !client.isReady, 'the client to notice the outage');

    for (let batch = 0; batch < 50; batch++) backend.fold(IDS, IDS.map(() => now + LIMIT + batch));
    expect(backend.counters()).toEqual({ foldsDropped: 50, keepalivesDropped: 250, resyncs: 0 });
    expect(lines.filter((l) => String(l.msg).startsWith('Redis unreachable: keepalives'))).toHaveLength(1);
    // The folds took no room in the queue: exactly COMMAND_QUEUE_MAX other commands wait for the reconnection, the next fails at once.
    const waiting = Array.from({ length: COMMAND_QUEUE_MAX }, () => client.sendCommand(['PING']).then(() => 'answered', (error: unknown) => (error instanceof Error ? error.message : String(error))));
    await expect(client.sendCommand(['PING'])).rejects.toThrow('The queue is full');

    await path.up();
    expect(await Promise.all(waiting)).toEqual(waiting.map(() => 'answered'));
    backend.fold(['C1'], [now + 2 * LIMIT]);
    await backend.settled();
    expect(await admin.sendCommand(['ZSCORE', stateKeys(cluster).deadlines, 'C1'])).toBe(String(now + 2 * LIMIT));
    expect(lines.filter((l) => String(l.msg).startsWith('Redis back'))).toEqual([expect.objectContaining({ batches: 50, keepalives: 250 })]);
    expect(backend.counters().foldsDropped).toBe(50);
  });
});
