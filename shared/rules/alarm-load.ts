import type { Alarm, AlarmPriority } from '../domain/alarm.js';
import { isOpenState } from '../domain/alarm.js';
import { shanghaiParts } from '../time.js';
import type { SchoolSetting } from '../domain/entities.js';
import { DEFAULT_RESPONSE_TARGETS, fallbackSetting, QUICK_RESPONSE_PRIORITIES, type ResponseTargets } from './response.js';
import { responseAttainment, type ResponseAttainment } from './response-attainment.js';

/**
 * Alarm-load figures after ISA-18.2 / EEMUA 191 practice: about 1 alarm per operator per
 * 10 minutes is acceptable, 2 the most one person can handle; more than 10 in 10 minutes is a
 * flood; an alarm open over 24 h is stale; a source that keeps re-raising is chattering.
 */
export const ALARM_LOAD_LIMITS = {
  acceptablePerOperatorPer10Min: 1,
  manageablePerOperatorPer10Min: 2,
  floodPer10Min: 10,
  staleAfterMs: 24 * 3600_000,
  /** Activations (an alarm and its folded repeats) from one device in the window that make it chattering. */
  chatteringActivations: 5,
} as const;

const TEN_MINUTES = 600_000;

/** Mean and 90th percentile of a set of durations, seconds; null when there are none. */
export interface DurationFigures {
  count: number;
  meanSeconds: number | null;
  p90Seconds: number | null;
}

/** Counts and response times of one slice (a day or a district); times of the 1-3-5 priorities (P1/P2) only. */
export interface LoadSlice {
  key: string;
  alarms: number;
  toAcknowledge: DurationFigures;
  toOnScene: DurationFigures;
  /** Of the arrivals in `toOnScene`, those the unit reported from its phone (到场 at the unit's time, not the operator's click). */
  onSceneByUnit: number;
}

/** `GET /api/v1/alarms/stats`. */
export interface AlarmLoadReport {
  from: string;
  to: string;
  operators: number;
  /** Real alarms (drills excluded) received in the window. */
  alarms: number;
  perOperatorPer10Min: { average: number; peak: number };
  /** 10-minute periods with more than 10 alarms. */
  floods: { start: string; alarms: number }[];
  /** Alarms open for more than 24 h as of `to`. */
  stale: number;
  chattering: { deviceId: string; schoolId: string; activations: number }[];
  priorityMix: Record<AlarmPriority, number>;
  /** Receipt → acknowledgement of the P1/P2 alarms (the ones the 1-3-5 clocks are for). */
  toAcknowledge: DurationFigures;
  /**
   * Receipt → on scene of the P1/P2 alarms: the arrival step's time — the unit's own (its phone's
   * 到场, issue 14) or the operator's mark when the unit had no phone.
   */
  toOnScene: DurationFigures;
  /** Of those arrivals, how many the unit reported itself (其中 N 起由出警单位到场上报). */
  onSceneByUnit: number;
  byDay: LoadSlice[];
  byDistrict: LoadSlice[];
  /** 1-3-5 达标率 of the window's P1/P2 alarms, by district and by school setting (shared/rules/response-attainment.ts). */
  attainment: ResponseAttainment;
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function durations(values: number[]): DurationFigures {
  if (values.length === 0) return { count: 0, meanSeconds: null, p90Seconds: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { count: sorted.length, meanSeconds: Math.round(mean * 10) / 10, p90Seconds: Math.round(percentile(sorted, 90) * 10) / 10 };
}

/**
 * Seconds from receipt to the first step of `action`, or null when it never happened. A unit's
 * arrival (`arrive` with `field`) is stored at the time the unit took it on its phone, so the
 * figure is the unit's, not the moment the phone's queue reached the server.
 */
function secondsTo(alarm: Alarm, action: string): number | null {
  const step = alarm.transitions.find((t) => t.action === action);
  return step ? (Date.parse(step.at) - Date.parse(alarm.receivedAt)) / 1000 : null;
}

/** Whether the alarm's arrival was reported by the unit itself. */
function arrivedByUnit(alarm: Alarm): boolean {
  return alarm.transitions.find((t) => t.action === 'arrive')?.field !== undefined;
}

function slice(key: string, alarms: Alarm[]): LoadSlice {
  // Response times are the 1-3-5 figures: a P3 acknowledged in its 10 minutes or a P4 followed up
  // within its 24 h would swamp the seconds the SOS and intrusion clocks are about.
  const timed = alarms.filter((a) => QUICK_RESPONSE_PRIORITIES.includes(a.priority));
  const ack = timed.map((a) => secondsTo(a, 'ack')).filter((s): s is number => s !== null);
  const scene = timed.map((a) => secondsTo(a, 'arrive')).filter((s): s is number => s !== null);
  return { key, alarms: alarms.length, toAcknowledge: durations(ack), toOnScene: durations(scene), onSceneByUnit: timed.filter(arrivedByUnit).length };
}

function groupBy(alarms: Alarm[], keyOf: (a: Alarm) => string): Map<string, Alarm[]> {
  const groups = new Map<string, Alarm[]>();
  for (const alarm of alarms) {
    const key = keyOf(alarm);
    const group = groups.get(key);
    if (group) group.push(alarm);
    else groups.set(key, [alarm]);
  }
  return groups;
}

/** The Asia/Shanghai calendar date of an instant, `YYYY-MM-DD`. */
export function shanghaiDate(iso: string): string {
  return shanghaiParts(Date.parse(iso)).date;
}

/**
 * Computes the report for alarms received in [from, to). `alarms` may hold more (older open
 * ones count as stale); drills are never counted.
 */
export function alarmLoad(input: {
  alarms: Alarm[];
  from: string;
  to: string;
  operators: number;
  /** The targets in force (default: the 1-3-5 defaults). */
  targets?: ResponseTargets;
  /** A school's setting (default: by its district, {@link fallbackSetting}). */
  settingOf?: (alarm: Alarm) => SchoolSetting;
}): AlarmLoadReport {
  const fromMs = Date.parse(input.from);
  const toMs = Date.parse(input.to);
  const real = input.alarms.filter((a) => !a.drill);
  const inWindow = real.filter((a) => {
    const at = Date.parse(a.receivedAt);
    return at >= fromMs && at < toMs;
  });

  const buckets = new Map<number, number>();
  for (const alarm of inWindow) {
    const bucket = Math.floor(Date.parse(alarm.receivedAt) / TEN_MINUTES) * TEN_MINUTES;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  const periods = Math.max(1, (toMs - fromMs) / TEN_MINUTES);
  const operators = Math.max(1, input.operators);
  const peak = Math.max(0, ...buckets.values());

  const activations = new Map<string, { schoolId: string; activations: number }>();
  for (const alarm of inWindow) {
    const entry = activations.get(alarm.deviceId) ?? { schoolId: alarm.schoolId, activations: 0 };
    entry.activations += alarm.count;
    activations.set(alarm.deviceId, entry);
  }

  const priorityMix: Record<AlarmPriority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const alarm of inWindow) priorityMix[alarm.priority]++;

  const all = slice('all', inWindow);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    operators,
    alarms: inWindow.length,
    perOperatorPer10Min: {
      average: Math.round((inWindow.length / periods / operators) * 100) / 100,
      peak: Math.round((peak / operators) * 100) / 100,
    },
    floods: [...buckets]
      .filter(([, count]) => count > ALARM_LOAD_LIMITS.floodPer10Min)
      .sort(([a], [b]) => a - b)
      .map(([start, count]) => ({ start: new Date(start).toISOString(), alarms: count })),
    stale: real.filter((a) => isOpenState(a.state) && toMs - Date.parse(a.receivedAt) > ALARM_LOAD_LIMITS.staleAfterMs).length,
    chattering: [...activations]
      .filter(([, e]) => e.activations >= ALARM_LOAD_LIMITS.chatteringActivations)
      .sort(([, a], [, b]) => b.activations - a.activations)
      .map(([deviceId, e]) => ({ deviceId, ...e })),
    priorityMix,
    toAcknowledge: all.toAcknowledge,
    toOnScene: all.toOnScene,
    onSceneByUnit: all.onSceneByUnit,
    byDay: [...groupBy(inWindow, (a) => shanghaiDate(a.receivedAt))].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => slice(k, list)),
    byDistrict: [...groupBy(inWindow, (a) => a.districtCode)].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => slice(k, list)),
    attainment: responseAttainment({
      alarms: inWindow,
      targets: input.targets ?? DEFAULT_RESPONSE_TARGETS,
      settingOf: input.settingOf ?? ((a) => fallbackSetting(a.districtCode)),
      at: new Date(toMs).toISOString(),
    }),
  };
}
