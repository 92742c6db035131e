import type { Alarm } from '../domain/alarm.js';
import { isOpenState } from '../domain/alarm.js';
import { SCHOOL_SETTINGS, type SchoolSetting } from '../domain/entities.js';
import { QUICK_RESPONSE_PRIORITIES, responseTarget, type ResponseStep, type ResponseTargets } from './response.js';

/**
 * 达标率 of one response step: of the P1/P2 alarms whose step is due (it happened, or its target
 * has run out while the alarm is open), the share that met the target. An alarm closed without
 * the step (a false alarm resolved before a unit went) and one still within its target are not
 * due: they count neither way.
 */
export interface StepAttainment {
  /** Alarms the step was due for. */
  due: number;
  /** Of those, met within the target. */
  met: number;
  /** met / due, 0..1 to 4 decimals; null when nothing was due. */
  share: number | null;
}

/** Attainment of one slice (the city, a district, a setting, or a district's setting). */
export interface AttainmentSlice {
  /** `all`, a district code, a setting, or `district:setting`. */
  key: string;
  /** P1/P2 real alarms in the slice. */
  alarms: number;
  acknowledge: StepAttainment;
  onScene: StepAttainment;
}

/** The 1-3-5 attainment of a set of alarms: the whole, by district, by setting and by district and setting. */
export interface ResponseAttainment {
  all: AttainmentSlice;
  byDistrict: AttainmentSlice[];
  bySetting: AttainmentSlice[];
  byDistrictSetting: AttainmentSlice[];
}

/** Where one alarm stands on one step: met, missed or not counted. */
function stepOutcome(alarm: Alarm, action: 'ack' | 'arrive', target: number | null, atMs: number): 'met' | 'missed' | null {
  if (target === null) return null;
  const start = Date.parse(alarm.receivedAt);
  const step = alarm.transitions.find((t) => t.action === action);
  if (step) return (Date.parse(step.at) - start) / 1000 <= target ? 'met' : 'missed';
  if (!isOpenState(alarm.state)) return null;
  return (atMs - start) / 1000 > target ? 'missed' : null;
}

interface Tally {
  alarms: number;
  ackDue: number;
  ackMet: number;
  sceneDue: number;
  sceneMet: number;
}

const share = (met: number, due: number): number | null => (due === 0 ? null : Math.round((met / due) * 10_000) / 10_000);

function toSlice(key: string, t: Tally): AttainmentSlice {
  return {
    key,
    alarms: t.alarms,
    acknowledge: { due: t.ackDue, met: t.ackMet, share: share(t.ackMet, t.ackDue) },
    onScene: { due: t.sceneDue, met: t.sceneMet, share: share(t.sceneMet, t.sceneDue) },
  };
}

/**
 * The one computation of 1-3-5 attainment (达标率), reused by the desk/kiosk figures
 * (`/alarms/stats`) and the periodic report: real (not drill) P1/P2 alarms, each held to the
 * target of its school's setting (`settingOf`), as of `at` (ISO) for the alarms still open.
 */
export function responseAttainment(input: {
  alarms: readonly Alarm[];
  targets: ResponseTargets;
  settingOf: (alarm: Alarm) => SchoolSetting;
  at: string;
}): ResponseAttainment {
  const atMs = Date.parse(input.at);
  const tallies = new Map<string, Tally>();
  const add = (key: string, ack: 'met' | 'missed' | null, scene: 'met' | 'missed' | null) => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { alarms: 0, ackDue: 0, ackMet: 0, sceneDue: 0, sceneMet: 0 }));
    t.alarms++;
    if (ack) t.ackDue++;
    if (ack === 'met') t.ackMet++;
    if (scene) t.sceneDue++;
    if (scene === 'met') t.sceneMet++;
  };
  const target = (alarm: Alarm, step: ResponseStep, setting: SchoolSetting) => responseTarget(input.targets, alarm.priority, step, setting);
  for (const alarm of input.alarms) {
    if (alarm.drill || !QUICK_RESPONSE_PRIORITIES.includes(alarm.priority)) continue;
    const setting = input.settingOf(alarm);
    const ack = stepOutcome(alarm, 'ack', target(alarm, 'acknowledge', setting), atMs);
    const scene = stepOutcome(alarm, 'arrive', target(alarm, 'onScene', setting), atMs);
    for (const key of ['all', `d:${alarm.districtCode}`, `s:${setting}`, `ds:${alarm.districtCode}:${setting}`]) add(key, ack, scene);
  }
  const empty: Tally = { alarms: 0, ackDue: 0, ackMet: 0, sceneDue: 0, sceneMet: 0 };
  const prefixed = (prefix: string) =>
    [...tallies]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, t]) => toSlice(key.slice(prefix.length), t))
      .sort((a, b) => a.key.localeCompare(b.key));
  const order = (slice: AttainmentSlice) => SCHOOL_SETTINGS.indexOf(slice.key as SchoolSetting);
  return {
    all: toSlice('all', tallies.get('all') ?? empty),
    byDistrict: prefixed('d:'),
    bySetting: prefixed('s:').sort((a, b) => order(a) - order(b)),
    byDistrictSetting: prefixed('ds:'),
  };
}
