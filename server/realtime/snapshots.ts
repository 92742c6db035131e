import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { isOpenState, type Alarm } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import { packAlarm, packStatus, SNAPSHOT_CLOSED, snapshotJson, type StatusRow } from '../../shared/snapshot.js';
import { inAlarmScope, type AlarmScope } from '../services/alarm-scope.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { RegistryService } from '../services/registry.service.js';
import type { SchoolStatusService } from '../services/school-status.service.js';

const gzipAsync = promisify(gzip);

function scopeKey(scope: AlarmScope): string {
  switch (scope.kind) {
    case 'city':
    case 'none':
      return scope.kind;
    case 'district':
      return `d:${scope.districtCode}`;
    case 'school':
      return `s:${scope.schoolId}`;
    case 'unit':
      return `u:${scope.unitId}`;
  }
}

/** A built snapshot: the `seq` it is as of, and the gzip of its JSON, shared by every screen of its scope. */
export interface BuiltSnapshot {
  seq: number;
  data: Buffer;
  /** The JSON's length before compression, for the logs and the benchmark. */
  jsonBytes: number;
}

interface SnapshotSources {
  /** The latest closed alarms of a scope (the scoped lists come from the alarm service). */
  alarms: Pick<AlarmService, 'listInScope'>;
  /** Schools that are not `normal` now. */
  status: Pick<SchoolStatusService, 'nonNormal'>;
  /** A school's district. */
  registry: Pick<RegistryService, 'school'>;
}

/**
 * The open alarms as of the last change AlarmDelivery delivered, kept up to date change by
 * change (each with its row already serialised), and the snapshots built from them: one per
 * scope and (`seq`, status version), built once and shared by every screen that connects
 * meanwhile — a hundred walls reconnecting after a network blip cost one build, not a hundred.
 */
export class SnapshotStore {
  private readonly open = new Map<string, { alarm: Alarm; row: string }>();
  private seq = 0;
  private statusVersion = 0;
  private readonly built = new Map<string, { seq: number; statusVersion: number; snapshot: Promise<BuiltSnapshot> }>();

  constructor(private readonly sources: SnapshotSources) {}

  /** Starts from the store's open alarms as of `seq` (changes after it arrive through apply). */
  reset(openAlarms: readonly Alarm[], seq: number): void {
    this.open.clear();
    for (const alarm of openAlarms) this.open.set(alarm.id, { alarm, row: JSON.stringify(packAlarm(alarm)) });
    this.seq = seq;
    this.built.clear();
  }

  /** One delivered change (in `seq` order). */
  apply(change: AlarmChange): void {
    const { alarm } = change;
    if (isOpenState(alarm.state)) this.open.set(alarm.id, { alarm, row: JSON.stringify(packAlarm(alarm)) });
    else this.open.delete(alarm.id);
    this.seq = Math.max(this.seq, change.seq);
  }

  /** School statuses moved (a coalesced flush had changes): snapshots built before are out of date. */
  statusesChanged(): void {
    this.statusVersion++;
  }

  /** Open alarms held (for the logs and tests). */
  get openCount(): number {
    return this.open.size;
  }

  /**
   * The snapshot of a scope as of now: the one already built for this `seq` and status version,
   * or a new one. Its open alarms are taken synchronously, so it is exactly as of the `seq` it
   * names; the closed list is read after it, and gzip runs on libuv's thread pool.
   */
  snapshot(scope: AlarmScope): Promise<BuiltSnapshot> {
    const key = scopeKey(scope);
    const cached = this.built.get(key);
    if (cached && cached.seq === this.seq && cached.statusVersion === this.statusVersion) return cached.snapshot;
    // Only the current seq's snapshots are kept: an old one is never handed out again.
    for (const [other, entry] of this.built) if (entry.seq !== this.seq || entry.statusVersion !== this.statusVersion) this.built.delete(other);
    const seq = this.seq;
    const rows: string[] = [];
    const ids = new Set<string>();
    for (const [id, { alarm, row }] of this.open) {
      if (!inAlarmScope(scope, alarm)) continue;
      rows.push(row);
      ids.add(id);
    }
    const statuses: StatusRow[] = [];
    const { alarms, status, registry } = this.sources;
    for (const change of status.nonNormal()) {
      if (inAlarmScope(scope, { districtCode: registry.school(change.schoolId)?.districtCode, schoolId: change.schoolId })) statuses.push(packStatus(change));
    }
    const snapshot = (async (): Promise<BuiltSnapshot> => {
      const closed = await alarms.listInScope(scope, { state: 'closed', limit: SNAPSHOT_CLOSED });
      for (const alarm of closed) if (!ids.has(alarm.id) && !isOpenState(alarm.state)) rows.push(JSON.stringify(packAlarm(alarm)));
      const json = snapshotJson(seq, rows, statuses);
      const data = await gzipAsync(Buffer.from(json, 'utf8'));
      return { seq, data, jsonBytes: Buffer.byteLength(json) };
    })();
    const entry = { seq, statusVersion: this.statusVersion, snapshot };
    this.built.set(key, entry);
    // A failed build is not kept: the next screen tries again.
    snapshot.catch(() => {
      if (this.built.get(key) === entry) this.built.delete(key);
    });
    return snapshot;
  }
}
