import { ALARM_STATES, ALARM_TYPES, deviceActor, type Alarm, type AlarmPriority, type AlarmState, type AlarmTransition, type AlarmType, type FieldStepRecord } from './domain/alarm.js';
import { SCHOOL_STATUSES, type SchoolStatus } from './domain/status.js';
import type { SchoolStatusChange } from './wall.js';

/**
 * The compact snapshot (issue 12): what a screen needs to paint, as tuples, gzip-compressed once
 * per `seq` and scope on the server and shared by every screen that asks for it. On the wire,
 * `alarm:snapshot` carries `{ seq, data }`: `data` is the gzip of the UTF-8 JSON text of a
 * {@link CompactSnapshot}. {@link parseSnapshotJson} turns its text back into the alarms and statuses
 * (a screen's: client/snapshot.ts `decodeSnapshot`, which gunzips with the platform's
 * DecompressionStream and unpacks the rows a slice at a time).
 */
export const SNAPSHOT_VERSION = 2;

/** Closed alarms a snapshot carries beside the open ones: the latest of the screen's scope (what a screen keeps for its closed tab). */
export const SNAPSHOT_CLOSED = 50;

/**
 * A time: milliseconds since the epoch (a canonical ISO-8601 UTC text, `toISOString()`, turned
 * into a number), or the text itself when it is not canonical. Inside a row, times after
 * `receivedAt` are kept as the difference from it (numbers) to stay short.
 */
export type PackedTime = number | string;

/**
 * One transition: `[action, from, to, actor, at, note, noteEn, unitId, field]`, trailing nulls cut
 * (`field`: a unit's phone step as it is, see `FieldStepRecord`).
 * `from` / `to` are indices into ALARM_STATES (`from` -1 for none); `actor` `"@"` stands for
 * `device:<the alarm's deviceId>`; `at` as a {@link PackedTime} relative to the alarm's receipt.
 */
export type TransitionRow = [action: string, from: number, to: number, actor: string, at: PackedTime, note?: string | null, noteEn?: string | null, unitId?: string | null, field?: FieldStepRecord | null];

/**
 * One alarm: `[id, type, priority, state, schoolId, districtCode, deviceId, receivedAt,
 * openedAt, updatedAt, lastSeenAt, count, drill, unitId, disposition, transitions]` — `type` and
 * `state` are indices into ALARM_TYPES / ALARM_STATES, `drill` 0 or 1, `receivedAt` a
 * {@link PackedTime} and the three later times relative to it.
 */
export type AlarmRow = [
  id: string,
  type: number,
  priority: number,
  state: number,
  schoolId: string,
  districtCode: string,
  deviceId: string,
  receivedAt: PackedTime,
  openedAt: PackedTime,
  updatedAt: PackedTime,
  lastSeenAt: PackedTime,
  count: number,
  drill: 0 | 1,
  unitId: string | null,
  disposition: string | null,
  transitions: TransitionRow[],
];

/** A school that is not `normal`: `[schoolId, status]`, status an index into SCHOOL_STATUSES. */
export type StatusRow = [schoolId: string, status: number];

/** The JSON inside a snapshot's `data`. */
export interface CompactSnapshot {
  v: typeof SNAPSHOT_VERSION;
  seq: number;
  /** Every open alarm of the scope and its latest closed ones. */
  alarms: AlarmRow[];
  /** The schools of the scope that are not `normal` as the snapshot was built (all others are normal). */
  statuses: StatusRow[];
}

/** `alarm:snapshot` as it travels: `data` is a Buffer on the server, an ArrayBuffer in a browser, a Buffer in a Node client. */
export interface AlarmSnapshotWire {
  seq: number;
  data: ArrayBuffer | Uint8Array;
}

/** A decoded snapshot: as the screen's stores take it. */
export interface DecodedSnapshot {
  seq: number;
  alarms: Alarm[];
  statuses: SchoolStatusChange[];
}

function packTime(iso: string): PackedTime {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

function packRelative(iso: string, base: PackedTime): PackedTime {
  const packed = packTime(iso);
  return typeof packed === 'number' && typeof base === 'number' ? packed - base : iso;
}

function unpackTime(packed: PackedTime): string {
  return typeof packed === 'number' ? new Date(packed).toISOString() : packed;
}

function unpackRelative(packed: PackedTime, base: PackedTime): string {
  return typeof packed === 'number' && typeof base === 'number' ? new Date(base + packed).toISOString() : String(packed);
}

function packTransition(step: AlarmTransition, alarm: Alarm, base: PackedTime): TransitionRow {
  const row: TransitionRow = [
    step.action,
    step.from === null ? -1 : ALARM_STATES.indexOf(step.from),
    ALARM_STATES.indexOf(step.to),
    step.actor === deviceActor(alarm.deviceId) ? '@' : step.actor,
    packRelative(step.at, base),
    step.note,
    step.noteEn ?? null,
    step.unitId ?? null,
    step.field ?? null,
  ];
  while (row.length > 5 && (row[row.length - 1] === null || row[row.length - 1] === undefined)) row.pop();
  return row;
}

function unpackTransition(row: TransitionRow, deviceId: string, base: PackedTime): AlarmTransition {
  const [action, from, to, actor, at, note, noteEn, unitId, field] = row;
  return {
    action,
    ...(unitId ? { unitId } : {}),
    from: from < 0 ? null : stateAt(from),
    to: stateAt(to),
    actor: actor === '@' ? deviceActor(deviceId) : actor,
    at: unpackRelative(at, base),
    note: note ?? null,
    ...(noteEn ? { noteEn } : {}),
    ...(field ? { field } : {}),
  };
}

function stateAt(index: number): AlarmState {
  const state = ALARM_STATES[index];
  if (!state) throw new Error(`snapshot: unknown alarm state ${index}`);
  return state;
}

/** An alarm as a row. */
export function packAlarm(alarm: Alarm): AlarmRow {
  const base = packTime(alarm.receivedAt);
  return [
    alarm.id,
    ALARM_TYPES.indexOf(alarm.type),
    alarm.priority,
    ALARM_STATES.indexOf(alarm.state),
    alarm.schoolId,
    alarm.districtCode,
    alarm.deviceId,
    base,
    packRelative(alarm.openedAt, base),
    packRelative(alarm.updatedAt, base),
    packRelative(alarm.lastSeenAt, base),
    alarm.count,
    alarm.drill ? 1 : 0,
    alarm.unitId,
    alarm.disposition,
    alarm.transitions.map((step) => packTransition(step, alarm, base)),
  ];
}

/** A row back as the alarm it was. */
export function unpackAlarm(row: AlarmRow): Alarm {
  const [id, type, priority, state, schoolId, districtCode, deviceId, base, openedAt, updatedAt, lastSeenAt, count, drill, unitId, disposition, transitions] = row;
  const alarmType: AlarmType | undefined = ALARM_TYPES[type];
  if (!alarmType) throw new Error(`snapshot: unknown alarm type ${type}`);
  return {
    id,
    type: alarmType,
    priority: priority as AlarmPriority,
    state: stateAt(state),
    schoolId,
    deviceId,
    districtCode,
    openedAt: unpackRelative(openedAt, base),
    receivedAt: unpackTime(base),
    updatedAt: unpackRelative(updatedAt, base),
    count,
    lastSeenAt: unpackRelative(lastSeenAt, base),
    drill: drill === 1,
    unitId,
    disposition,
    transitions: transitions.map((step) => unpackTransition(step, deviceId, base)),
  };
}

/** A school's status as a row. */
export function packStatus(change: SchoolStatusChange): StatusRow {
  return [change.schoolId, SCHOOL_STATUSES.indexOf(change.status)];
}

/** A status row back as the school's status. */
export function unpackStatus([schoolId, index]: StatusRow): SchoolStatusChange {
  const status: SchoolStatus | undefined = SCHOOL_STATUSES[index];
  if (!status) throw new Error(`snapshot: unknown school status ${index}`);
  return { schoolId, status };
}

/**
 * The JSON text of a compact snapshot from rows already turned into JSON text (the server keeps
 * each open alarm's row text ready, so a snapshot is a join, not a walk over every alarm).
 */
export function snapshotJson(seq: number, alarmRowsJson: readonly string[], statuses: readonly StatusRow[]): string {
  return `{"v":${SNAPSHOT_VERSION},"seq":${seq},"alarms":[${alarmRowsJson.join(',')}],"statuses":${JSON.stringify(statuses)}}`;
}

/** The compact snapshot's JSON, parsed and checked for its version; its rows still packed. */
export function readSnapshotJson(text: string): CompactSnapshot {
  const parsed = JSON.parse(text) as CompactSnapshot;
  if (parsed.v !== SNAPSHOT_VERSION) throw new Error(`snapshot: version ${String(parsed.v)}, expected ${SNAPSHOT_VERSION}`);
  return parsed;
}

/** The compact snapshot's JSON, parsed and checked for its version, every row unpacked. */
export function parseSnapshotJson(text: string): DecodedSnapshot {
  const parsed = readSnapshotJson(text);
  return { seq: parsed.seq, alarms: parsed.alarms.map(unpackAlarm), statuses: parsed.statuses.map(unpackStatus) };
}
