/** Alarm types: 紧急 one-key SOS, 入侵 intrusion, camera fault/offline, 护学岗 absent, access anomaly. */
export const ALARM_TYPES = ['sos', 'intrusion', 'camera_fault', 'post_absent', 'access_anomaly'] as const;
/** An alarm's type. */
export type AlarmType = (typeof ALARM_TYPES)[number];

/** Alarm states. `new → acknowledged → dispatched → on_scene → resolved`, or `false_alarm` / `cancelled`. */
export const ALARM_STATES = ['new', 'acknowledged', 'dispatched', 'on_scene', 'resolved', 'false_alarm', 'cancelled'] as const;
/** An alarm's state. */
export type AlarmState = (typeof ALARM_STATES)[number];

/** States in which an alarm is closed. */
export const CLOSED_ALARM_STATES: readonly AlarmState[] = ['resolved', 'false_alarm', 'cancelled'];

/** Whether an alarm in this state is still open (needs attention). */
export function isOpenState(state: AlarmState): boolean {
  return !CLOSED_ALARM_STATES.includes(state);
}

/** Priority: 1 is the most urgent. */
export type AlarmPriority = 1 | 2 | 3 | 4;

/** The priority each alarm type opens with: SOS highest. */
export const ALARM_PRIORITY: Record<AlarmType, AlarmPriority> = {
  sos: 1,
  intrusion: 2,
  access_anomaly: 3,
  post_absent: 3,
  camera_fault: 4,
};

/** How a step a device took names it: `device:<device id>` (an alarm's `raise`). */
export function deviceActor(deviceId: string): string {
  return `device:${deviceId}`;
}

/** The device that took a step, from its actor; null for a person's or the system's step. */
export function actorDevice(actor: string): string | null {
  return actor.startsWith('device:') ? actor.slice('device:'.length) : null;
}

/**
 * One stored step of an alarm's life: who moved it from which state to which, when, and why.
 * `action` names the step: `raise` (opened by its device), an operator action, or a system step
 * such as `auto_resolve` (actor `system`); a step such as
 * the 110 hand-off leaves the state as it was (`from` equals `to`).
 */
export interface AlarmTransition {
  action: string;
  /** The unit a `dispatch` step sent. */
  unitId?: string;
  from: AlarmState | null;
  to: AlarmState;
  /** A person's username, or `device:<id>` / `system` for automatic steps. */
  actor: string;
  at: string;
  note: string | null;
  /** The note in English, on steps the system writes in both languages (`note` is then zh-CN). */
  noteEn?: string;
  /**
   * A step taken by a person of the dispatched unit on their phone (`/m`, issue 14): 接警 accept,
   * 到场 arrive, 处置反馈 report. Absent on the operator's steps ("marked by the operator").
   */
  field?: FieldStepRecord;
}

/** What a unit's phone adds to a step it takes (see `AlarmTransition.field`). */
export interface FieldStepRecord {
  /** The unit (police post) whose person took the step. */
  unitId: string;
  /** The phone's own id for the step: a re-sent step (after a lost answer, or from the offline queue) is applied once. */
  requestId: string;
  /** When the server stored the step; `at` is when the person took it (earlier when it waited in the phone's offline queue). */
  recordedAt: string;
  /** The phone's position when the person allowed it (WGS-84), and its accuracy radius in metres. */
  position?: { lat: number; lng: number; accuracyM: number | null };
  /** Metres from the school (its gate point) to `position`. */
  distanceM?: number;
  /** A report's disposition (处置反馈). */
  disposition?: string;
  /** Photos stored with a report, by id (`GET /alarms/:id/photos/:photoId`). */
  photoIds?: string[];
}

/** An alarm as stored and as sent to screens. Times are ISO-8601 UTC. */
export interface Alarm {
  id: string;
  type: AlarmType;
  priority: AlarmPriority;
  state: AlarmState;
  schoolId: string;
  deviceId: string;
  districtCode: string;
  /** When the device says the alarm happened. */
  openedAt: string;
  /** When the server stored it. */
  receivedAt: string;
  updatedAt: string;
  /** Repeats from the same device folded into this alarm while it was open. */
  count: number;
  lastSeenAt: string;
  /** A drill alarm (演练): never counted as real, never handed to 110. */
  drill: boolean;
  /** Unit dispatched, if any. */
  unitId: string | null;
  disposition: string | null;
  transitions: AlarmTransition[];
}
