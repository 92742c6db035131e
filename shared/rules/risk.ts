import type { AlarmState, AlarmType } from '../domain/alarm.js';
import type { RiskContribution, RiskFactor, RiskFigures, RiskLevel, SchoolRisk } from '../risk.js';
import { addDays, daysBetween, DAY_MS } from '../time.js';

/**
 * The school risk model (风险研判, issue 15 item 1): a pure function from one school's recent
 * inputs to a score that is the sum of listed contributions, each with the figures that earned it
 * ("3 intrusion alarms in 14 days (+45)"). Weights, caps, the window and the level thresholds are
 * configuration (`RiskModel`, `XIAOAN_RISK_MODEL`); docs/risk.md explains each with a worked example.
 */

/** The alarm types that count as incidents (`alarms`): a camera fault is counted as downtime, a 护学岗 absence as `guard_absence`. */
export const RISK_ALARM_TYPES = ['sos', 'intrusion', 'access_anomaly'] as const;
export type RiskAlarmType = (typeof RISK_ALARM_TYPES)[number];

/** The model's configuration. Points are per unit (alarm, hazard, hour…); each factor is capped. */
export interface RiskModel {
  /** The look-back window, days (alarms, false alarms, camera downtime, 护学岗, patrol). */
  windowDays: number;
  /** Points per real alarm (not a drill, not false, not cancelled), by type. */
  alarmPoints: Record<RiskAlarmType, number>;
  /** False-alarm rate: counted once the school has `minAlarms` alarms in the window; points = rate × `points`. */
  falseAlarms: { minAlarms: number; points: number };
  /** Points per open hazard within its deadline, and per hazard past it (a major one counts `majorFactor` times). */
  hazards: { openPoints: number; overduePoints: number; majorFactor: number };
  /** Points per hour of camera downtime in the window: the gate camera (校门) weighs more. */
  cameraHourPoints: { gate: number; other: number };
  /** 护学岗: points per absence (a `post_absent` alarm, not false or cancelled) and per late start. */
  guards: { absencePoints: number; latePoints: number };
  /** Points per patrol round missed. */
  patrolMissedPoints: number;
  /** Points per 附件3 item failed against the plan's phased targets (the drill item is counted by `drills`). */
  compliancePoints: number;
  /** 每学期至少1次: `points` when no drill is on record this term `graceDays` after the term began. */
  drills: { graceDays: number; points: number };
  /** The most points each factor may give (camera downtime: each place separately). */
  caps: Record<RiskFactor, number>;
  /** The lowest score of each level; below `yellow` is blue. */
  levels: { red: number; orange: number; yellow: number };
}

/** The model in force unless `XIAOAN_RISK_MODEL` says otherwise (docs/risk.md "Default weights"). */
export const DEFAULT_RISK_MODEL: RiskModel = {
  windowDays: 14,
  alarmPoints: { sos: 20, intrusion: 15, access_anomaly: 5 },
  falseAlarms: { minAlarms: 3, points: 10 },
  hazards: { openPoints: 2, overduePoints: 8, majorFactor: 2 },
  cameraHourPoints: { gate: 1, other: 0.2 },
  guards: { absencePoints: 4, latePoints: 1 },
  patrolMissedPoints: 1,
  compliancePoints: 2,
  drills: { graceDays: 45, points: 8 },
  caps: {
    alarms: 60, false_alarms: 10, hazards_open: 10, hazards_overdue: 30, camera_downtime: 20,
    guard_absence: 16, guard_late: 6, patrol_missed: 10, compliance: 12, drills_overdue: 8,
  },
  levels: { red: 50, orange: 30, yellow: 15 },
};

/** One alarm of the school as the model reads it. */
export interface RiskAlarm {
  type: AlarmType;
  state: AlarmState;
  drill: boolean;
  /** ms */
  openedAt: number;
}

/** One open hazard (not closed or verified). */
export interface RiskHazard {
  /** Local date `YYYY-MM-DD`, inclusive; null: not yet dispatched with a deadline. */
  deadline: string | null;
  major: boolean;
}

/** One stretch of a camera offline or faulty: `to` null while it lasts. */
export interface RiskOutage {
  deviceId: string;
  place: 'gate' | 'other';
  from: number;
  to: number | null;
}

/** One day's 护学岗 windows at the school's posts (lateness), or patrol rounds. */
export interface RiskDay {
  /** Local date. */
  date: string;
  due: number;
  /** Late windows, or missed rounds. */
  count: number;
}

/** Everything the model reads of one school. A source not known (null) gives no contribution. */
export interface RiskInputs {
  /** ms; the window ends here. */
  now: number;
  /** Local date of `now` (Asia/Shanghai). */
  today: string;
  /** Read once (an iterator of a map's values will do). */
  alarms: Iterable<RiskAlarm>;
  hazards: readonly RiskHazard[];
  outages: readonly RiskOutage[];
  /** Read once. */
  guardLate: Iterable<RiskDay>;
  /** Read once. */
  patrol: Iterable<RiskDay>;
  /** 附件3 items failed (the drill item left out); null: not evaluated yet. */
  complianceFailed: number | null;
  /** The current term's start and the last drill's date; null: not known. */
  drills: { termStart: string; lastDate: string | null } | null;
}

/** Inputs with nothing in them (a school with no data scores 0). */
export function emptyRiskInputs(now: number, today: string): RiskInputs {
  return { now, today, alarms: [], hazards: [], outages: [], guardLate: [], patrol: [], complianceFailed: null, drills: null };
}

/** A score's level under the thresholds (a score equal to a threshold is at that level). */
export function riskLevelOf(score: number, levels: RiskModel['levels']): RiskLevel {
  if (score >= levels.red) return 'red';
  if (score >= levels.orange) return 'orange';
  if (score >= levels.yellow) return 'yellow';
  return 'blue';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The dates and texts every school of one computation shares (the same `now`, `today`, window), kept
 * between calls: the model is run for tens of thousands of schools in a row.
 */
const shared = { now: Number.NaN, iso: '', today: '', days: 0, firstDay: '' };
function sharedOf(now: number, today: string, days: number): typeof shared {
  if (shared.now !== now) {
    shared.now = now;
    shared.iso = new Date(now).toISOString();
  }
  if (shared.today !== today || shared.days !== days) {
    shared.today = today;
    shared.days = days;
    shared.firstDay = addDays(today, -(days - 1));
  }
  return shared;
}

/** Whole points of a raw amount, capped; raw amounts are rounded half up. */
function points(raw: number, cap: number): number {
  return Math.min(cap, Math.round(raw));
}

/**
 * The hours of `outage` inside [start, end]. Exported for the bench and the service's audit text.
 */
export function outageHours(outage: RiskOutage, start: number, end: number): number {
  const from = Math.max(outage.from, start);
  const to = Math.min(outage.to ?? end, end);
  return to > from ? (to - from) / 3_600_000 : 0;
}

/**
 * Scores one school. Every point is in a listed contribution: `score === Σ contributions.points`,
 * contributions with 0 points are left out, highest first (ties in factor order).
 */
export function scoreSchool(schoolId: string, inputs: RiskInputs, model: RiskModel = DEFAULT_RISK_MODEL): SchoolRisk {
  const out: RiskContribution[] = [];
  const add = (factor: RiskFactor, raw: number, figures: RiskFigures, cap = model.caps[factor]) => {
    const p = points(raw, cap);
    if (p > 0) out.push({ factor, points: p, figures });
  };
  const days = model.windowDays;
  const start = inputs.now - days * DAY_MS;
  // One pass over the alarms: real ones and false ones by incident type, and 护学岗 absences.
  const real: Record<RiskAlarmType, number> = { sos: 0, intrusion: 0, access_anomaly: 0 };
  let incidents = 0;
  let falseOnes = 0;
  let absences = 0;
  for (const a of inputs.alarms) {
    if (a.drill || a.openedAt < start || a.openedAt > inputs.now || a.state === 'cancelled') continue;
    if (a.type === 'post_absent') {
      if (a.state !== 'false_alarm') absences++;
      continue;
    }
    if (a.type !== 'sos' && a.type !== 'intrusion' && a.type !== 'access_anomaly') continue;
    incidents++;
    if (a.state === 'false_alarm') falseOnes++;
    else real[a.type]++;
  }
  let alarmBudget = model.caps.alarms;
  for (const type of RISK_ALARM_TYPES) {
    const p = points(real[type] * model.alarmPoints[type], alarmBudget);
    if (p > 0) {
      out.push({ factor: 'alarms', points: p, figures: { alarmType: type, count: real[type], days } });
      alarmBudget -= p;
    }
  }
  if (incidents >= model.falseAlarms.minAlarms && falseOnes > 0) {
    const rate = falseOnes / incidents;
    add('false_alarms', rate * model.falseAlarms.points, { count: falseOnes, total: incidents, rate: round1(rate * 100) / 100, days });
  }

  // Hazards: open within the deadline, and overdue (the day after the deadline).
  const overdue = inputs.hazards.filter((h) => h.deadline !== null && h.deadline < inputs.today);
  const open = inputs.hazards.filter((h) => !(h.deadline !== null && h.deadline < inputs.today));
  const weight = (list: readonly RiskHazard[]) => list.reduce((sum, h) => sum + (h.major ? model.hazards.majorFactor : 1), 0);
  add('hazards_open', weight(open) * model.hazards.openPoints, { count: open.length });
  if (overdue.length > 0) {
    const oldest = overdue.reduce((min, h) => (h.deadline! < min ? h.deadline! : min), overdue[0]!.deadline!);
    add('hazards_overdue', weight(overdue) * model.hazards.overduePoints, { count: overdue.length, days: daysBetween(oldest, inputs.today) });
  }

  // Camera downtime in the window, the gate cameras apart.
  for (const place of inputs.outages.length > 0 ? (['gate', 'other'] as const) : []) {
    const cameras = new Map<string, number>();
    for (const outage of inputs.outages) {
      if (outage.place !== place) continue;
      const hours = outageHours(outage, start, inputs.now);
      if (hours > 0) cameras.set(outage.deviceId, (cameras.get(outage.deviceId) ?? 0) + hours);
    }
    const hours = [...cameras.values()].reduce((a, b) => a + b, 0);
    add('camera_downtime', hours * model.cameraHourPoints[place], { hours: round1(hours), count: cameras.size, place, days });
  }

  // 护学岗 absences (post_absent alarms that were not false or cancelled) and late starts.
  add('guard_absence', absences * model.guards.absencePoints, { count: absences, days });
  const { firstDay, iso } = sharedOf(inputs.now, inputs.today, days);
  const inWindow = (list: Iterable<RiskDay>) => {
    let count = 0;
    let due = 0;
    for (const d of list) {
      if (d.date < firstDay || d.date > inputs.today) continue;
      count += d.count;
      due += d.due;
    }
    return { count, due };
  };
  const late = inWindow(inputs.guardLate);
  add('guard_late', late.count * model.guards.latePoints, { count: late.count, total: late.due, days });
  const patrol = inWindow(inputs.patrol);
  add('patrol_missed', patrol.count * model.patrolMissedPoints, { count: patrol.count, total: patrol.due, days });

  if (inputs.complianceFailed !== null) add('compliance', inputs.complianceFailed * model.compliancePoints, { count: inputs.complianceFailed });

  if (inputs.drills) {
    const { termStart, lastDate } = inputs.drills;
    const heldThisTerm = lastDate !== null && lastDate >= termStart;
    const intoTerm = daysBetween(termStart, inputs.today);
    if (!heldThisTerm && intoTerm >= model.drills.graceDays) {
      add('drills_overdue', model.drills.points, { days: lastDate === null ? intoTerm : daysBetween(lastDate, inputs.today), lastDate });
    }
  }

  const order = (f: RiskFactor) => FACTOR_ORDER.indexOf(f);
  out.sort((a, b) => b.points - a.points || order(a.factor) - order(b.factor));
  const score = out.reduce((sum, c) => sum + c.points, 0);
  return { schoolId, score, level: riskLevelOf(score, model.levels), contributions: out, computedAt: iso };
}

/** Whether two computations of a school say the same (score, and every contribution with its figures). */
export function sameRisk(a: SchoolRisk, b: SchoolRisk): boolean {
  if (a.score !== b.score || a.level !== b.level || a.contributions.length !== b.contributions.length) return false;
  for (let i = 0; i < a.contributions.length; i++) {
    const x = a.contributions[i]!;
    const y = b.contributions[i]!;
    if (x.factor !== y.factor || x.points !== y.points) return false;
    const fx = x.figures as Record<string, unknown>;
    const fy = y.figures as Record<string, unknown>;
    const keys = Object.keys(fx);
    if (keys.length !== Object.keys(fy).length || keys.some((k) => fx[k] !== fy[k])) return false;
  }
  return true;
}

const FACTOR_ORDER: readonly RiskFactor[] = [
  'alarms', 'false_alarms', 'hazards_open', 'hazards_overdue', 'camera_downtime', 'guard_absence', 'guard_late', 'patrol_missed', 'compliance', 'drills_overdue',
];

/**
 * What changed between two computations of a school, factor by factor (for the audit entry of a
 * level change): each contribution whose points or figures differ, with both sides (null: absent).
 */
export function changedContributions(before: readonly RiskContribution[], after: readonly RiskContribution[]): { factor: RiskFactor; from: RiskContribution | null; to: RiskContribution | null }[] {
  const key = (c: RiskContribution) => `${c.factor}:${c.figures.alarmType ?? ''}:${c.figures.place ?? ''}`;
  const was = new Map(before.map((c) => [key(c), c]));
  const now = new Map(after.map((c) => [key(c), c]));
  const out: { factor: RiskFactor; from: RiskContribution | null; to: RiskContribution | null }[] = [];
  for (const k of new Set([...was.keys(), ...now.keys()])) {
    const from = was.get(k) ?? null;
    const to = now.get(k) ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ factor: (to ?? from)!.factor, from, to });
  }
  return out;
}
