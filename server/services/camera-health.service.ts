import type { CameraState } from '../../shared/domain/index.js';
import type { RetentionReport } from '../../shared/rules/compliance/types.js';
import type { CameraSummary } from '../../shared/wall.js';
import type { Clock } from '../clock.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';
import type { CameraStateBackend, SharedCameraChange } from '../cluster/backend.js';
import { DeadlineWheel, NONE, WHEEL_SLOTS_PER_LIMIT } from './deadline-wheel.js';

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
  /** With REDIS_URL: the shared state this service mirrors (docs/device-state.md); null on a single node. */
  private shared: CameraStateBackend | null = null;
  /** The running keepalive batch, for the shared fold: camera ids and their deadlines (ms). */
  private batchIds: string[] = [];
  private batchDeadlines: number[] = [];
  /** The running batch's retention changes, for the shared state: [camera id, days]. */
  private batchRetention: [string, number][] = [];

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
    this.shared?.seed([deviceId], now + this.limitMs);
    return true;
  }

  /**
   * Makes this service a mirror of the shared state (REDIS_URL): keepalives are folded into Redis
   * at {@link endBatch}, faults and the sweep are decided there, and the state moves only when a
   * change comes back from the device-changes stream ({@link applyShared}).
   */
  shareThrough(backend: CameraStateBackend): void {
    this.shared = backend.shared ? backend : null;
  }

  /** The camera's index for {@link heartbeatAt}, or {@link NO_CAMERA}: one lookup, made while the batch is checked. */
  indexOf(deviceId: string): number {
    return this.cameras.get(deviceId)?.index ?? NO_CAMERA;
  }

  /** A keepalive: the camera is alive at `atMs` (never later than now, whatever its clock says). */
  heartbeat(deviceId: string, atMs: number, retentionDays?: number): void {
    const index = this.indexOf(deviceId);
    if (index !== NO_CAMERA) this.heartbeatAt(index, atMs, this.deps.clock.now(), retentionDays);
    this.endBatch();
  }

  /** {@link heartbeat} of the camera at `index` (from {@link indexOf}), with the time read once per batch. */
  heartbeatAt(index: number, atMs: number, now: number, retentionDays?: number): void {
    const seen = this.lastSeen[index];
    const entry = this.entries[index];
    if (seen === undefined || entry === undefined) return;
    if (retentionDays !== undefined && entry.retentionDays !== retentionDays) {
      entry.retentionDays = retentionDays;
      this.retentionVersion++;
      // Shared: every node's retention report of the school must count it, whichever node heard it.
      if (this.shared) this.batchRetention.push([this.ids[index]!, retentionDays]);
    }
    const at = atMs < now ? atMs : now;
    if (at > seen) this.lastSeen[index] = at;
    if (!(at <= this.heard[index]!)) this.heard[index] = at;
    if (this.shared) {
      // Shared: "came back" is the fold script's answer, announced on the stream.
      this.batchIds.push(this.ids[index]!);
      this.batchDeadlines.push(at + this.limitMs);
      return;
    }
    if (entry.state !== 'online') {
      this.announce([this.move(index, entry, 'online', now)]);
      this.wheel.file(index, this.lastSeen[index]! + this.limitMs);
    }
  }

  /** The end of a keepalive batch: with REDIS_URL its fold goes to Redis in one call, not awaited (a lost write is repaired by the next keepalive). */
  endBatch(): void {
    if (!this.shared) return;
    if (this.batchRetention.length > 0) {
      this.shared.retention(this.batchRetention);
      this.batchRetention = [];
    }
    if (this.batchIds.length === 0) return;
    this.shared.fold(this.batchIds, this.batchDeadlines);
    this.batchIds = [];
    this.batchDeadlines = [];
  }

  /** Retention reports another node heard (the shared state's hash at start, then the device-changes stream). */
  applyRetention(reports: readonly (readonly [string, number])[]): void {
    let changed = false;
    for (const [deviceId, days] of reports) {
      const entry = this.cameras.get(deviceId);
      if (!entry || entry.retentionDays === days) continue;
      entry.retentionDays = days;
      changed = true;
    }
    if (changed) this.retentionVersion++;
  }

  /** An explicit fault (video loss, tamper…): faulty until its next keepalive. */
  fault(deviceId: string, reason: string): void {
    const entry = this.cameras.get(deviceId);
    if (!entry || entry.state === 'fault') return;
    if (this.shared) {
      this.shared.fault(deviceId, reason, this.deps.clock.now());
      return;
    }
    // It stays filed in the wheel: the sweep drops it there unless it is back online by then.
    this.announce([{ ...this.move(entry.index, entry, 'fault', this.deps.clock.now()), reason }]);
  }

  /** Marks offline every camera whose last keepalive is older than the allowed misses. Call it periodically. */
  sweep(): CameraStateChange[] {
    // Shared: the lease holder sweeps Redis (CameraStateBackend.tick); the changes come back through applyShared.
    if (this.shared) return [];
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

  /** Changes from the device-changes stream, in its order (every node, the deciding one included): moves the mirror and announces them. */
  applyShared(changes: readonly SharedCameraChange[]): void {
    const moved: CameraStateChange[] = [];
    for (const change of changes) {
      const entry = this.cameras.get(change.deviceId);
      if (!entry || entry.state === change.to) continue;
      moved.push({
        ...this.move(entry.index, entry, change.to, change.at),
        ...(change.reason !== undefined ? { reason: change.reason } : {}),
        ...(change.since !== undefined ? { since: change.since } : {}),
        origin: change.origin,
      });
    }
    this.announce(moved);
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

  /**
   * {@link lastHeardAt} of each camera; with REDIS_URL the shared state's (whichever node heard the
   * keepalive), or this node's own when Redis does not answer within 2 s.
   */
  async lastHeard(ids: readonly string[]): Promise<(number | null)[]> {
    const local = () => ids.map((id) => this.lastHeardAt(id));
    if (!this.shared) return local();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.shared.lastHeard(ids), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 2_000)))]) ?? local();
    } catch {
      return local();
    } finally {
      clearTimeout(timer);
    }
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
