import { can, type SessionUser } from '../../shared/auth.js';

/**
 * Whose alarms a screen sees: the city's, one district's, one school's, one unit's (a responder's
 * phone: the alarms dispatched to its unit), or none (a person who may not read alarms). The same
 * split as the socket rooms (realtime/rooms.ts) and the snapshots.
 */
export type AlarmScope =
  | { kind: 'city' }
  | { kind: 'district'; districtCode: string }
  | { kind: 'school'; schoolId: string }
  | { kind: 'unit'; unitId: string }
  | { kind: 'none' };

/** Every alarm: where the snapshots' store of open alarms starts (realtime/snapshots.ts). */
export const EVERY_ALARM: AlarmScope = { kind: 'city' };

/** The alarm scope of a signed-in person. */
export function alarmScopeOf(user: SessionUser): AlarmScope {
  if (user.role === 'responder') return can(user, 'field.respond') && user.unitId ? { kind: 'unit', unitId: user.unitId } : { kind: 'none' };
  if (!can(user, 'read')) return { kind: 'none' };
  if (user.role === 'school_user') return user.schoolId ? { kind: 'school', schoolId: user.schoolId } : { kind: 'none' };
  return user.districtCode === null ? { kind: 'city' } : { kind: 'district', districtCode: user.districtCode };
}

/** Whether a place (an alarm's district, school and unit; a school's status has no unit) is within a scope. */
export function inAlarmScope(scope: AlarmScope, place: { districtCode: string | undefined; schoolId: string; unitId?: string | null }): boolean {
  switch (scope.kind) {
    case 'city':
      return true;
    case 'none':
      return false;
    case 'district':
      return place.districtCode === scope.districtCode;
    case 'school':
      return place.schoolId === scope.schoolId;
    case 'unit':
      return place.unitId === scope.unitId;
  }
}
