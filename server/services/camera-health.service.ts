import type { CameraState } from '../../shared/domain/index.js';
import type { RetentionReport } from '../../shared/rules/compliance/types.js';
import type { CameraSummary } from '../../shared/wall.js';
import type { Clock } from '../clock.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** Keepalive timing (GB/T 28181 practice): every 60 s; offline after 3 missed. */
export interface KeepaliveRules {
  intervalMs: number;
  missedBeforeOffline: number;
}

/** DESIGN.md §2 defaults. */
export const DEFAULT_KEEPALIVE_RULES: KeepaliveRules = { intervalMs: 60_000, missedBeforeOffline: 3 };

interface CameraEntry {
  schoolId: string;
  state: CameraState;
  /** Days of video the camera last said it keeps; undefined until it reports. */
  retentionDays?: number;
  /** Its place in the typed arrays below. */
  index: number;
}

/** A camera index no camera has: `indexOf` of an id that is not a camera. */
export const NO_CAMERA = -1;
const NONE = -1;

/**
 * Folds camera keepalives into live state in memory: a keepalive costs one map lookup and one
 * write into a typed array, and only a change of state (online ↔ offline / fault) is announced.
 *
 * Province scale is 515,000 cameras and 8,333 keepalives a second, so the hot data stays off the
 * JS heap's object graph: last-seen times live in a Float64Array (a keepalive allocates nothing,
 * and the young-generation collector has no old-to-new pointers to chase), and the offline sweep
 * uses deadline buckets — a timing wheel of `WHEEL_SLOTS_PER_LIMIT` slots over the offline limit,
 * linked through an Int32Array — so each sweep touches only the cameras whose deadline has come
 * (about limit ÷ tick of them, 1/36 at 180 s and 5 s), not all of them. A keepalive does not move
 * its camera between buckets: the camera is re-filed under its real deadline when its old bucket
 * comes due, so each online camera is looked at about once per offline limit.
 */
export class CameraHealthService {
  private readonly cameras = new Map<string, CameraEntry>();
  private readonly counts: Record<CameraState, number> = { online: 0, offline: 0, fault: 0 };
  private ids: string[] = [];
  private entries: CameraEntry[] = [];
  private lastSeen = new Float64Array(0);
  /** The last keepalive each camera really sent (NaN before its first since start): what a screen shows as last seen. */
  private heard = new Float64Array(0);
  private wheel = new DeadlineWheel(0, 1, 1, 0);
  /** Bumped when a camera reports a different retention (or the cameras are loaded again). */
  private retentionVersion = 0;
  private retentionCache: { version: number; bySchool: ReadonlyMap<string, RetentionReport> } | null = null;

  constructor(
    private readonly deps: { registry: RegistryService; events: DomainEvents; clock: Clock; rules?: KeepaliveRules },
  ) {}

  private get rules(): KeepaliveRules {
    return this.deps.rules ?? DEFAULT_KEEPALIVE_RULES;
  }

  /**
   * Starts every registered camera as online, last seen now — a fresh server gives each a full
   * grace period — except those with an open fault, which stay down until they report again.
   */
  init(down: { deviceId: string; state: CameraState }[] = []): void {
    const now = this.deps.clock.now();
    const known = new Map(down.map((d) => [d.deviceId, d.state]));
    this.cameras.clear();
    this.counts.online = this.counts.offline = this.counts.fault = 0;
    this.ids = [];
    this.entries = [];
    this.retentionVersion++;
    for (const device of this.deps.registry.devices({ kind: 'camera' })) {
      if (!device.schoolId) continue;
      const state = known.get(device.id) ?? 'online';
      const entry: CameraEntry = { schoolId: device.schoolId, state, index: this.ids.length };
      this.cameras.set(device.id, entry);
      this.ids.push(device.id);
      this.entries.push(entry);
      this.counts[state]++;
    }
    this.lastSeen = new Float64Array(this.ids.length).fill(now);
    this.heard = new Float64Array(this.ids.length).fill(Number.NaN);
    const limit = this.limitMs;
    this.wheel = new DeadlineWheel(this.ids.length, Math.max(1, Math.ceil(limit / WHEEL_SLOTS_PER_LIMIT)), limit, now);
    for (const entry of this.entries) if (entry.state === 'online') this.wheel.file(entry.index, now + limit);
  }

  /**
   * A camera registered while running (a catalog channel assigned to a school): online, last seen
   * now, with a full grace period, like every camera at start. The typed arrays and the wheel grow
   * by one; no other camera's state, last-seen time or deadline moves. False when it is known already.
   */
  add(deviceId: string, schoolId: string): boolean {
    if (this.cameras.has(deviceId)) return false;
    const now = this.deps.clock.now();
    const index = this.ids.length;
    const entry: CameraEntry = { schoolId, state: 'online', index };
    this.cameras.set(deviceId, entry);
    this.ids.push(deviceId);
    this.entries.push(entry);
    this.counts.online++;
    this.lastSeen = grown(this.lastSeen, index + 1, now);
    this.heard = grown(this.heard, index + 1, Number.NaN);
    this.wheel.grow(index + 1);
    this.wheel.file(index, now + this.limitMs);
    return true;
  }

  /** The camera's index for {@link heartbeatAt}, or {@link NO_CAMERA}: one lookup, made while the batch is checked. */
  indexOf(deviceId: string): number {
    return this.cameras.get(deviceId)?.index ?? NO_CAMERA;
  }

  /** A keepalive: the camera is alive at `atMs` (never later than now, whatever its clock says). */
  heartbeat(deviceId: string, atMs: number, retentionDays?: number): void {
    const index = this.indexOf(deviceId);
    if (index !== NO_CAMERA) this.heartbeatAt(index, atMs, this.deps.clock.now(), retentionDays);
  }

  /** {@link heartbeat} of the camera at `index` (from {@link indexOf}), with the time read once per batch. */
  heartbeatAt(index: number, atMs: number, now: number, retentionDays?: number): void {
    const seen = this.lastSeen[index];
    const entry = this.entries[index];
    if (seen === undefined || entry === undefined) return;
    if (retentionDays !== undefined && entry.retentionDays !== retentionDays) {
      entry.retentionDays = retentionDays;
      this.retentionVersion++;
    }
    const at = atMs < now ? atMs : now;
    if (at > seen) this.lastSeen[index] = at;
    if (!(at <= this.heard[index]!)) this.heard[index] = at;
    if (entry.state !== 'online') {
      this.announce([this.move(index, entry, 'online', now)]);
      this.wheel.file(index, this.lastSeen[index]! + this.limitMs);
    }
  }

  /** An explicit fault (video loss, tamper…): faulty until its next keepalive. */
  fault(deviceId: string, reason: string): void {
    const entry = this.cameras.get(deviceId);
    if (!entry || entry.state === 'fault') return;
    // It stays filed in the wheel: the sweep drops it there unless it is back online by then.
    this.announce([{ ...this.move(entry.index, entry, 'fault', this.deps.clock.now()), reason }]);
  }

  /** Marks offline every camera whose last keepalive is older than the allowed misses. Call it periodically. */
  sweep(): CameraStateChange[] {
    const now = this.deps.clock.now();
    const limit = this.limitMs;
    const changes: CameraStateChange[] = [];
    this.wheel.due(now, (index) => {
      const entry = this.entries[index]!;
      if (entry.state !== 'online') return NONE; // faulty or already offline: refiled when it is back
      const deadline = this.lastSeen[index]! + limit;
      if (now > deadline) {
        // The fault started at the last keepalive heard, not when the misses were noticed.
        changes.push({ ...this.move(index, entry, 'offline', now), reason: 'offline', since: this.lastSeen[index]! });
        return NONE;
      }
      return deadline;
    });
    this.announce(changes);
    return changes;
  }

  state(deviceId: string): CameraState | undefined {
    return this.cameras.get(deviceId)?.state;
  }

  /** When the camera last sent a keepalive (ms), or null when it has not since the server started. */
  lastHeardAt(deviceId: string): number | null {
    const index = this.indexOf(deviceId);
    const at = index === NO_CAMERA ? Number.NaN : this.heard[index]!;
    return Number.isNaN(at) ? null : at;
  }

  /** Days of video the camera last reported keeping, or null before it reports. */
  retentionDays(deviceId: string): number | null {
    return this.cameras.get(deviceId)?.retentionDays ?? null;
  }

  /**
   * What each school's cameras report keeping (附件3 二(三)): the shortest retention and how many
   * reported, for schools with at least one report. Recomputed only after a report changed.
   */
  retentionBySchool(): { version: number; bySchool: ReadonlyMap<string, RetentionReport> } {
    if (this.retentionCache?.version !== this.retentionVersion) {
      const bySchool = new Map<string, RetentionReport>();
      for (const entry of this.entries) {
        if (entry.retentionDays === undefined) continue;
        const seen = bySchool.get(entry.schoolId);
        if (seen) bySchool.set(entry.schoolId, { minDays: Math.min(seen.minDays, entry.retentionDays), cameras: seen.cameras + 1 });
        else bySchool.set(entry.schoolId, { minDays: entry.retentionDays, cameras: 1 });
      }
      this.retentionCache = { version: this.retentionVersion, bySchool };
    }
    return this.retentionCache;
  }

  /** Cameras not online, with their school: what the school status starts from. */
  unhealthy(): { deviceId: string; schoolId: string; state: CameraState }[] {
    const list = [];
    for (const [deviceId, entry] of this.cameras) {
      if (entry.state !== 'online') list.push({ deviceId, schoolId: entry.schoolId, state: entry.state });
    }
    return list;
  }

  summary(): CameraSummary {
    return { total: this.cameras.size, ...this.counts };
  }

  private get limitMs(): number {
    return this.rules.intervalMs * this.rules.missedBeforeOffline;
  }

  private move(index: number, entry: CameraEntry, to: CameraState, at: number): CameraStateChange {
    const from = entry.state;
    this.counts[from]--;
    this.counts[to]++;
    entry.state = to;
    return { deviceId: this.ids[index]!, schoolId: entry.schoolId, from, to, at };
  }

  private announce(changes: CameraStateChange[]): void {
    if (changes.length > 0) this.deps.events.emit('camera.changed', changes);
  }
}

/** A copy of `array` of length `size`, the new places set to `fill`. */
function grown(array: Float64Array<ArrayBuffer>, size: number, fill: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size).fill(fill);
  next.set(array.subarray(0, Math.min(array.length, size)));
  return next;
}

/** Slots of the timing wheel across one offline limit (180 s → slots of 2.8 s). */
const WHEEL_SLOTS_PER_LIMIT = 64;

/**
 * Deadline buckets over item indices 0…n−1, without allocation: bucket heads and a next-pointer
 * per item in Int32Arrays. Slot s holds items whose deadline fell in [s·slotMs, (s+1)·slotMs)
 * when they were filed (or, for deadlines already past, the earliest slot still to look at).
 * The wheel spans one limit plus two slots, so a deadline at most one limit ahead never wraps
 * onto a slot that is still to be looked at before its own.
 */
class DeadlineWheel {
  private readonly heads: Int32Array;
  private next: Int32Array;
  private filed: Uint8Array;
  /** The earliest absolute slot that may hold items. */
  private cursor: number;

  constructor(size: number, private readonly slotMs: number, limitMs: number, now: number) {
    this.heads = new Int32Array(Math.ceil(limitMs / slotMs) + 2).fill(NONE);
    this.next = new Int32Array(size).fill(NONE);
    this.filed = new Uint8Array(size);
    this.cursor = Math.floor(now / slotMs);
  }

  /** Makes room for items up to `size − 1` (new ones unfiled); the filed items stay where they are. */
  grow(size: number): void {
    if (size <= this.next.length) return;
    const next = new Int32Array(size).fill(NONE);
    next.set(this.next);
    const filed = new Uint8Array(size);
    filed.set(this.filed);
    this.next = next;
    this.filed = filed;
  }

  /** Files an item under its deadline, unless it is filed already (it is re-filed when its slot comes due). */
  file(index: number, deadline: number): void {
    if (this.filed[index] === 1) return;
    this.link(index, deadline);
  }

  /**
   * Hands every item of every slot up to now to `check`, which answers the item's next deadline
   * (it is re-filed under it) or NONE (it leaves the wheel). Each physical slot is emptied once per call.
   */
  due(now: number, check: (index: number) => number): void {
    const current = Math.floor(now / this.slotMs);
    const slots = this.heads.length;
    const from = Math.max(this.cursor, current - slots + 1);
    // Set first: an item re-filed now goes to the current slot at the earliest.
    this.cursor = current;
    for (let slot = from; slot <= current; slot++) {
      const physical = slot % slots;
      let index = this.heads[physical]!;
      this.heads[physical] = NONE;
      while (index !== NONE) {
        const following = this.next[index]!;
        this.filed[index] = 0;
        const deadline = check(index);
        if (deadline !== NONE) this.link(index, deadline);
        index = following;
      }
    }
  }

  private link(index: number, deadline: number): void {
    const slot = Math.max(Math.floor(deadline / this.slotMs), this.cursor);
    const physical = slot % this.heads.length;
    this.next[index] = this.heads[physical]!;
    this.heads[physical] = index;
    this.filed[index] = 1;
  }
}
