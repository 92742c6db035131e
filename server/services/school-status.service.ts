import { isOpenState, type Alarm, type SchoolStatus } from '../../shared/domain/index.js';
import { schoolStatusCause, schoolStatusFrom, type SchoolStatusCause, type SchoolStatusCounts } from '../../shared/figures.js';
import type { SchoolStatusChange } from '../../shared/wall.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';

/** Open alarms by cause (shared/figures.ts), plus cameras not online in `faults`. */
type SchoolCounts = SchoolStatusCounts;
type AlarmWeight = SchoolStatusCause;
const weightOf = (alarm: Alarm): AlarmWeight => schoolStatusCause(alarm);

/**
 * Each school's live status, kept by counting what is wrong there. Changes collect until
 * `flush()`, so a screen gets them coalesced however fast they come.
 */
export class SchoolStatusService {
  private readonly counts = new Map<string, SchoolCounts>();
  private readonly statuses = new Map<string, SchoolStatus>();
  private readonly openAlarms = new Map<string, { schoolId: string; weight: AlarmWeight }>();
  private readonly pending = new Map<string, SchoolStatus>();

  constructor(events: DomainEvents) {
    events.on('alarm.changed', (changes) => changes.forEach((c) => this.applyAlarm(c.alarm)));
    events.on('camera.changed', (changes) => changes.forEach((c) => this.applyCamera(c)));
  }

  /** Starts from the stored open alarms and the cameras already unhealthy. */
  init(openAlarms: Alarm[], unhealthyCameras: { schoolId: string }[]): void {
    for (const alarm of openAlarms) this.applyAlarm(alarm);
    for (const camera of unhealthyCameras) this.bump(camera.schoolId, 'faults', 1);
    this.pending.clear();
  }

  status(schoolId: string): SchoolStatus {
    return this.statuses.get(schoolId) ?? 'normal';
  }

  /** Every school that is not `normal`. */
  nonNormal(): SchoolStatusChange[] {
    return [...this.statuses].map(([schoolId, status]) => ({ schoolId, status }));
  }

  /** The changes since the last flush, each school once with its latest status. */
  flush(): SchoolStatusChange[] {
    const changes = [...this.pending].map(([schoolId, status]) => ({ schoolId, status }));
    this.pending.clear();
    return changes;
  }

  private applyAlarm(alarm: Alarm): void {
    const known = this.openAlarms.get(alarm.id);
    if (known) {
      this.openAlarms.delete(alarm.id);
      this.bump(known.schoolId, known.weight, -1);
    }
    if (isOpenState(alarm.state)) {
      const weight = weightOf(alarm);
      this.openAlarms.set(alarm.id, { schoolId: alarm.schoolId, weight });
      this.bump(alarm.schoolId, weight, 1);
    }
  }

  private applyCamera(change: CameraStateChange): void {
    const wasHealthy = change.from === 'online';
    const isHealthy = change.to === 'online';
    if (wasHealthy !== isHealthy) this.bump(change.schoolId, 'faults', isHealthy ? -1 : 1);
  }

  private bump(schoolId: string, key: keyof SchoolCounts, delta: number): void {
    const counts = this.counts.get(schoolId) ?? { alarms: 0, drills: 0, warnings: 0, faults: 0 };
    counts[key] = Math.max(0, counts[key] + delta);
    this.counts.set(schoolId, counts);
    const next: SchoolStatus = schoolStatusFrom(counts);
    const previous = this.statuses.get(schoolId) ?? 'normal';
    if (next === previous) return;
    if (next === 'normal') this.statuses.delete(schoolId);
    else this.statuses.set(schoolId, next);
    this.pending.set(schoolId, next);
  }
}
