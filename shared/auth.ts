import { z } from 'zod';

/**
 * Roles: 公安指挥中心值班员 police operator, 教体局值班人员 education-bureau staff, a school's own
 * user, the big screen's read-only viewer, the administrator, and 出警单位人员 a responder — a
 * person of a police unit (警务室 / 治安岗亭) who takes the alarms dispatched to that unit on a
 * phone (`/m`, issue 14).
 */
export const ROLES = ['police_operator', 'education_staff', 'school_user', 'viewer', 'admin', 'responder'] as const;
/** A person's role. */
export type Role = (typeof ROLES)[number];

/** Who is signed in, as the server and the client see it. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** A county-level user's district; null for city-level users, who see every district. */
  districtCode: string | null;
  /** A school user's school. */
  schoolId: string | null;
  /** A responder's unit (a police post id); null for everyone else. */
  unitId: string | null;
}

/** The session cookie (HttpOnly): the server's only proof of who a browser is. */
export const SESSION_COOKIE = 'xiaoan_session';
/** The CSRF cookie beside the session, which the page echoes in `CSRF_HEADER` on every write (bound to the session). */
export const CSRF_COOKIE = 'xiaoan_csrf';
/** The header a cookie-authenticated write carries its CSRF token in (lower case, as Node names headers). */
export const CSRF_HEADER = 'x-csrf-token';

/** A signed-in person as sent (see `SessionUser`). */
export const sessionUserSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  districtCode: z.string().nullable(),
  schoolId: z.string().nullable(),
  unitId: z.string().nullable(),
}) satisfies z.ZodType<SessionUser>;

/** `POST /api/v1/auth/login` and `/auth/kiosk` answer: the person, and the CSRF token also set as a cookie. */
export const signedInSchema = z.object({ user: sessionUserSchema, csrfToken: z.string() });

/** `POST /api/v1/auth/login`. */
export const loginSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** The shortest password the system accepts. */
export const MIN_PASSWORD_LENGTH = 10;

/** `POST /api/v1/auth/password`. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
});

/**
 * What a person may do. Every REST route and socket event names one of these (or is public);
 * a route or event without a rule is refused (deny by default).
 */
export const PERMISSIONS = [
  /** Read the map wall, the registry, alarms, device health, coverage (within scope). */
  'read',
  /** Act on alarms: acknowledge, dispatch, arrive, resolve, hand off to 110, reset a latched SOS. */
  'alarm.command',
  /** Write compliance records, routines (drill/inspection/self-check records) and hazards. */
  'records.write',
  /** Export spreadsheets and reports. */
  'export',
  /** Plan, start, end and score drills (演练). */
  'drill.run',
  /** Manage people, ingest tokens, kiosk viewer links; read and export the audit log. */
  'admin',
  /** Take the alarms dispatched to one's own unit on a phone: accept, on scene, report (responders only). */
  'field.respond',
  /** Raise the school's own 一键报警 from its duty-room browser (a school user, at its school). */
  'school.sos',
  /** Record the city's or a county's inspection campaigns (检查督导, 二(五)2) and publish their circulars (通报): the education bureau and the police, for their own department. */
  'inspection.write',
] as const;
/** One permission. */
export type Permission = (typeof PERMISSIONS)[number];

/** Each role's permissions; scope (district, school) is applied on top of these. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  police_operator: ['read', 'alarm.command', 'export', 'drill.run', 'inspection.write'],
  education_staff: ['read', 'records.write', 'export', 'drill.run', 'inspection.write'],
  school_user: ['read', 'records.write', 'school.sos'],
  viewer: ['read'],
  admin: ['read', 'alarm.command', 'records.write', 'export', 'drill.run', 'admin', 'inspection.write'],
  responder: ['field.respond'],
};

/** Whether a role holds a permission. */
export function can(user: Pick<SessionUser, 'role'>, permission: Permission): boolean {
  return ROLE_PERMISSIONS[user.role].includes(permission);
}

/** Where something is: its district, and its school when it belongs to one. */
export interface Place {
  districtCode: string;
  schoolId?: string | null;
}

/**
 * Whether a person's scope covers a place: city-level people (no district) see every district, a
 * county-level person only theirs, a school user only their own school.
 */
export function inScope(user: Pick<SessionUser, 'districtCode' | 'schoolId' | 'role'>, place: Place): boolean {
  // A responder's scope is its unit's alarms, not a place (server/services/unit-scope.ts).
  if (user.role === 'responder') return false;
  if (user.role === 'school_user') return user.schoolId !== null && place.schoolId === user.schoolId;
  return user.districtCode === null || user.districtCode === place.districtCode;
}
