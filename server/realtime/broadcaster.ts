import type { Server, Socket } from 'socket.io';
import { can, inScope, type SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.js';
import type { CameraSummary } from '../../shared/wall.js';
import type { DrillDetail } from '../../shared/drill.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { CameraHealthService } from '../services/camera-health.service.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { FaultService } from '../services/fault.service.js';
import type { GuardPostService } from '../services/guard-post.service.js';
import type { RegistryService } from '../services/registry.service.js';
import type { SchoolCameraService } from '../services/school-camera.service.js';
import type { SchoolStatusService } from '../services/school-status.service.js';
import type { Logger } from '../logger.js';
import type { ShelfService } from '../services/shelf.service.js';
import type { ShelfChange } from '../../shared/console.js';
import { scopeOf, SnapshotStore, type SnapshotScope } from './snapshots.js';
import { LoopTurns, WorkQueue } from './catch-up-scheduling.js';

/** Messages between server nodes (through the Redis adapter when REDIS_URL is set). */
export interface InterNodeEvents {
  /** Alarm changes a node committed, for the other nodes to deliver to their own screens. */
  'alarm:changes': (changes: AlarmChange[]) => void;
}

/** The typed Socket.IO server of the app. */
export type XiaoanServer = Server<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;
/** One typed connection. */
export type XiaoanSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;

/**
 * Rooms by scope. Alarms: `alarms:city` (city-level screens: everything), `alarms:<districtCode>`
 * (a county's screens), `alarms:school:<schoolId>` (a school user's). The coalesced health pushes
 * use the same three levels under `wall:`. A screen joins exactly one room of each kind.
 */
export const ROOMS = {
  alarmsCity: 'alarms:city',
  alarmsDistrict: (districtCode: string) => `alarms:${districtCode}`,
  alarmsSchool: (schoolId: string) => `alarms:school:${schoolId}`,
  wallCity: 'wall:city',
  wallDistrict: (districtCode: string) => `wall:${districtCode}`,
  wallSchool: (schoolId: string) => `wall:school:${schoolId}`,
} as const;

const WALL_DISTRICT_PREFIX = 'wall:';
const WALL_SCHOOL_PREFIX = 'wall:school:';

/** The rooms a signed-in person's screen joins: one for alarms and one for the health pushes, by scope. */
export function roomsOf(user: SessionUser): string[] {
  if (!can(user, 'read')) return [];
  if (user.role === 'school_user') return user.schoolId ? [ROOMS.alarmsSchool(user.schoolId), ROOMS.wallSchool(user.schoolId)] : [];
  if (user.districtCode === null) return [ROOMS.alarmsCity, ROOMS.wallCity];
  return [ROOMS.alarmsDistrict(user.districtCode), ROOMS.wallDistrict(user.districtCode)];
}

/** Whether a person may see an alarm. */
export function seesAlarm(user: SessionUser, alarm: Alarm): boolean {
  return can(user, 'read') && inScope(user, { districtCode: alarm.districtCode, schoolId: alarm.schoolId });
}

/** A hole in the `seq` stream is looked for again this many times, this long apart, before it is taken for a skipped number. */
const GAP_RETRIES = 4;
const GAP_WAIT_MS = 25;

/** Change-log chunks kept for other screens catching up from about the same place (64 × 100 changes ≈ 3.5 MB). */
const CHUNKS_KEPT = 64;
/**
 * …for a few seconds only: with several nodes a change can commit late below what was delivered
 * (its gap given up for a skipped number); a chunk read again later finds it, as the log has it.
 */
const CHUNK_FRESH_MS = 5_000;

/** How often coalesced health changes are pushed: at most 4 a second. */
const STATUS_PUSH_MS = 250;

interface BroadcasterDeps {
  io: XiaoanServer;
  events: DomainEvents;
  alarms: AlarmService;
  cameras: CameraHealthService;
  status: SchoolStatusService;
  faults: FaultService;
  posts: GuardPostService;
  schoolCameras: SchoolCameraService;
  registry: RegistryService;
  shelves: ShelfService;
  replayLimit: number;
  /** Changes replayed per step of a catch-up (XIAOAN_CATCHUP_CHUNK). */
  catchUpChunk: number;
  /** Catch-ups served at once (XIAOAN_CATCHUPS_AT_ONCE). */
  catchUpsAtOnce: number;
  log: Logger;
}

/** Where a pushed item belongs: its district and the schools it concerns. */
interface Place {
  districtCode: string | undefined;
  schoolIds: readonly string[];
}

/**
 * The one place that maps domain events to wire events and rooms. Alarms go out at once, one
 * by one, in `seq` order, to the rooms of their district and school and the city room; school
 * status, camera counts, fault tickets and 护学岗 states go out coalesced, split the same way.
 *
 * Alarm delivery and screens' catch-up run in one queue of this node (`pipeline`), so a screen
 * joining its room can neither miss a change nor see one before the changes it replays. With
 * several nodes (REDIS_URL), each node relays the changes it committed to the others, and each
 * delivers them to its own screens through the same queue; a change arriving with a gap behind
 * it first has the gap filled from the database, so screens still get every change in order.
 */
export class Broadcaster {
  private timers: NodeJS.Timeout[] = [];
  private readonly lastSummary = new Map<string, string>();
  private pipeline: Promise<unknown> = Promise.resolve();
  /** The highest `seq` this node delivered live (null until known). */
  private delivered: number | null = null;
  private acrossNodes = false;
  private readonly onLocalAlarms = (changes: AlarmChange[]) => {
    if (this.acrossNodes) this.deps.io.serverSideEmit('alarm:changes', changes);
    this.enqueue(() => this.deliver(changes));
  };
  private readonly onRemoteAlarms = (changes: AlarmChange[]) => {
    this.enqueue(() => this.deliver(changes));
  };
  /** A drill's change goes to every screen that sees its school (through the adapter: all nodes). */
  private readonly onDrill = (detail: DrillDetail) => {
    const { districtCode, schoolId } = detail.drill;
    this.deps.io.to([ROOMS.alarmsCity, ROOMS.alarmsDistrict(districtCode), ROOMS.alarmsSchool(schoolId)]).emit('drill', detail);
  };

  /** A shelf's change, like a drill's, goes to every screen that sees the device's school (all nodes). */
  private readonly onShelf = (change: ShelfChange) => {
    const { districtCode, schoolId } = change.shelf;
    this.deps.io.to([ROOMS.alarmsCity, ROOMS.alarmsDistrict(districtCode), ROOMS.alarmsSchool(schoolId)]).emit('shelf', change);
  };

  /** Open alarms as of `delivered`, and the compact snapshots built from them. */
  readonly snapshots: SnapshotStore;
  private readonly catchUps: WorkQueue;
  private readonly turns = new LoopTurns();
  /** Chunks of the change log read lately, by range (oldest first). */
  private readonly chunks = new Map<string, { at: number; read: Promise<AlarmChange[]> }>();
  /** Settles once the first queue step (the starting seq and open alarms) has run. */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly deps: BroadcasterDeps) {
    this.catchUps = new WorkQueue(deps.catchUpsAtOnce);
    this.snapshots = new SnapshotStore({
      closed: (scope, limit) => this.closedAlarms(scope, limit),
      statuses: () => deps.status.nonNormal(),
      districtOf: (schoolId) => deps.registry.school(schoolId)?.districtCode,
    });
  }

  start(): void {
    this.ready = this.enqueue(async () => {
      this.delivered ??= await this.deps.alarms.lastSeq();
      this.snapshots.reset(await this.deps.alarms.list({ state: 'open', limit: 1_000_000 }), this.delivered);
    }).catch(() => undefined); // logged by the queue; catch-ups then start from the store as it is
    this.deps.events.on('alarm.changed', this.onLocalAlarms);
    this.deps.io.on('alarm:changes', this.onRemoteAlarms);
    this.deps.events.on('drill.changed', this.onDrill);
    this.deps.events.on('shelf.changed', this.onShelf);
    this.timers.push(setInterval(() => this.pushHealth(), STATUS_PUSH_MS));
  }

  stop(): void {
    this.deps.events.off('alarm.changed', this.onLocalAlarms);
    this.deps.io.off('alarm:changes', this.onRemoteAlarms);
    this.deps.events.off('drill.changed', this.onDrill);
    this.deps.events.off('shelf.changed', this.onShelf);
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  /** Called once the Socket.IO adapter spans several nodes: from now on alarm changes are relayed to the others. */
  relayAcrossNodes(): void {
    this.acrossNodes = true;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const result = this.pipeline.then(work);
    this.pipeline = result.catch((error: unknown) => this.deps.log.error({ err: error }, 'alarm delivery step failed'));
    return result;
  }

  /** Sends changes to the rooms that may see them, in `seq` order, each once; fills a gap from the change log first. */
  private async deliver(changes: AlarmChange[]): Promise<void> {
    for (const change of changes) {
      if (this.delivered !== null && change.seq <= this.delivered) continue;
      await this.fillGap(change.seq);
      this.emitAlarm(change);
    }
  }

  /**
   * Changes below `before` not delivered yet: a change from another node may still be on its way
   * (or still committing there), or the sequence skipped a number (a rolled-back write). The
   * change log says which exist; they go out in order, and a hole is waited for briefly before
   * it is taken for a skipped number — a screen ignores a change older than one it has seen.
   */
  private async fillGap(before: number): Promise<void> {
    for (let attempt = 0; this.delivered !== null && this.delivered + 1 < before; attempt++) {
      const giveUp = attempt >= GAP_RETRIES;
      const missing = await this.deps.alarms.changesAfter(this.delivered, before - this.delivered - 1);
      for (const earlier of missing) {
        if (earlier.seq >= before || (!giveUp && earlier.seq !== this.delivered + 1)) break;
        this.emitAlarm(earlier);
      }
      if (giveUp) return;
      if (this.delivered + 1 < before) await new Promise((resolve) => setTimeout(resolve, GAP_WAIT_MS));
    }
  }

  private emitAlarm(change: AlarmChange): void {
    const { alarm } = change;
    this.deps.io.local
      .to([ROOMS.alarmsCity, ROOMS.alarmsDistrict(alarm.districtCode), ROOMS.alarmsSchool(alarm.schoolId)])
      .emit('alarm', change);
    this.delivered = Math.max(this.delivered ?? 0, change.seq);
    this.snapshots.apply(change);
  }

  /** The latest closed alarms of a snapshot's scope, from the store. */
  private closedAlarms(scope: SnapshotScope, limit: number): Promise<Alarm[]> {
    switch (scope.kind) {
      case 'none':
        return Promise.resolve([]);
      case 'city':
        return this.deps.alarms.list({ state: 'closed', limit });
      case 'district':
        return this.deps.alarms.list({ state: 'closed', limit, districtCode: scope.districtCode });
      case 'school':
        return this.deps.alarms.list({ state: 'closed', limit, schoolIds: [scope.schoolId] });
    }
  }

  /** Sends the coalesced status, fault-ticket and post changes, and the camera summaries that moved, each room its share. */
  pushHealth(): void {
    // Not volatile: a volatile packet is dropped whenever the transport is still writing the
    // previous one (so a second emit in the same flush would be lost), and a lost status change
    // leaves a school the wrong colour. Coalescing already bounds the rate to 4 flushes a second.
    const { io, registry } = this.deps;
    const schoolPlace = (schoolId: string): Place => ({ districtCode: registry.school(schoolId)?.districtCode, schoolIds: [schoolId] });
    const statusChanges = this.deps.status.flush();
    if (statusChanges.length > 0) this.snapshots.statusesChanged();
    this.fanOut(statusChanges, (c) => schoolPlace(c.schoolId), (room, changes) => io.local.to(room).emit('school:status', { changes }));
    this.fanOut(this.deps.schoolCameras.flush(), ([schoolId]) => schoolPlace(schoolId), (room, changes) => io.local.to(room).emit('school:cameras', { changes }));
    this.fanOut(
      this.deps.faults.flush(),
      (f) => ({ districtCode: f.districtCode || registry.school(f.schoolId)?.districtCode, schoolIds: [f.schoolId] }),
      (room, changes) => io.local.to(room).emit('camera:faults', { changes }),
    );
    const posts = this.deps.posts.flush();
    if (posts.length > 0) {
      const postPlaces = new Map(registry.guardPosts().map((p) => [p.id, { districtCode: p.districtCode, schoolIds: p.schoolIds }]));
      this.fanOut(posts, (p) => postPlaces.get(p.postId) ?? { districtCode: undefined, schoolIds: [] }, (room, changes) => io.local.to(room).emit('post:status', { changes }));
    }
    this.pushSummaries();
  }

  private hasRoom(room: string): boolean {
    return this.deps.io.of('/').adapter.rooms.has(room);
  }

  /** City room: every item; a district room: its district's; a school room: its school's. Only rooms with screens on this node are sent to. */
  private fanOut<T>(items: T[], placeOf: (item: T) => Place, send: (room: string, items: T[]) => void): void {
    if (items.length === 0) return;
    if (this.hasRoom(ROOMS.wallCity)) send(ROOMS.wallCity, items);
    const byRoom = new Map<string, T[]>();
    const add = (room: string, item: T) => {
      if (!this.hasRoom(room)) return;
      const list = byRoom.get(room);
      if (list) list.push(item);
      else byRoom.set(room, [item]);
    };
    for (const item of items) {
      const place = placeOf(item);
      if (place.districtCode) add(ROOMS.wallDistrict(place.districtCode), item);
      for (const schoolId of place.schoolIds) add(ROOMS.wallSchool(schoolId), item);
    }
    for (const [room, list] of byRoom) send(room, list);
  }

  /** The city's camera summary to city screens, each district's to its county screens, each school's to its school's; only when it moved. */
  private pushSummaries(): void {
    const { io, cameras, schoolCameras } = this.deps;
    const rooms = io.of('/').adapter.rooms;
    for (const room of this.lastSummary.keys()) if (!rooms.has(room)) this.lastSummary.delete(room);
    const send = (room: string, summary: CameraSummary) => {
      const key = JSON.stringify(summary);
      if (this.lastSummary.get(room) === key) return;
      this.lastSummary.set(room, key);
      io.local.to(room).emit('camera:summary', summary);
    };
    for (const room of rooms.keys()) {
      if (room === ROOMS.wallCity) send(room, cameras.summary());
      else if (room.startsWith(WALL_SCHOOL_PREFIX)) send(room, schoolCameras.summaryOfSchool(room.slice(WALL_SCHOOL_PREFIX.length)));
      else if (room.startsWith(WALL_DISTRICT_PREFIX)) send(room, schoolCameras.summaryOfDistrict(room.slice(WALL_DISTRICT_PREFIX.length)));
    }
  }

  /**
   * Brings a connecting screen up to date, then makes it live. Catch-ups wait in a queue of their
   * own (`catchUpsAtOnce` served at a time), never in the alarm delivery queue: a live alarm is
   * never sent behind one. A screen that is new, too far behind or ahead of the store gets the
   * compact snapshot of its scope (built once per `seq`, shared: see SnapshotStore) and replays
   * from the snapshot's `seq`; any other replays from its `lastSeq`. The replay reads the change
   * log `catchUpChunk` changes at a time and yields the event loop between chunks; only its last
   * short stretch runs in the delivery queue, where the screen also joins its rooms — so it gets
   * every change it may see after its `lastSeq` exactly once and in order, replayed or live.
   * `seq` stays global, so a county screen sees gaps in it.
   */
  catchUp(socket: XiaoanSocket, lastSeq: number | null): Promise<void> {
    return this.catchUps.run(() => this.bringUpToDate(socket, lastSeq));
  }

  private async bringUpToDate(socket: XiaoanSocket, lastSeq: number | null): Promise<void> {
    const { alarms, replayLimit } = this.deps;
    await this.ready;
    if (socket.disconnected) return;
    const user = socket.data.user;
    const latest = await alarms.lastSeq();
    const delivered = this.delivered ?? latest;
    let cursor: number;
    if (lastSeq !== null && lastSeq <= latest && delivered - lastSeq <= replayLimit) {
      cursor = lastSeq;
    } else {
      const snapshot = await this.snapshots.snapshot(scopeOf(user));
      if (socket.disconnected) return;
      socket.emit('alarm:snapshot', { seq: snapshot.seq, data: snapshot.data });
      cursor = snapshot.seq;
    }
    // Replay in chunks, yielding between them, until what is left fits in one chunk.
    for (;;) {
      await this.turns.next();
      if (socket.disconnected) return;
      const target = this.delivered ?? cursor;
      if (target - cursor <= this.deps.catchUpChunk) break;
      cursor = await this.replay(socket, cursor, target);
    }
    // The last stretch and the join, in the delivery queue: no live change can slip in between.
    await this.enqueue(async () => {
      if (socket.disconnected) return;
      const upTo = this.delivered ?? cursor;
      while (cursor < upTo) cursor = await this.replay(socket, cursor, upTo);
      await socket.join(roomsOf(user));
      socket.emit('alarm:live', { seq: Math.max(upTo, cursor), serverTime: new Date().toISOString() });
      // In the same queue step: a shelf change announced after this reaches the screen after it.
      socket.emit('shelf:snapshot', { shelves: await this.deps.shelves.list(user) });
    });
  }

  /**
   * Sends one chunk of the change log after `cursor`, up to `upTo`, that the screen may see, and
   * returns the new cursor. Chunks end on multiples of the chunk size, so screens catching up from
   * about the same place read the same chunks: each is read and parsed once (kept for a while).
   */
  private async replay(socket: XiaoanSocket, cursor: number, upTo: number): Promise<number> {
    const chunk = this.deps.catchUpChunk;
    const end = Math.min(upTo, (Math.floor(cursor / chunk) + 1) * chunk);
    const user = socket.data.user;
    for (const change of await this.changesBetween(cursor, end)) if (seesAlarm(user, change.alarm)) socket.emit('alarm', change);
    return end;
  }

  /** The changes with `after < seq ≤ end` (all delivered already, so the range no longer changes). */
  private changesBetween(after: number, end: number): Promise<AlarmChange[]> {
    const key = `${after}:${end}`;
    const cached = this.chunks.get(key);
    if (cached && performance.now() - cached.at < CHUNK_FRESH_MS) return cached.read;
    this.chunks.delete(key);
    const read = this.deps.alarms.changesAfter(after, end - after).then((changes) => changes.filter((change) => change.seq <= end));
    this.chunks.set(key, { at: performance.now(), read });
    read.catch(() => this.chunks.delete(key));
    while (this.chunks.size > CHUNKS_KEPT) this.chunks.delete(this.chunks.keys().next().value!);
    return read;
  }
}
