import type { AlarmPriority } from '../domain/alarm.js';
import { findDistrict } from '../domain/districts.js';
import { SCHOOL_SETTINGS, type SchoolSetting } from '../domain/entities.js';

/**
 * The response targets of one priority, in seconds; null: no clock for that step. ISA-18.2 asks
 * that the operator's time go to what matters, so only the alarms the "1-3-5" quick-response rule
 * is for (P1 one-key SOS, P2 intrusion) run the 1-minute acknowledge and 3-/5-minute on-scene
 * clocks; a P3 (absent 护学岗, access anomaly) is followed up within its own, longer target; a P4
 * camera fault runs no acknowledge clock: its target is the 24 h restore of the health screen.
 *
 * The on-scene target follows the SCHOOL's setting (城区 city / 镇区 town / 乡村 rural, School.setting),
 * not its district: a city-setting school in a county gets the city's 3 minutes (docs/response-targets.md).
 */
export interface PriorityTargets {
  acknowledgeSeconds: number | null;
  /** On scene by the school's setting. */
  onSceneBySetting: Record<SchoolSetting, number | null>;
  /**
   * Kept for the `/client-config` contract (issue 15): the city setting's on-scene target. Readers
   * should use `onSceneBySetting`.
   */
  onSceneUrbanSeconds: number | null;
  /** Kept for the `/client-config` contract: the rural setting's on-scene target. */
  onSceneOtherSeconds: number | null;
}

/** Response targets per alarm priority (configuration: `XIAOAN_RESPONSE_TARGETS`). */
export type ResponseTargets = Record<AlarmPriority, PriorityTargets>;

/** One priority's targets from the acknowledge target and the on-scene one per setting (the legacy fields derived). */
export function priorityTargets(acknowledgeSeconds: number | null, onScene: Record<SchoolSetting, number | null>): PriorityTargets {
  return { acknowledgeSeconds, onSceneBySetting: { ...onScene }, onSceneUrbanSeconds: onScene.city, onSceneOtherSeconds: onScene.rural };
}

/** 1-3-5: acknowledge in 1 minute; on scene in 3 minutes at a city-setting school, 5 at a town or rural one. */
const QUICK_RESPONSE: PriorityTargets = priorityTargets(60, { city: 180, town: 300, rural: 300 });
const NO_SCENE = { city: null, town: null, rural: null };

/** Default targets: 1-3-5 for P1/P2, acknowledge within 10 min for P3, no clock for P4. */
export const DEFAULT_RESPONSE_TARGETS: ResponseTargets = {
  1: QUICK_RESPONSE,
  2: QUICK_RESPONSE,
  3: priorityTargets(600, NO_SCENE),
  4: priorityTargets(null, NO_SCENE),
};

/** The priorities the "1-3-5" rule is for: the ones whose response times the 1-3-5 figures report. */
export const QUICK_RESPONSE_PRIORITIES: readonly AlarmPriority[] = [1, 2];

/** A timed response step. */
export type ResponseStep = 'acknowledge' | 'onScene';

/**
 * The setting to time a school by when its own is not known (a screen before the registry has
 * loaded): the city's districts are timed as city, the counties as town.
 */
export function fallbackSetting(districtCode: string): SchoolSetting {
  return findDistrict(districtCode)?.urban ? 'city' : 'town';
}

/** True for a known school setting. */
export function isSchoolSetting(value: unknown): value is SchoolSetting {
  return (SCHOOL_SETTINGS as readonly unknown[]).includes(value);
}

/**
 * The target of a step for an alarm of `priority` at a school of `setting` (on scene: by setting);
 * null: no clock. Targets served by an older server (no `onSceneBySetting`) read city = urban,
 * town and rural = other.
 */
export function responseTarget(targets: ResponseTargets, priority: AlarmPriority, step: ResponseStep, setting: SchoolSetting): number | null {
  const own = targets[priority];
  if (step === 'acknowledge') return own.acknowledgeSeconds;
  const bySetting = own.onSceneBySetting as Record<SchoolSetting, number | null> | undefined;
  if (bySetting) return bySetting[setting];
  return setting === 'city' ? own.onSceneUrbanSeconds : own.onSceneOtherSeconds;
}

/** Where a timer stands against its target: green under 80 %, amber up to the target itself, red past it. */
export type TimerLevel = 'ok' | 'warn' | 'late';

/**
 * Grades elapsed whole seconds against a target. Reaching the target exactly is still in time
 * (acknowledged at 1:00 meets "within 1 minute"); one second more is late.
 */
export function timerLevel(elapsedSeconds: number, targetSeconds: number): TimerLevel {
  if (elapsedSeconds > targetSeconds) return 'late';
  if (elapsedSeconds >= targetSeconds * 0.8) return 'warn';
  return 'ok';
}

/** Seconds past the target (0 while in time): the "+m:ss" of 超时. */
export function overrunSeconds(elapsedSeconds: number, targetSeconds: number): number {
  return Math.max(0, elapsedSeconds - targetSeconds);
}

/** True when a step taken after `elapsedSeconds` met its target. */
export function metInTime(elapsedSeconds: number, targetSeconds: number): boolean {
  return elapsedSeconds <= targetSeconds;
}
