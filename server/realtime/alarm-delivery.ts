import type { AlarmChange } from '../../shared/events.js';
import type { DrillDetail } from '../../shared/drill.js';
import type { RiskLevelChange } from '../../shared/risk.js';
import type { ShelfChange } from '../../shared/console.js';
import type { Logger } from '../logger.js';
import { alarmScopeOf, EVERY_ALARM } from '../services/alarm-scope.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { ShelfService } from '../services/shelf.service.js';
import { LoopTurns, WorkQueue } from './catch-up-scheduling.js';
import { alarmChangeRoomsOf, alarmRoomsOf, roomsOf, seesAlarm, type XiaoanServer, type XiaoanSocket } from './rooms.js';
import type { SnapshotStore } from './snapshots.js';

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

/** How far screens are brought up to date (issue 12). */
export interface CatchUpLimits {
  /** A screen further behind than this many changes gets a snapshot instead of a replay (XIAOAN_REPLAY_LIMIT). */
  replayLimit: number;
  /** Changes replayed per step of a catch-up (XIAOAN_CATCHUP_CHUNK). */
  catchUpChunk: number;
  /** Catch-ups served at once (XIAOAN_CATCHUPS_AT_ONCE). */
  catchUpsAtOnce: number;
}

interface AlarmDeliveryDeps {
  io: XiaoanServer;
  events: DomainEvents;
  alarms: Pick<AlarmService, 'lastSeq' | 'changesAfter' | 'snapshot'>;
  shelves: Pick<ShelfService, 'list'>;
  /** Open alarms as of `delivered`, and the compact snapshots built from them (kept current here). */
  snapshots: SnapshotStore;
  limits: CatchUpLimits;
  log: Logger;
}

/**
 * What reaches the alarm rooms: alarm changes at once, one by one, in `seq` order, to the rooms
 * of their district and school, the city room and the rooms of the units they concern (a
 * responder's phone); drill and shelf changes as they come (not to the units' rooms).
 *
 * Alarm delivery and the last step of screens' catch-up run in one queue of this node
 * (`pipeline`), so a screen joining its rooms can neither miss a change nor see one before the
 * changes it replays. With several nodes (REDIS_URL), each node relays the changes it committed
 * to the others, and each delivers them to its own screens through the same queue; a change
 * arriving with a gap behind it first has the gap filled from the database, so screens still get
 * every change in order.
 */
export class AlarmDelivery {
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
    this.deps.io.to(alarmRoomsOf(detail.drill)).emit('drill', detail);
  };
  /** A shelf's change, like a drill's, goes to every screen that sees the device's school (all nodes). */
  private readonly onShelf = (change: ShelfChange) => {
    this.deps.io.to(alarmRoomsOf(change.shelf)).emit('shelf', change);
  };

  /**
   * A school's risk level changed (issue 15): to the screens of this node that see the school (wall,
   * kiosk, console: the alarm rooms). Each node scores the schools itself, so not relayed.
   * The changes of one turn of the loop go out together, one `risk:levels` per room: a province's
   * recomputation after a camera outage moves tens of thousands of schools at once, and one message
   * per school would flood every screen (issue 17: a socket message each is parsing and a task each).
   * A screen joins one alarm room (rooms.ts `roomsOf`), so it gets each change once.
   */
  private readonly onRiskLevel = (change: RiskLevelChange) => {
    this.riskPending.push(change);
    this.riskFlush ??= setImmediate(() => this.flushRiskLevels());
  };
  private riskPending: RiskLevelChange[] = [];
  private riskFlush: NodeJS.Immediate | null = null;

  private flushRiskLevels(): void {
    const changes = this.riskPending;
    this.riskPending = [];
    this.riskFlush = null;
    const byRoom = new Map<string, RiskLevelChange[]>();
    for (const change of changes) {
      for (const room of alarmRoomsOf(change)) {
        const list = byRoom.get(room);
        if (list) list.push(change);
        else byRoom.set(room, [change]);
      }
    }
    for (const [room, list] of byRoom) this.deps.io.local.to(room).emit('risk:levels', { changes: list });
  }

  private readonly catchUps: WorkQueue;
  private readonly turns = new LoopTurns();
  /** Chunks of the change log read lately, by range (oldest first). */
  private readonly chunks = new Map<string, { at: number; read: Promise<AlarmChange[]> }>();
  /** Settles once the first queue step (the starting seq and open alarms) has run. */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AlarmDeliveryDeps) {
    this.catchUps = new WorkQueue(deps.limits.catchUpsAtOnce);
  }

  start(): void {
    this.ready = this.enqueue(async () => {
      // The open alarms as of the starting seq: where the snapshots begin (the alarm service's scoped list).
      const start = await this.deps.alarms.snapshot(EVERY_ALARM);
      this.delivered ??= start.seq;
      this.deps.snapshots.reset(start.alarms, this.delivered);
    }).catch(() => undefined); // logged by the queue; catch-ups then start from the store as it is
    this.deps.events.on('alarm.changed', this.onLocalAlarms);
    this.deps.io.on('alarm:changes', this.onRemoteAlarms);
    this.deps.events.on('drill.changed', this.onDrill);
    this.deps.events.on('shelf.changed', this.onShelf);
    this.deps.events.on('risk.level', this.onRiskLevel);
  }

  stop(): void {
    this.deps.events.off('alarm.changed', this.onLocalAlarms);
    this.deps.io.off('alarm:changes', this.onRemoteAlarms);
    this.deps.events.off('drill.changed', this.onDrill);
    this.deps.events.off('shelf.changed', this.onShelf);
    this.deps.events.off('risk.level', this.onRiskLevel);
    if (this.riskFlush) clearImmediate(this.riskFlush);
    this.riskFlush = null;
    this.riskPending = [];
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
    this.deps.io.local.to(alarmChangeRoomsOf(change.alarm)).emit('alarm', change);
    this.delivered = Math.max(this.delivered ?? 0, change.seq);
    this.deps.snapshots.apply(change);
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
    const { alarms, limits } = this.deps;
    await this.ready;
    if (socket.disconnected) return;
    const user = socket.data.user;
    const latest = await alarms.lastSeq();
    const delivered = this.delivered ?? latest;
    let cursor: number;
    if (lastSeq !== null && lastSeq <= latest && delivered - lastSeq <= limits.replayLimit) {
      cursor = lastSeq;
    } else {
      const snapshot = await this.deps.snapshots.snapshot(alarmScopeOf(user));
      if (socket.disconnected) return;
      socket.emit('alarm:snapshot', { seq: snapshot.seq, data: snapshot.data });
      cursor = snapshot.seq;
    }
    // Replay in chunks, yielding between them, until what is left fits in one chunk.
    for (;;) {
      await this.turns.next();
      if (socket.disconnected) return;
      const target = this.delivered ?? cursor;
      if (target - cursor <= limits.catchUpChunk) break;
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
    const chunk = this.deps.limits.catchUpChunk;
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
