import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { SchoolCompliance } from '../../shared/compliance.js';
import type { AlarmChange } from '../../shared/events.js';
import { semesterOf, type SemesterRule } from '../../shared/rules/compliance/index.js';
import { RISK_ALARM_TYPES, type RiskAlarm, type RiskDay, type RiskHazard, type RiskInputs, type RiskModel, type RiskOutage } from '../../shared/rules/risk.js';
import { DAY_MS, shanghaiParts } from '../../shared/time.js';
import type { RiskRepository } from '../db/risk.repository.js';
import { RISK_PAGE } from '../db/risk.repository.js';
import type { CameraStateChange } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

/** How often the compliance verdicts are asked for again (they change with records, rarely). */
export const COMPLIANCE_REFRESH_MS = 10 * 60_000;
/** How long after the first refresh the compliance verdicts are first asked for. */
const COMPLIANCE_FIRST_MS = 60_000;

/** The alarm types the model reads: the incidents and the 护学岗 absences. */
const READ_TYPES = [...RISK_ALARM_TYPES, 'post_absent'] as const;
const isRead = (type: string): boolean => (READ_TYPES as readonly string[]).includes(type);

/** The inputs of a school without any (shared: nothing is allocated for it). */
const NONE: readonly never[] = [];

/** When a computation is for (see `RiskInputStore.at`). */
export interface RiskMoment {
  now: number;
  today: string;
  term: { start: string; running: boolean };
}

/** Where the 护学岗 lateness, the patrol rounds and the compliance verdicts come from (the live services). */
export interface RiskLiveSources {
  /** Today's windows per post so far and how many began late (GuardPostService.lateness). */
  lateness(): { schoolIds: readonly string[]; due: number; late: number }[];
  /** Today's patrol per school: rounds due so far and missed (PatrolService.list). */
  patrol(): { schoolId: string; due: number; missed: number }[];
  /** Schools with failed 附件3 items as of today (ComplianceService, in the worker pool when there is one); null when not available. */
  complianceFailures(today: string): Promise<SchoolCompliance[] | null>;
}

/**
 * The risk model's inputs for every school, kept in memory: loaded once (a window of alarms, page
 * by page; outages; open hazards; last drills), then kept up to date from the domain events
 * (alarm changes, camera changes) and refreshed periodically (hazards, drills, 护学岗, patrol,
 * compliance). `inputsOf` is cheap: the model is run on what is here, never on a query.
 */
export class RiskInputStore {
  private readonly alarms = new Map<string, Map<string, RiskAlarm>>();
  private readonly outages = new Map<string, RiskOutage[]>();
  private readonly openOutage = new Map<string, RiskOutage>();
  private hazards = new Map<string, RiskHazard[]>();
  private lastDrills = new Map<string, string>();
  private readonly lateDays = new Map<string, Map<string, RiskDay>>();
  private readonly patrolDays = new Map<string, Map<string, RiskDay>>();
  private compliance: Map<string, number> | null = null;
  private complianceAsked: Promise<void> | null = null;
  private complianceAt = Number.NEGATIVE_INFINITY;
  /** Called with the schools whose inputs changed outside the events (the compliance verdicts arriving). */
  onLateUpdate: ((schools: Set<string>) => void) | null = null;

  constructor(private readonly deps: { repository: RiskRepository; registry: RegistryService; live: RiskLiveSources; semesters: readonly SemesterRule[]; model: RiskModel }) {}

  private windowStart(now: number): number {
    return now - this.deps.model.windowDays * DAY_MS;
  }

  /** Reads the window of alarms (page by page, yielding between pages), the outages, hazards and drills. */
  async load(now: number): Promise<void> {
    const since = new Date(this.windowStart(now) - DAY_MS).toISOString();
    let after: { receivedAt: string; id: string } | null = null;
    for (;;) {
      const page = await this.deps.repository.alarmsPage(since, READ_TYPES, after);
      for (const row of page) this.putAlarm(row.id, row.schoolId, { type: row.type, state: row.state, drill: row.drill, openedAt: Date.parse(row.openedAt) });
      if (page.length < RISK_PAGE) break;
      const last: (typeof page)[number] = page[page.length - 1]!;
      after = { receivedAt: last.receivedAt, id: last.id };
      await yieldLoop();
    }
    for (const fault of await this.deps.repository.outages(since)) {
      const outage = { deviceId: fault.deviceId, place: this.placeOf(fault.deviceId), from: Date.parse(fault.openedAt), to: fault.closedAt ? Date.parse(fault.closedAt) : null };
      this.pushOutage(fault.schoolId, outage);
    }
    await this.refreshStored();
  }

  private placeOf(deviceId: string): 'gate' | 'other' {
    return this.deps.registry.device(deviceId)?.place === 'gate' ? 'gate' : 'other';
  }

  private putAlarm(id: string, schoolId: string, alarm: RiskAlarm): void {
    let map = this.alarms.get(schoolId);
    if (!map) this.alarms.set(schoolId, (map = new Map()));
    map.set(id, alarm);
  }

  private pushOutage(schoolId: string, outage: RiskOutage): void {
    const list = this.outages.get(schoolId) ?? [];
    list.push(outage);
    this.outages.set(schoolId, list);
    if (outage.to === null) this.openOutage.set(outage.deviceId, outage);
  }

  /** Alarm changes (new alarms, state changes): the schools whose inputs changed. */
  onAlarms(changes: readonly AlarmChange[]): Set<string> {
    const touched = new Set<string>();
    for (const { alarm } of changes) {
      if (!isRead(alarm.type)) continue;
      this.putAlarm(alarm.id, alarm.schoolId, { type: alarm.type, state: alarm.state, drill: alarm.drill, openedAt: Date.parse(alarm.openedAt) });
      touched.add(alarm.schoolId);
    }
    return touched;
  }

  /** Camera state changes: an outage opens when a camera leaves `online`, closes when it is back. */
  onCameras(changes: readonly CameraStateChange[]): Set<string> {
    const touched = new Set<string>();
    for (const change of changes) {
      const open = this.openOutage.get(change.deviceId);
      if (change.to === 'online') {
        if (open) {
          open.to = change.at;
          this.openOutage.delete(change.deviceId);
          touched.add(change.schoolId);
        }
      } else if (!open) {
        this.pushOutage(change.schoolId, { deviceId: change.deviceId, place: this.placeOf(change.deviceId), from: change.at, to: null });
        touched.add(change.schoolId);
      }
    }
    return touched;
  }

  /** Hazards and last drills from the database (small, bounded reads). */
  private async refreshStored(): Promise<void> {
    const hazards = new Map<string, RiskHazard[]>();
    for (const h of await this.deps.repository.openHazards()) {
      const list = hazards.get(h.schoolId) ?? [];
      list.push({ deadline: h.state === 'dispatched' ? h.deadline : null, major: h.severity === 'major' });
      hazards.set(h.schoolId, list);
    }
    this.hazards = hazards;
    this.lastDrills = await this.deps.repository.lastDrills();
  }

  /**
   * The periodic refresh: hazards and drills again, today's 护学岗 lateness and patrol rounds
   * (kept per day for the window), the compliance verdicts; old alarms and outages dropped.
   */
  async refresh(now: number): Promise<void> {
    const today = shanghaiParts(now).date;
    await this.refreshStored();
    const late = new Map<string, RiskDay>();
    for (const post of this.deps.live.lateness()) {
      for (const schoolId of post.schoolIds) {
        const day = late.get(schoolId) ?? { date: today, due: 0, count: 0 };
        day.due += post.due;
        day.count += post.late;
        late.set(schoolId, day);
      }
    }
    for (const [schoolId, day] of late) this.putDay(this.lateDays, schoolId, day);
    for (const p of this.deps.live.patrol()) if (p.due > 0) this.putDay(this.patrolDays, p.schoolId, { date: today, due: p.due, count: p.missed });
    this.askCompliance(now, today);
    await this.prune(now);
  }

  /**
   * Asks for the compliance verdicts in the background (the worker pool evaluates them), at most
   * one request at a time and one per COMPLIANCE_REFRESH_MS; their schools are scored again when
   * they arrive (`onLateUpdate`).
   */
  private askCompliance(now: number, today: string): void {
    // The first time a minute after start (a server started for a moment, e.g. a test, never asks).
    if (this.complianceAt === Number.NEGATIVE_INFINITY) this.complianceAt = now - COMPLIANCE_REFRESH_MS + COMPLIANCE_FIRST_MS;
    if (this.complianceAsked !== null || now - this.complianceAt < COMPLIANCE_REFRESH_MS) return;
    this.complianceAt = now;
    this.complianceAsked = this.deps.live.complianceFailures(today).then((failures) => {
      if (!failures) return;
      const counts = new Map<string, number>();
      for (const school of failures) counts.set(school.school.id, school.items.filter((i) => i.status === 'fail' && i.rule !== 'drill').length);
      const before = this.compliance;
      this.compliance = counts;
      const touched = new Set<string>();
      for (const id of new Set([...counts.keys(), ...(before?.keys() ?? [])])) if (before === null || (before.get(id) ?? 0) !== (counts.get(id) ?? 0)) touched.add(id);
      if (before === null) for (const school of this.deps.registry.schools()) touched.add(school.id);
      this.onLateUpdate?.(touched);
    }).catch(() => undefined).finally(() => {
      this.complianceAsked = null;
    });
  }

  /** Settles once the compliance verdicts asked for (if any) have arrived (tests). */
  async settled(): Promise<void> {
    await this.complianceAsked;
  }

  private putDay(store: Map<string, Map<string, RiskDay>>, schoolId: string, day: RiskDay): void {
    let days = store.get(schoolId);
    if (!days) store.set(schoolId, (days = new Map()));
    days.set(day.date, day);
  }

  /** Drops what has left the window (a day's margin kept). */
  private async prune(now: number): Promise<void> {
    const start = this.windowStart(now) - DAY_MS;
    let n = 0;
    for (const [schoolId, map] of [...this.alarms]) {
      for (const [id, alarm] of map) if (alarm.openedAt < start) map.delete(id);
      if (map.size === 0) this.alarms.delete(schoolId);
      // A province's alarms are many: the loop is let go every 2,000 schools.
      if (++n % 2000 === 0) await yieldLoop();
    }
    for (const [schoolId, list] of this.outages) {
      const kept = list.filter((o) => o.to === null || o.to >= start);
      if (kept.length === 0) this.outages.delete(schoolId);
      else this.outages.set(schoolId, kept);
    }
    const firstDay = shanghaiParts(start).date;
    for (const store of [this.lateDays, this.patrolDays]) {
      for (const days of store.values()) for (const date of days.keys()) if (date < firstDay) days.delete(date);
    }
  }

  /** The instant a computation is for: now, today's local date, the term (one per computation, not per school). */
  at(now: number): RiskMoment {
    const today = shanghaiParts(now).date;
    const term = semesterOf(today, this.deps.semesters);
    return { now, today, term: { start: term.start, running: term.running } };
  }

  /** One school's inputs as of a moment. */
  inputsOf(schoolId: string, { now, today, term }: RiskMoment): RiskInputs {
    return {
      now,
      today,
      alarms: this.alarms.get(schoolId)?.values() ?? NONE,
      hazards: this.hazards.get(schoolId) ?? NONE,
      outages: this.outages.get(schoolId) ?? NONE,
      guardLate: this.lateDays.get(schoolId)?.values() ?? NONE,
      patrol: this.patrolDays.get(schoolId)?.values() ?? NONE,
      complianceFailed: this.compliance ? (this.compliance.get(schoolId) ?? 0) : null,
      drills: term.running ? { termStart: term.start, lastDate: this.lastDrills.get(schoolId) ?? null } : null,
    };
  }

  /** How many alarms and outages are held (the bench and the logs). */
  size(): { alarms: number; outages: number } {
    let alarms = 0;
    for (const map of this.alarms.values()) alarms += map.size;
    let outages = 0;
    for (const list of this.outages.values()) outages += list.length;
    return { alarms, outages };
  }
}
