import type { Alarm, AlarmPriority, AlarmType } from './domain/alarm.js';
import type { SchoolStatus } from './domain/status.js';
import type { PostState } from './rules/guard-post.js';
import type { CameraSummary } from './wall.js';

/**
 * The figures every screen shows (wall, kiosk, console, device health), defined once so the same
 * thing has the same number everywhere. Each figure names what it counts; the words for them are
 * the client's `figures.*` texts.
 */

/** Alarm types that are about a camera (its own fault report); everything else is not a device fault. */
export const CAMERA_ALARM_TYPES: readonly AlarmType[] = ['camera_fault'];

/** What an open alarm, or an unhealthy camera, adds to its school's live status. */
export type SchoolStatusCause = 'alarms' | 'drills' | 'warnings' | 'faults';

/** How many of each cause a school has open now. */
export type SchoolStatusCounts = Record<SchoolStatusCause, number>;

/**
 * Which count an open alarm adds to: a drill alarm to drills whatever its priority; a real P1/P2
 * (SOS, intrusion) to alarms; a camera's own fault report to device faults (with the cameras that
 * are offline or faulty); any other P3/P4 alarm (护学岗 缺岗, access anomaly) to minor alarms.
 */
export function schoolStatusCause(alarm: Pick<Alarm, 'drill' | 'priority' | 'type'>): SchoolStatusCause {
  if (alarm.drill) return 'drills';
  if (alarm.priority <= 2) return 'alarms';
  return CAMERA_ALARM_TYPES.includes(alarm.type) ? 'faults' : 'warnings';
}

/** A school's live status from its counts: the most severe cause present. */
export function schoolStatusFrom(counts: SchoolStatusCounts): SchoolStatus {
  if (counts.alarms > 0) return 'alarm';
  if (counts.drills > 0) return 'drill';
  if (counts.warnings > 0) return 'warning';
  if (counts.faults > 0) return 'fault';
  return 'normal';
}

/** Open real alarms (drills never counted) of each priority. */
export function realOpenByPriority(openAlarms: readonly Pick<Alarm, 'drill' | 'priority'>[]): Record<AlarmPriority, number> {
  const counts: Record<AlarmPriority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const alarm of openAlarms) if (!alarm.drill) counts[alarm.priority] += 1;
  return counts;
}

/**
 * Drills under way: the schools running one now (a drill is one school's exercise, whatever
 * number of drill alarms it raises), counted from the open drill alarms.
 */
export function drillsUnderway(openAlarms: readonly Pick<Alarm, 'drill' | 'schoolId'>[]): number {
  return new Set(openAlarms.filter((alarm) => alarm.drill).map((alarm) => alarm.schoolId)).size;
}

/** The cameras figure: online share (rounded down to 0.1 %) and the cameras down (offline or faulty). */
export interface CameraFigure {
  /** Percent online, rounded down to one decimal (25,975 of 25,981 must not read 100.0); null with no cameras. */
  onlinePercent: number | null;
  /** Cameras offline or reporting a fault: the cameras that open fault tickets. */
  down: number;
  total: number;
}

/** The cameras figure from the camera summary. */
export function cameraFigure(summary: CameraSummary | null): CameraFigure {
  if (!summary || summary.total === 0) return { onlinePercent: null, down: 0, total: summary?.total ?? 0 };
  return { onlinePercent: Math.floor((summary.online / summary.total) * 1000) / 10, down: summary.total - summary.online, total: summary.total };
}

/** 护学岗 posts due now: those whose duty window is running (on duty, late or absent). */
export function postsDue(counts: Record<PostState, number>): number {
  return counts.on_duty + counts.late + counts.absent;
}
