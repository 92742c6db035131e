import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { z } from 'zod';
import type { CameraState } from '../../shared/domain/index.js';
import type { CameraFault } from '../../shared/wall.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { Logger } from '../logger.js';
import type { CameraStateBackend, CameraStateFactory, CameraStateParts } from './backend.js';
import { atOrAfter, newestId, readEntry, xreadEntries } from './changes.js';
import { connectAll } from './redis-connect.js';
import { FAULT_SCRIPT, FOLD_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT, SEED_SCRIPT, STREAM_MAXLEN, SWEEP_SCRIPT } from './scripts.js';

/** RESP2: the scripts' and the stream's raw replies are plain arrays, read with zod below. */
function makeClient(url: string) {
  return createClient({ url, RESP: 2, socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3_000) } });
}
type RedisClient = ReturnType<typeof makeClient>;

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

/** `promise`, or a rejection after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const stateSchema = z.object({ state: z.enum(['offline', 'fault']), reason: z.string() });
/** HGETALL's raw RESP2 reply: field, value, field, value… */
const hashSchema = z.array(z.string());

/** The keys under the cluster key (docs/device-state.md, "Keys"). */
export function stateKeys(cluster: string): { deadlines: string; states: string; lease: string; stream: string; seeded: string } {
  return {
    deadlines: `${cluster}:cam:deadlines`,
    states: `${cluster}:cam:states`,
    lease: `${cluster}:cam:sweep-lease`,
    stream: `${cluster}:device-changes`,
    seeded: `${cluster}:cam:seeded`,
  };
}

/** Runs a script by its SHA, loading it on NOSCRIPT (a restarted or flushed Redis). */
class Scripts {
  private readonly shas = new Map<string, string>();
  constructor(private readonly client: RedisClient) {}

  async run(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (sha === undefined) {
      sha = z.string().parse(await this.client.sendCommand(['SCRIPT', 'LOAD', script]));
      this.shas.set(script, sha);
    }
    try {
      return await this.client.sendCommand(['EVALSHA', sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      this.shas.delete(script);
      return this.run(script, keys, args);
    }
  }
}

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
    this.lastId = newestId(await this.client.sendCommand(['XREVRANGE', this.keys.stream, '+', '-', 'COUNT', '1'])) ?? '0-0';
    // The cluster's first node brings the open fault tickets in; later nodes find them there.
    if (String(await this.client.sendCommand(['SET', this.keys.seeded, this.node, 'NX'])) === 'OK' && openFaults.length > 0) {
      await this.client.sendCommand(['HSET', this.keys.states, ...openFaults.flatMap((f) => [f.deviceId, JSON.stringify({ state: f.state, reason: f.state })])]);
    }
    const down: { deviceId: string; state: CameraState }[] = [];
    const flat = hashSchema.parse(await this.client.sendCommand(['HGETALL', this.keys.states]));
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const parsed = stateSchema.safeParse(JSON.parse(flat[i + 1]!));
      if (parsed.success) down.push({ deviceId: flat[i]!, state: parsed.data.state });
    }
    const downIds = new Set(down.map((d) => d.deviceId));
    const up = cameraIds.filter((id) => !downIds.has(id));
    const deadline = now + this.parts.limitMs;
    for (let from = 0; from < up.length; from += 10 * CHUNK) {
      await this.scripts.run(SEED_SCRIPT, [this.keys.deadlines, this.keys.states], [String(deadline), ...up.slice(from, from + 10 * CHUNK)]);
    }
    return down;
  }

  listen(): void {
    this.reading ??= this.readLoop();
  }

  fold(ids: readonly string[], deadlines: readonly number[]): void {
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
    if (ids.length > 0) this.track(this.scripts.run(SEED_SCRIPT, [this.keys.deadlines, this.keys.states], [String(deadline), ...ids]), 'new camera not written to Redis');
  }

  tickets(tickets: CameraFault[]): void {
    if (tickets.length > 0) this.announce('tickets', tickets);
  }

  activity(events: ActivityEvent[]): void {
    if (events.length > 0) this.announce('activity', events);
  }

  holdsLease(): boolean {
    return this.heldSince !== null;
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
    const newest = newestId(await this.client.sendCommand(['XREVRANGE', this.keys.stream, '+', '-', 'COUNT', '1']));
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

  private announce(kind: 'tickets' | 'activity', data: unknown): void {
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

  /** Applies every node's changes, in stream order, to this node's mirror and bus. */
  private async readLoop(): Promise<void> {
    while (!this.closed) {
      let entries: { id: string; fields: Record<string, string> }[];
      try {
        entries = xreadEntries(await this.reader.sendCommand(['XREAD', 'COUNT', String(CHUNK), 'BLOCK', String(BLOCK_MS), 'STREAMS', this.keys.stream, this.lastId]));
      } catch (error) {
        if (this.closed) return;
        this.log.warn({ err: error }, 'device changes not read from Redis; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const { id, fields } of entries) {
        this.lastId = id;
        try {
          const change = readEntry(fields, this.node, this.parts.limitMs);
          if (change.kind === 'cameras') this.parts.mirror.applyShared(change.changes);
          else if (change.kind === 'tickets') this.parts.events.emit('fault.tickets', change.tickets);
          else this.parts.events.emit('activity.stored', change.events);
        } catch (error) {
          this.log.error({ err: error, id }, 'device change not applied');
        }
      }
    }
  }
}

/** Connects the two connections (commands, and the blocking stream reader); the factory makes the backend for buildServices. */
export async function connectRedisCameraState(options: { url: string; cluster: string; log: Logger }): Promise<CameraStateFactory> {
  const client = makeClient(options.url);
  const reader = client.duplicate();
  for (const c of [client, reader]) c.on('error', (error: unknown) => options.log.warn({ err: error }, 'Redis (device state) connection trouble; retrying'));
  await connectAll([client, reader], options.url);
  return (parts) => new RedisCameraState(client, reader, options.cluster, parts, options.log);
}
