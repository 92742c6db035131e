import type { Server, Socket } from 'socket.io';
import { can, inScope, type SessionUser } from '../../shared/auth.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmChange, ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.js';

/** Messages between server nodes (through the Redis adapter when REDIS_URL is set). */
export interface InterNodeEvents {
  /** Alarm changes a node committed, for the other nodes to deliver to their own screens. */
  'alarm:changes': (changes: AlarmChange[]) => void;
}

/** The typed Socket.IO server of the app. */
export type XiaoanServer = Server<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;
/** One typed connection. */
export type XiaoanSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterNodeEvents, SocketData>;

/**
 * Rooms by scope. Alarms: `alarms:city` (city-level screens: everything), `alarms:<districtCode>`
 * (a county's screens), `alarms:school:<schoolId>` (a school user's). The coalesced health pushes
 * use the same three levels under `wall:`. A screen joins exactly one room of each kind.
 */
export const ROOMS = {
  alarmsCity: 'alarms:city',
  alarmsDistrict: (districtCode: string) => `alarms:${districtCode}`,
  alarmsSchool: (schoolId: string) => `alarms:school:${schoolId}`,
  wallCity: 'wall:city',
  wallDistrict: (districtCode: string) => `wall:${districtCode}`,
  wallSchool: (schoolId: string) => `wall:school:${schoolId}`,
} as const;

/** The alarm rooms that see something at a place: the city's, its district's and its school's. */
export function alarmRoomsOf(place: { districtCode: string; schoolId: string }): string[] {
  return [ROOMS.alarmsCity, ROOMS.alarmsDistrict(place.districtCode), ROOMS.alarmsSchool(place.schoolId)];
}

/** The rooms a signed-in person's screen joins: one for alarms and one for the health pushes, by scope. */
export function roomsOf(user: SessionUser): string[] {
  if (!can(user, 'read')) return [];
  if (user.role === 'school_user') return user.schoolId ? [ROOMS.alarmsSchool(user.schoolId), ROOMS.wallSchool(user.schoolId)] : [];
  if (user.districtCode === null) return [ROOMS.alarmsCity, ROOMS.wallCity];
  return [ROOMS.alarmsDistrict(user.districtCode), ROOMS.wallDistrict(user.districtCode)];
}

/** Whether a person may see an alarm. */
export function seesAlarm(user: SessionUser, alarm: Alarm): boolean {
  return can(user, 'read') && inScope(user, { districtCode: alarm.districtCode, schoolId: alarm.schoolId });
}
