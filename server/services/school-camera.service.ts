import type { CameraState } from '../../shared/domain/index.js';
import type { CameraSummary, SchoolCameraCount } from '../../shared/wall.js';
import type { CameraStateChange, DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** One school's or district's cameras by state. */
type Counts = CameraSummary;

const emptyCounts = (): Counts => ({ total: 0, online: 0, offline: 0, fault: 0 });

/**
 * Cameras online of total, per school: the live per-school and per-district online rates, and
 * the camera summary of each district and school (what a county or school screen's header shows).
 * Changed schools collect until `flush()`, so screens get them coalesced.
 */
export class SchoolCameraService {
  private readonly counts = new Map<string, Counts>();
  private readonly districtOf = new Map<string, string>();
  private readonly districts = new Map<string, Counts>();
  private readonly pending = new Set<string>();

  constructor(events: DomainEvents) {
    events.on('camera.changed', (changes) => changes.forEach((c) => this.apply(c)));
  }

  /** Starts from the registry's cameras and those already unhealthy. */
  init(registry: RegistryService, unhealthy: { schoolId: string; state: CameraState }[]): void {
    this.counts.clear();
    this.districts.clear();
    this.districtOf.clear();
    for (const school of registry.schools()) this.districtOf.set(school.id, school.districtCode);
    for (const device of registry.devices({ kind: 'camera' })) {
      if (!device.schoolId) continue;
      const entry = this.counts.get(device.schoolId) ?? emptyCounts();
      entry.online++;
      entry.total++;
      this.counts.set(device.schoolId, entry);
      const district = this.districtCounts(device.schoolId);
      if (district) {
        district.online++;
        district.total++;
      }
    }
    for (const camera of unhealthy) {
      const entry = this.counts.get(camera.schoolId);
      if (!entry) continue;
      entry.online--;
      entry[camera.state]++;
      const district = this.districtCounts(camera.schoolId);
      if (district) {
        district.online--;
        district[camera.state]++;
      }
    }
  }

  /** A camera registered while running (online, as {@link CameraHealthService.add} starts it). */
  addCamera(schoolId: string): void {
    const entry = this.counts.get(schoolId) ?? emptyCounts();
    entry.online++;
    entry.total++;
    this.counts.set(schoolId, entry);
    const district = this.districtCounts(schoolId);
    if (district) {
      district.online++;
      district.total++;
    }
    this.pending.add(schoolId);
  }

  private districtCounts(schoolId: string): Counts | undefined {
    const code = this.districtOf.get(schoolId);
    if (code === undefined) return undefined;
    let entry = this.districts.get(code);
    if (!entry) this.districts.set(code, (entry = emptyCounts()));
    return entry;
  }

  private apply(change: CameraStateChange): void {
    const entry = this.counts.get(change.schoolId);
    if (!entry || change.from === change.to) return;
    entry[change.from]--;
    entry[change.to]++;
    const district = this.districtCounts(change.schoolId);
    if (district) {
      district[change.from]--;
      district[change.to]++;
    }
    if ((change.from === 'online') !== (change.to === 'online')) this.pending.add(change.schoolId);
  }

  all(): SchoolCameraCount[] {
    return [...this.counts].map(([schoolId, c]) => [schoolId, c.online, c.total]);
  }

  /** Cameras by state in one district (county screens' header figures). */
  summaryOfDistrict(districtCode: string): CameraSummary {
    return { ...(this.districts.get(districtCode) ?? emptyCounts()) };
  }

  /** Cameras by state at one school (a school user's header figures). */
  summaryOfSchool(schoolId: string): CameraSummary {
    return { ...(this.counts.get(schoolId) ?? emptyCounts()) };
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
