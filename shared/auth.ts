import { z } from 'zod';

/**
 * Roles: 公安指挥中心值班员 police operator, 教体局值班人员 education-bureau staff, a school's own
 * user, the big screen's read-only viewer, and the administrator.
 */
export const ROLES = ['police_operator', 'education_staff', 'school_user', 'viewer', 'admin'] as const;
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
}

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
