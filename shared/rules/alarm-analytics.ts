import type { Alarm, AlarmState, AlarmType } from '../domain/alarm.js';
import { addDays, DAY_MS, daysBetween, shanghaiParts } from '../time.js';
import { semesterOf } from './compliance/routines.js';
import type { SemesterRule } from './compliance/types.js';

/**
 * Alarm analytics of the history view (issue 15 item 4): which hours, which districts, which
 * types and outcomes, which devices raise most false alarms (误报), over whole Asia/Shanghai days.
 * Counted over closed alarms, as the history list shows them; real alarms only — drills (演练)
 * are counted apart and never mixed into a figure.
 */

/** The longest range one request may cover, in days (a year and a day, for a leap year). */
export const ANALYTICS_MAX_DAYS = 366;
/** Devices listed in the nuisance list (误报设备), most false alarms first. */
export const NUISANCE_LIMIT = 20;
/** The outcomes of a closed alarm: handled, a false alarm (误报), cancelled. */
export const ALARM_OUTCOMES = ['resolved', 'false_alarm', 'cancelled'] as const satisfies readonly AlarmState[];
/** A closed alarm's outcome. */
export type AlarmOutcome = (typeof ALARM_OUTCOMES)[number];

/** The ranges a chief picks with one click: the last 7 days, the last 30 days (today included), this term (本学期) so far. */
export const ANALYTICS_PRESETS = ['7d', '30d', 'term'] as const;
/** One preset range. */
export type AnalyticsPreset = (typeof ANALYTICS_PRESETS)[number];

/**
 * The days of a preset as of `today` (Shanghai `YYYY-MM-DD`): 7 or 30 days ending today, or the
 * term `today` is in from its first day to today (in a holiday: the term just ended, whole).
 */
export function presetRange(preset: AnalyticsPreset, today: string, semesters: readonly SemesterRule[]): { from: string; to: string } {
  if (preset === '7d') return { from: addDays(today, -6), to: today };
  if (preset === '30d') return { from: addDays(today, -29), to: today };
  const term = semesterOf(today, semesters);
  return { from: term.start, to: term.end < today ? term.end : today };
}

/** What an aggregate reads of one alarm (the columns the worker selects). */
export type AlarmFact = Pick<Alarm, 'type' | 'state' | 'districtCode' | 'schoolId' | 'deviceId' | 'receivedAt' | 'drill'>;

/** A range of whole Asia/Shanghai days, `YYYY-MM-DD`, both inclusive, and the instants it spans. */
export interface AnalyticsWindow {
  from: string;
  to: string;
  /** The first instant: `from` 00:00 in Shanghai, ISO UTC. */
  since: string;
  /** The instant after the last: the day after `to`, 00:00 in Shanghai, ISO UTC (exclusive). */
  until: string;
}

/** Why a range is refused (the route answers 400 with the words). */
export type WindowRefusal = { ok: false; reason: 'reversed' | 'too_long'; days: number };

/** The window of a day range, or why not: `to` before `from`, or more than ANALYTICS_MAX_DAYS days. */
export function analyticsWindow(from: string, to: string): { ok: true; window: AnalyticsWindow } | WindowRefusal {
  const days = daysBetween(from, to) + 1;
  if (days < 1) return { ok: false, reason: 'reversed', days };
  if (days > ANALYTICS_MAX_DAYS) return { ok: false, reason: 'too_long', days };
  const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
  return { ok: true, window: { from, to, since: startOf(from), until: startOf(addDays(to, 1)) } };
}

/** A count and its false alarms, for one district or one type. */
export interface AnalyticsSlice<K extends string> {
  key: K;
  alarms: number;
  falseAlarms: number;
}

/** One device of the nuisance list: its false alarms and their share of its alarms in the range. */
export interface NuisanceDevice {
  deviceId: string;
  schoolId: string;
  districtCode: string;
  type: AlarmType;
  alarms: number;
  falseAlarms: number;
  /** falseAlarms / alarms, 0–1. */
  share: number;
  /** The last false alarm's receipt, ISO. */
  lastAt: string;
}

/** The analytics of a range (`GET /analytics/alarms`). */
export interface AlarmAnalytics extends AnalyticsWindow {
  /** Real closed alarms in the range. */
  alarms: number;
  /** Of those, false alarms (closed as 误报). */
  falseAlarms: number;
  /** Drill alarms in the range, counted apart (in no other figure). */
  drills: number;
  /** Real alarms by ISO weekday (index 0 Monday … 6 Sunday) and hour of day (0–23), Shanghai time. */
  byWeekdayHour: number[][];
  /** Real alarms by district, most first (only districts with any). */
  byDistrict: AnalyticsSlice<string>[];
  /** Real alarms by type, most first (only types with any). */
  byType: AnalyticsSlice<AlarmType>[];
  /** Real alarms by outcome, in ALARM_OUTCOMES order (zeros kept). */
  byOutcome: { key: AlarmOutcome; alarms: number }[];
  /** Each day of the range: real alarms and drill alarms. */
  byDay: { date: string; alarms: number; drills: number }[];
  /** Devices with false alarms, most first (ties: higher share, then later), at most NUISANCE_LIMIT. */
  nuisance: NuisanceDevice[];
}

const bySize = <T extends { alarms: number; key: string }>(a: T, b: T) => b.alarms - a.alarms || a.key.localeCompare(b.key);

function bump<K extends string>(map: Map<K, AnalyticsSlice<K>>, key: K, falseAlarm: boolean): void {
  const slice = map.get(key) ?? { key, alarms: 0, falseAlarms: 0 };
  slice.alarms += 1;
  if (falseAlarm) slice.falseAlarms += 1;
  map.set(key, slice);
}

/**
 * The analytics of `facts` (closed alarms, already filtered by district, type, school) within
 * `window`: an alarm counts on the Shanghai day and hour it was received; one received outside the
 * window (or still open) counts nowhere.
 */
export function alarmAnalytics(facts: Iterable<AlarmFact>, window: AnalyticsWindow): AlarmAnalytics {
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const dayCount = daysBetween(window.from, window.to) + 1;
  const byDay = Array.from({ length: dayCount }, (_, i) => ({ date: addDays(window.from, i), alarms: 0, drills: 0 }));
  const byWeekdayHour = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const districts = new Map<string, AnalyticsSlice<string>>();
  const types = new Map<AlarmType, AnalyticsSlice<AlarmType>>();
  const outcomes = new Map<AlarmOutcome, number>(ALARM_OUTCOMES.map((o) => [o, 0]));
  const devices = new Map<string, NuisanceDevice>();
  let alarms = 0;
  let falseAlarms = 0;
  let drills = 0;
  for (const fact of facts) {
    const at = Date.parse(fact.receivedAt);
    const outcome = ALARM_OUTCOMES.find((o) => o === fact.state);
    if (!(at >= since && at < until) || !outcome) continue;
    const parts = shanghaiParts(at);
    const day = byDay[daysBetween(window.from, parts.date)];
    if (fact.drill) {
      drills += 1;
      if (day) day.drills += 1;
      continue;
    }
    const isFalse = outcome === 'false_alarm';
    alarms += 1;
    if (isFalse) falseAlarms += 1;
    if (day) day.alarms += 1;
    const hours = byWeekdayHour[parts.weekday - 1];
    if (hours) hours[Math.floor(parts.minuteOfDay / 60)]! += 1;
    bump(districts, fact.districtCode, isFalse);
    bump(types, fact.type, isFalse);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    const key = `${fact.deviceId}\u0000${fact.type}`;
    const device = devices.get(key) ?? { deviceId: fact.deviceId, schoolId: fact.schoolId, districtCode: fact.districtCode, type: fact.type, alarms: 0, falseAlarms: 0, share: 0, lastAt: '' };
    device.alarms += 1;
    if (isFalse) {
      device.falseAlarms += 1;
      if (fact.receivedAt > device.lastAt) device.lastAt = fact.receivedAt;
    }
    devices.set(key, device);
  }
  const nuisance = [...devices.values()]
    .filter((d) => d.falseAlarms > 0)
    .map((d) => ({ ...d, share: d.falseAlarms / d.alarms }))
    .sort((a, b) => b.falseAlarms - a.falseAlarms || b.share - a.share || b.lastAt.localeCompare(a.lastAt) || a.deviceId.localeCompare(b.deviceId))
    .slice(0, NUISANCE_LIMIT);
  return {
    ...window,
    alarms,
    falseAlarms,
    drills,
    byWeekdayHour,
    byDistrict: [...districts.values()].sort(bySize),
    byType: [...types.values()].sort(bySize),
    byOutcome: ALARM_OUTCOMES.map((key) => ({ key, alarms: outcomes.get(key) ?? 0 })),
    byDay,
    nuisance,
  };
}

/**
 * The stretches of [sinceMs, untilMs) that fall on a Shanghai weekday (1 Monday … 7 Sunday) and/or
 * an hour of day: one per matching day, as ISO `[start, end)` pairs — what a click on a cell of
 * the hour × weekday heat map lists. Null when the span is over ANALYTICS_MAX_DAYS days.
 */
export function hourWindows(sinceMs: number, untilMs: number, slot: { weekday?: number; hour?: number }): [string, string][] | null {
  if (untilMs - sinceMs > ANALYTICS_MAX_DAYS * DAY_MS) return null;
  const windows: [string, string][] = [];
  for (let day = shanghaiParts(sinceMs).dayStartMs; day < untilMs; day += DAY_MS) {
    if (slot.weekday !== undefined && shanghaiParts(day).weekday !== slot.weekday) continue;
    const start = Math.max(sinceMs, slot.hour === undefined ? day : day + slot.hour * 3_600_000);
    const end = Math.min(untilMs, slot.hour === undefined ? day + DAY_MS : day + (slot.hour + 1) * 3_600_000);
    if (start < end) windows.push([new Date(start).toISOString(), new Date(end).toISOString()]);
  }
  return windows;
}
