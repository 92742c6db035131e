import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CameraState, Device } from '../../shared/domain/index.js';
import type { CameraFault } from '../../shared/wall.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import { replayStored } from './activity-replay.js';
import type { Logger } from '../logger.js';
import type { CameraStateBackend, CameraStateFactory, CameraStateParts, SharedCameraChange } from './backend.js';
import { atOrAfter, newestId, readEntry, xreadEntries } from './changes.js';
import { connectAll } from './redis-connect.js';
import { makeRedisClient, Scripts, stateKeys, within, type RedisClient } from './redis-client.js';
import { DEADLINES_SCRIPT, FAULT_SCRIPT, FOLD_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT, SEED_SCRIPT, SEEDED_MS, STREAM_MAXLEN, SWEEP_SCRIPT } from './scripts.js';

export { COMMAND_QUEUE_MAX, makeRedisClient, stateKeys } from './redis-client.js';

/** The lease's life; renewed every 5 s tick, so another node takes over within 10 s of the holder's death. */
export const LEASE_MS = 10_000;
/** Cameras a sweep or fold call takes at most: Redis runs one script at a time, so each call stays short. */
const CHUNK = 1000;
/** How long an XREAD waits for entries before it asks again (and notices a close). */
const BLOCK_MS = 2000;
/**
 * How long the periodic tick waits for Redis: while Redis is away node-redis queues commands
 * instead of failing them, and the tick (drills, shelves, the risk list) must not wait with them.
 */
const TICK_TIMEOUT_MS = 2_000;

/** A camera not online in the states hash; `deadline` (its last keepalive + the limit) since the sweep and fault scripts keep it. */
const stateSchema = z.object({ state: z.enum(['offline', 'fault']), reason: z.string(), deadline: z.string().optional() });
/** DEADLINES_SCRIPT's reply: a deadline (ms, as Redis prints a score) or '' per camera. */
const deadlinesSchema = z.array(z.string());
/** HGETALL's raw RESP2 reply: field, value, field, value… */
const hashSchema = z.array(z.string());
/** HSCAN's raw RESP2 reply: the next cursor, and field, value, … */
const hscanSchema = z.tuple([z.string(), z.array(z.string())]);
/** XINFO STREAM's raw RESP2 reply: field, value, … (values of several types). */
const xinfoSchema = z.array(z.unknown());
const streamIdSchema = z.string().regex(/^\d+-\d+$/);

/**
 * REDIS_URL: camera deadlines in one ZSET written per keepalive batch by whichever node received
 * it, the offline sweep by the holder of a fenced lease, every change on the device-changes stream
 * that every node reads (XREAD BLOCK) and applies to its mirror and its own bus — so screens on any
 * node get the same pushes, and only the node that decided a change writes its ticket.
 */
export class RedisCameraState implements CameraStateBackend {
  readonly shared = true;
  readonly node = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly keys;
  private readonly scripts: Scripts;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The last stream id applied. */
  private lastId = '0-0';
  /**
   * How many entries the stream had ever been given up to {@link lastId} (XINFO's `entries-added`,
   * Redis 7): compared with how many it has lost to trimming. Null on an older Redis (no check).
   */
  private applied: number | null = null;
  /** While Redis is away: keepalive folds dropped (not queued), since the outage began. */
  private dropping: { batches: number; keepalives: number } | null = null;
  private readonly counts = { foldsDropped: 0, keepalivesDropped: 0, resyncs: 0 };
  /** When this node took the lease (its clock), or null when it does not hold it. */
  private heldSince: number | null = null;
  private closed = false;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly client: RedisClient,
    private readonly reader: RedisClient,
    cluster: string,
    private readonly parts: CameraStateParts,
    private readonly log: Logger,
  ) {
    this.keys = stateKeys(cluster);
    this.scripts = new Scripts(client);
  }

  async start(cameraIds: readonly string[], openFaults: readonly { deviceId: string; state: CameraState }[], now: number): Promise<{ deviceId: string; state: CameraState }[]> {
    // Noted first: whatever is announced from here on is applied, even if the states read below already shows it.
    const info = await this.streamInfo();
    this.lastId = info?.lastGenerated ?? '0-0';
    this.applied = info === null ? 0 : info.entriesAdded;
    // The cluster's first node brings the open fault tickets in; later nodes find them there.
    if (String(await this.client.sendCommand(['SET', this.keys.seeded, this.node, 'NX'])) === 'OK' && openFaults.length > 0) {
      await this.client.sendCommand(['HSET', this.keys.states, ...openFaults.flatMap((f) => [f.deviceId, JSON.stringify({ state: f.state, reason: f.state })])]);
    }
    const down = [...(await this.downStates()).values()].map(({ deviceId, state }) => ({ deviceId, state }));
    const downIds = new Set(down.map((d) => d.deviceId));
    const up = cameraIds.filter((id) => !downIds.has(id));
    const deadline = now + this.parts.limitMs;
    for (let from = 0; from < up.length; from += 10 * CHUNK) {
      await this.scripts.run(SEED_SCRIPT, [this.keys.deadlines, this.keys.states], [String(deadline - SEEDED_MS), ...up.slice(from, from + 10 * CHUNK)]);
    }
    return down;
  }

  listen(): void {
    this.reading ??= this.readLoop();
  }

  /**
   * Folds a keepalive batch into Redis, not awaited. While the connection is down the batch is
   * dropped at once, counted and logged once per outage, rather than queued for the reconnection: a
   * lost keepalive costs nothing (three must be missed), and a node that takes the lease after an
   * outage waits one keepalive interval before it sweeps, so every camera has been heard again.
   */
  fold(ids: readonly string[], deadlines: readonly number[]): void {
    if (ids.length === 0) return;
    if (!this.client.isReady) {
      this.counts.foldsDropped++;
      this.counts.keepalivesDropped += ids.length;
      if (this.dropping === null) {
        this.dropping = { batches: 0, keepalives: 0 };
        this.log.warn({ node: this.node }, 'Redis unreachable: keepalives are folded in this node only (not queued) until it is back');
      }
      this.dropping.batches++;
      this.dropping.keepalives += ids.length;
      return;
    }
    if (this.dropping !== null) {
      this.log.warn({ node: this.node, ...this.dropping }, 'Redis back: keepalive batches dropped during the outage');
      this.dropping = null;
    }
    for (let from = 0; from < ids.length; from += CHUNK) {
      const args = [this.node];
      for (let i = from; i < Math.min(ids.length, from + CHUNK); i++) args.push(String(deadlines[i]), ids[i]!);
      this.track(this.scripts.run(FOLD_SCRIPT, [this.keys.deadlines, this.keys.states, this.keys.stream], args), 'keepalives not written to Redis (the next ones repair it)');
    }
  }

  fault(deviceId: string, reason: string, at: number): void {
    this.track(this.scripts.run(FAULT_SCRIPT, [this.keys.deadlines, this.keys.states, this.keys.stream], [this.node, deviceId, reason, String(at)]), 'camera fault not written to Redis');
  }

  seed(ids: readonly string[], deadline: number): void {
    if (ids.length > 0) this.track(this.scripts.run(SEED_SCRIPT, [this.keys.deadlines, this.keys.states], [String(deadline - SEEDED_MS), ...ids]), 'new camera not written to Redis');
  }

  tickets(tickets: CameraFault[]): void {
    if (tickets.length > 0) this.announce('tickets', tickets);
  }

  activity(events: ActivityEvent[]): void {
    if (events.length > 0) this.announce('activity', events);
  }

  devices(devices: Device[]): void {
    if (devices.length > 0) this.announce('devices', devices);
  }

  /** Kept in the retention hash (what a node starting later reads), then announced to the running nodes. */
  retention(reports: readonly (readonly [string, number])[]): void {
    if (reports.length === 0) return;
    this.track(this.client.sendCommand(['HSET', this.keys.retention, ...reports.flatMap(([id, days]) => [id, String(days)])]), 'camera retention not written to Redis');
    this.announce('retention', reports);
  }

  /** The retention hash, read a chunk at a time (HSCAN: a province's half a million cameras never in one reply). */
  async sharedRetention(): Promise<[string, number][]> {
    const reports: [string, number][] = [];
    let cursor = '0';
    do {
      const [next, flat] = hscanSchema.parse(await this.client.sendCommand(['HSCAN', this.keys.retention, cursor, 'COUNT', String(10 * CHUNK)]));
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const days = Number(flat[i + 1]);
        if (Number.isInteger(days) && days >= 0) reports.push([flat[i]!, days]);
      }
      cursor = next;
    } while (cursor !== '0');
    return reports;
  }

  holdsLease(): boolean {
    return this.heldSince !== null;
  }

  /**
   * Each camera's last keepalive as the shared state knows it (whichever node heard it): its
   * deadline less the limit, or null when it has not been heard since it was seeded (a deadline
   * with the seed's mark) or is unknown.
   */
  async lastHeard(ids: readonly string[]): Promise<(number | null)[]> {
    if (ids.length === 0) return [];
    const reply = deadlinesSchema.parse(await this.scripts.run(DEADLINES_SCRIPT, [this.keys.deadlines, this.keys.states], ids));
    return reply.map((text) => {
      const deadline = text === '' ? Number.NaN : Number(text);
      return Number.isInteger(deadline) ? deadline - this.parts.limitMs : null;
    });
  }

  /** Keepalive batches and keepalives dropped while Redis was away, and resyncs after the stream was trimmed past this node. */
  counters(): { foldsDropped: number; keepalivesDropped: number; resyncs: number } {
    return { ...this.counts };
  }

  figures(): { node: string; holdsLease: boolean; foldsDropped: number; keepalivesDropped: number; resyncs: number } {
    return { node: this.node, holdsLease: this.holdsLease(), ...this.counts };
  }

  /** Renews or takes the lease; while holding it (and one keepalive interval after taking it), sweeps in chunks. */
  async tick(now: number): Promise<void> {
    if (this.closed) return;
    try {
      await within(this.leaseAndSweep(now), TICK_TIMEOUT_MS, 'camera sweep');
    } catch (error) {
      // Without Redis nobody sweeps (no false offlines); the lease is taken again, with its wait, once Redis answers.
      this.heldSince = null;
      this.log.warn({ err: error }, 'camera sweep skipped: Redis not answering');
    }
  }

  private async leaseAndSweep(now: number): Promise<void> {
    if (this.heldSince !== null && (await this.scripts.run(RENEW_SCRIPT, [this.keys.lease], [this.node, String(LEASE_MS)])) !== 1) {
      this.heldSince = null;
      this.log.warn({ node: this.node }, 'camera sweep lease lost to another node');
    }
    if (this.heldSince === null && String(await this.client.sendCommand(['SET', this.keys.lease, this.node, 'NX', 'PX', String(LEASE_MS)])) === 'OK') {
      this.heldSince = now;
      this.log.info({ node: this.node }, 'camera sweep lease taken: sweeping after one keepalive interval');
    }
    // The wait lets every node re-write what it folded while Redis or the lease was away.
    if (this.heldSince === null || now - this.heldSince < this.parts.graceMs) return;
    for (;;) {
      const swept = z.number().parse(await this.scripts.run(SWEEP_SCRIPT, [this.keys.deadlines, this.keys.states, this.keys.lease, this.keys.stream], [this.node, String(now), String(CHUNK)]));
      if (swept === -1) {
        this.heldSince = null;
        this.log.warn({ node: this.node }, 'camera sweep refused: the lease is another node\'s');
      }
      if (swept < CHUNK) break;
    }
  }

  async settled(): Promise<void> {
    await this.writesAnswered();
    const newest = await this.newest();
    const started = Date.now();
    while (newest !== null && !atOrAfter(this.lastId, newest)) {
      if (Date.now() - started > 10_000) throw new Error(`device changes not applied up to ${newest} (at ${this.lastId})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await within(this.writesAnswered(), TICK_TIMEOUT_MS, 'last writes').catch((error: unknown) => this.log.warn({ err: error }, 'device state: last writes to Redis not answered'));
    if (this.heldSince !== null) await this.scripts.run(RELEASE_SCRIPT, [this.keys.lease], [this.node]).catch(() => undefined);
    this.reader.destroy();
    await this.reading;
    await this.client.close().catch(() => undefined);
  }

  private announce(kind: 'tickets' | 'activity' | 'devices' | 'retention', data: unknown): void {
    this.track(this.client.sendCommand(['XADD', this.keys.stream, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'node', this.node, 'kind', kind, 'data', JSON.stringify(data)]), `${kind} not announced to the other nodes`);
  }

  private track(promise: Promise<unknown>, failure: string): void {
    const settled = promise.then(
      () => undefined,
      (error: unknown) => this.log.error({ err: error }, failure),
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private async writesAnswered(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** The stream's newest id, or null when it is empty. */
  private async newest(): Promise<string | null> {
    return newestId(await this.client.sendCommand(['XREVRANGE', this.keys.stream, '+', '-', 'COUNT', '1']));
  }

  /** The shared states hash: the cameras not online, with their state and reason. */
  private async downStates(): Promise<Map<string, { deviceId: string; state: 'offline' | 'fault'; reason: string }>> {
    const down = new Map<string, { deviceId: string; state: 'offline' | 'fault'; reason: string }>();
    const flat = hashSchema.parse(await this.client.sendCommand(['HGETALL', this.keys.states]));
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const parsed = stateSchema.safeParse(JSON.parse(flat[i + 1]!));
      if (parsed.success) down.set(flat[i]!, { deviceId: flat[i]!, state: parsed.data.state, reason: parsed.data.reason });
    }
    return down;
  }

  /** XINFO STREAM, read: null when there is no stream yet. */
  private async streamInfo(): Promise<{ length: number; lastGenerated: string; entriesAdded: number | null; first: string | null } | null> {
    let flat: unknown[];
    try {
      flat = xinfoSchema.parse(await this.client.sendCommand(['XINFO', 'STREAM', this.keys.stream]));
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return null;
      throw error;
    }
    const field = (name: string): unknown => (flat.includes(name) ? flat[flat.indexOf(name) + 1] : undefined);
    const added = field('entries-added');
    return {
      length: z.number().int().parse(field('length')),
      lastGenerated: streamIdSchema.parse(field('last-generated-id')),
      // Redis 7 and later.
      entriesAdded: added === undefined ? null : z.number().int().parse(added),
      first: z.tuple([z.string(), z.unknown()]).nullable().parse(field('first-entry') ?? null)?.[0] ?? null,
    };
  }

  /**
   * Rebuilds the mirror from the shared state when changes this node had not applied were trimmed
   * out of the stream (a node away or stalled while more than the stream's MAXLEN of changes were
   * announced): reads the states hash and applies the difference, origin `stream` (the tickets were
   * written by the nodes that decided).
   */
  private async rebuild(): Promise<void> {
    const down = await this.downStates();
    const now = this.parts.now();
    const changes: SharedCameraChange[] = [];
    for (const { deviceId } of this.parts.mirror.unhealthy()) {
      if (!down.has(deviceId)) changes.push({ deviceId, to: 'online', at: now, origin: 'stream' });
    }
    for (const { deviceId, state, reason } of down.values()) changes.push({ deviceId, to: state, at: now, reason, origin: 'stream' });
    // applyShared moves only the cameras whose state differs.
    this.parts.mirror.applyShared(changes);
    // Retention announced in the trimmed part is in the hash.
    this.parts.mirror.applyRetention(await this.sharedRetention());
    // Devices, tickets, 护学岗 and patrol activity announced in the trimmed part are in the database.
    await replayStored(this.parts, this.log, this.node);
    this.counts.resyncs++;
  }

  /**
   * Applies every node's changes, in stream order, to this node's mirror and bus. After each read,
   * XINFO tells how many entries the stream ever lost to trimming (`entries-added` − `length`):
   * more than this node had applied means some it had not read are gone, and the mirror is rebuilt
   * from the states hash ({@link rebuild}; the stream position is noted before the hash is read).
   */
  private async readLoop(): Promise<void> {
    while (!this.closed) {
      let entries: { id: string; fields: Record<string, string> }[];
      let resynced: string | null = null;
      let addedThrough = 0;
      try {
        entries = xreadEntries(await this.reader.sendCommand(['XREAD', 'COUNT', String(CHUNK), 'BLOCK', String(BLOCK_MS), 'STREAMS', this.keys.stream, this.lastId]));
        const info = await this.streamInfo();
        if (info !== null && info.entriesAdded !== null && this.applied !== null && info.entriesAdded - info.length > this.applied) {
          this.log.warn({ node: this.node, after: this.lastId, applied: this.applied, trimmed: info.entriesAdded - info.length }, 'device changes trimmed out of the stream before this node read them: camera states rebuilt from Redis');
          await this.rebuild();
          resynced = info.lastGenerated;
          addedThrough = info.entriesAdded;
        }
      } catch (error) {
        if (this.closed) return;
        this.log.warn({ err: error }, 'device changes not read from Redis; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const { id, fields } of entries) {
        if (atOrAfter(this.lastId, id)) continue;
        this.lastId = id;
        if (this.applied !== null) this.applied++;
        try {
          const change = readEntry(fields, this.node, this.parts.limitMs);
          if (change.kind === 'cameras') {
            // After a rebuild, the hash already holds every camera change up to the position noted.
            if (resynced === null) this.parts.mirror.applyShared(change.changes);
          } else if (change.kind === 'tickets') this.parts.events.emit('fault.tickets', change.tickets);
          else if (change.kind === 'devices') this.parts.events.emit('devices.added', change.devices);
          else if (change.kind === 'retention') this.parts.mirror.applyRetention(change.reports);
          else this.parts.events.emit('activity.stored', change.events);
        } catch (error) {
          this.log.error({ err: error, id }, 'device change not applied');
        }
      }
      // Tickets, devices and activity between this read and the position noted were trimmed or are skipped: replayed from the database by the rebuild (docs/device-state.md).
      if (resynced !== null && atOrAfter(resynced, this.lastId)) {
        this.lastId = resynced;
        this.applied = addedThrough;
      }
    }
  }
}

/** Connects the two connections (commands, and the blocking stream reader); the factory makes the backend for buildServices. */
export async function connectRedisCameraState(options: { url: string; cluster: string; log: Logger }): Promise<CameraStateFactory> {
  const client = makeRedisClient(options.url);
  const reader = client.duplicate();
  for (const c of [client, reader]) c.on('error', (error: unknown) => options.log.warn({ err: error }, 'Redis (device state) connection trouble; retrying'));
  await connectAll([client, reader], options.url);
  return (parts) => new RedisCameraState(client, reader, options.cluster, parts, options.log);
}
