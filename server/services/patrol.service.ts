import { DEFAULT_PATROL_RULE, patrolProgress, type PatrolRule, type PatrolScan, type SchoolPatrol } from '../../shared/rules/patrol.js';
import { shanghaiParts } from '../../shared/time.js';
import type { Clock } from '../clock.js';
import type { ActivityEvent } from '../db/activity.repository.js';
import type { DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** 电子巡查: today's scans per school, and rounds done against rounds due. */
export class PatrolService {
  private readonly scans = new Map<string, PatrolScan[]>();

  constructor(private readonly deps: { registry: RegistryService; events: DomainEvents; clock: Clock; rule?: PatrolRule }) {
    deps.events.on('activity.stored', (events) => this.add(events));
  }

  init(recent: ActivityEvent[]): void {
    this.add(recent);
  }

  /** Today's scans, each once (a node's start and a resync read the stored ones while the other nodes' announcements of the same may come too). */
  private add(events: ActivityEvent[]): void {
    const todayStart = shanghaiParts(this.deps.clock.now()).dayStartMs;
    for (const event of events) {
      if (event.type !== 'patrol.scan' || event.at < todayStart) continue;
      const schoolId = this.deps.registry.device(event.deviceId)?.schoolId;
      if (!schoolId) continue;
      const list = this.scans.get(schoolId) ?? [];
      if (list.some((held) => held.deviceId === event.deviceId && held.at === event.at)) continue;
      list.push({ deviceId: event.deviceId, at: event.at });
      this.scans.set(schoolId, list);
    }
  }

  /** How many patrol scans it holds (each once): a figure for tests and diagnostics. */
  held(): number {
    let count = 0;
    for (const list of this.scans.values()) count += list.length;
    return count;
  }

  /** Today's progress for the schools asked for (all by default). */
  list(filter: { districtCode?: string; schoolId?: string } = {}): SchoolPatrol[] {
    const now = this.deps.clock.now();
    const todayStart = shanghaiParts(now).dayStartMs;
    const rule = this.deps.rule ?? DEFAULT_PATROL_RULE;
    const schools = filter.schoolId
      ? [this.deps.registry.school(filter.schoolId)].filter((s) => s !== undefined)
      : this.deps.registry.schools(filter.districtCode ? { districtCode: filter.districtCode } : {});
    return schools.map((school) => {
      const points = this.deps.registry.devices({ schoolId: school.id, kind: 'patrol' }).map((d) => d.id);
      // Yesterday's scans fall away at local midnight.
      const scans = (this.scans.get(school.id) ?? []).filter((s) => s.at >= todayStart);
      this.scans.set(school.id, scans);
      return { schoolId: school.id, districtCode: school.districtCode, points: points.length, ...patrolProgress(points, scans, now, rule) };
    });
  }
}
