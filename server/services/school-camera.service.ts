import type { SchoolCameraCount } from '../../shared/wall.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/**
 * Cameras online of total, per school: the live per-school and per-district online rates.
 * Changed schools collect until `flush()`, so screens get them coalesced.
 */
export class SchoolCameraService {
  private readonly counts = new Map<string, { online: number; total: number }>();
  private readonly pending = new Set<string>();

  constructor(events: DomainEvents) {
    events.on('camera.changed', (changes) => changes.forEach((c) => this.apply(c)));
  }

  /** Starts from the registry's cameras and those already unhealthy. */
  init(registry: RegistryService, unhealthy: { schoolId: string }[]): void {
    this.counts.clear();
    for (const device of registry.devices({ kind: 'camera' })) {
      if (!device.schoolId) continue;
      const entry = this.counts.get(device.schoolId) ?? { online: 0, total: 0 };
      entry.online++;
      entry.total++;
      this.counts.set(device.schoolId, entry);
    }
    for (const camera of unhealthy) {
      const entry = this.counts.get(camera.schoolId);
      if (entry) entry.online--;
    }
  }

  private apply(change: CameraStateChange): void {
    const wasOnline = change.from === 'online';
    const isOnline = change.to === 'online';
    const entry = this.counts.get(change.schoolId);
    if (!entry || wasOnline === isOnline) return;
    entry.online += isOnline ? 1 : -1;
    this.pending.add(change.schoolId);
  }

  all(): SchoolCameraCount[] {
    return [...this.counts].map(([schoolId, c]) => [schoolId, c.online, c.total]);
  }

  /** Schools whose count changed since the last flush. */
  flush(): SchoolCameraCount[] {
    const changed: SchoolCameraCount[] = [];
    for (const schoolId of this.pending) {
      const c = this.counts.get(schoolId);
      if (c) changed.push([schoolId, c.online, c.total]);
    }
    this.pending.clear();
    return changed;
  }
}
