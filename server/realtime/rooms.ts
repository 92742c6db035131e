import type { Server, Socket } from 'socket.io';
import { can, inScope, type SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.js';
import { unitsOfChange } from '../../shared/rules/field-steps.js';

/** Messages between server nodes (through the Redis adapter when REDIS_URL is set). */
export interface InterNodeEvents {
  /** Alarm changes a node committed, for the other nodes to deliver to their own screens. */
  'alarm:changes': (changes: AlarmChange[]) => void;
  /** The admin screen asks every node for its SIP registrations (each node's endpoint keeps its own); validated where gathered. */
  'sip:registrations': (done: (registrations: unknown) => void) => void;
}

/** The typed Socket.IO server of the app. */
export type XiaoanServer = Server<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;
/** One typed connection. */
export type XiaoanSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;

/**
 * Rooms by scope. Alarms: `alarms:city` (city-level screens: everything), `alarms:<districtCode>`
 * (a county's screens), `alarms:school:<schoolId>` (a school user's), `alarms:unit:<unitId>` (a
 * responder's phone: the alarms dispatched to its unit). The coalesced health pushes use the first
 * three levels under `wall:` (a phone has none). A screen joins exactly one room of each kind.
 */
export const ROOMS = {
  alarmsCity: 'alarms:city',
  alarmsDistrict: (districtCode: string) => `alarms:${districtCode}`,
  alarmsSchool: (schoolId: string) => `alarms:school:${schoolId}`,
  alarmsUnit: (unitId: string) => `alarms:unit:${unitId}`,
  wallCity: 'wall:city',
  wallDistrict: (districtCode: string) => `wall:${districtCode}`,
  wallSchool: (schoolId: string) => `wall:school:${schoolId}`,
} as const;

/** The alarm rooms that see something at a place: the city's, its district's and its school's. */
export function alarmRoomsOf(place: { districtCode: string; schoolId: string }): string[] {
  return [ROOMS.alarmsCity, ROOMS.alarmsDistrict(place.districtCode), ROOMS.alarmsSchool(place.schoolId)];
}

/**
 * The rooms an alarm change goes to: the city's, its district's, its school's, and the unit rooms
 * of the units it concerns (dispatched to now, or just taken from: `unitsOfChange`).
 */
export function alarmChangeRoomsOf(alarm: Alarm): string[] {
  return [...alarmRoomsOf(alarm), ...unitsOfChange(alarm).map(ROOMS.alarmsUnit)];
}

/** The rooms a signed-in person's screen joins: one for alarms and one for the health pushes, by scope (a responder: its unit's alarms). */
export function roomsOf(user: SessionUser): string[] {
  if (user.role === 'responder') return can(user, 'field.respond') && user.unitId ? [ROOMS.alarmsUnit(user.unitId)] : [];
  if (!can(user, 'read')) return [];
  if (user.role === 'school_user') return user.schoolId ? [ROOMS.alarmsSchool(user.schoolId), ROOMS.wallSchool(user.schoolId)] : [];
  if (user.districtCode === null) return [ROOMS.alarmsCity, ROOMS.wallCity];
  return [ROOMS.alarmsDistrict(user.districtCode), ROOMS.wallDistrict(user.districtCode)];
}

/** Whether a person may see an alarm change (a responder: one that concerns its unit, see `alarmChangeRoomsOf`). */
export function seesAlarm(user: SessionUser, alarm: Alarm): boolean {
  if (user.role === 'responder') return can(user, 'field.respond') && user.unitId !== null && unitsOfChange(alarm).includes(user.unitId);
  return can(user, 'read') && inScope(user, { districtCode: alarm.districtCode, schoolId: alarm.schoolId });
}
