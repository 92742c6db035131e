import type { CameraState } from '../../shared/domain/index.js';
import type { CameraSummary } from '../../shared/wall.js';
import type { Clock } from './clock.js';
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
  lastSeen: number;
  state: CameraState;
  /** Days of video the camera last said it keeps; undefined until it reports. */
  retentionDays?: number;
}

/**
 * Folds camera keepalives into live state in memory: a keepalive costs a map lookup, and only
 * a change of state (online ↔ offline / fault) is announced.
 */
export class CameraHealthService {
  private readonly cameras = new Map<string, CameraEntry>();
  private readonly counts: Record<CameraState, number> = { online: 0, offline: 0, fault: 0 };

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
    for (const device of this.deps.registry.devices({ kind: 'camera' })) {
      if (!device.schoolId) continue;
      const state = known.get(device.id) ?? 'online';
      this.cameras.set(device.id, { schoolId: device.schoolId, lastSeen: now, state });
      this.counts[state]++;
    }
  }

  /** A keepalive: the camera is alive at `atMs` (never later than now, whatever its clock says). */
  heartbeat(deviceId: string, atMs: number, retentionDays?: number): void {
    const entry = this.cameras.get(deviceId);
    if (!entry) return;
    if (retentionDays !== undefined) entry.retentionDays = retentionDays;
    const now = this.deps.clock.now();
    entry.lastSeen = Math.max(entry.lastSeen, Math.min(atMs, now));
    if (entry.state !== 'online') this.announce([this.move(deviceId, entry, 'online', now)]);
  }

  /** An explicit fault (video loss, tamper…): faulty until its next keepalive. */
  fault(deviceId: string, reason: string): void {
    const entry = this.cameras.get(deviceId);
    if (!entry || entry.state === 'fault') return;
    this.announce([{ ...this.move(deviceId, entry, 'fault', this.deps.clock.now()), reason }]);
  }

  /** Marks offline every camera whose last keepalive is older than the allowed misses. Call it periodically. */
  sweep(): CameraStateChange[] {
    const now = this.deps.clock.now();
    const limit = this.rules.intervalMs * this.rules.missedBeforeOffline;
    const changes: CameraStateChange[] = [];
    for (const [deviceId, entry] of this.cameras) {
      if (entry.state === 'online' && now - entry.lastSeen > limit) changes.push({ ...this.move(deviceId, entry, 'offline', now), reason: 'offline' });
    }
    this.announce(changes);
    return changes;
  }

  state(deviceId: string): CameraState | undefined {
    return this.cameras.get(deviceId)?.state;
  }

  /** Days of video the camera last reported keeping, or null before it reports. */
  retentionDays(deviceId: string): number | null {
    return this.cameras.get(deviceId)?.retentionDays ?? null;
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

  private move(deviceId: string, entry: CameraEntry, to: CameraState, at: number): CameraStateChange {
    const from = entry.state;
    this.counts[from]--;
    this.counts[to]++;
    entry.state = to;
    return { deviceId, schoolId: entry.schoolId, from, to, at };
  }

  private announce(changes: CameraStateChange[]): void {
    if (changes.length > 0) this.deps.events.emit('camera.changed', changes);
  }
}
