import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, ROLES, sessionUserSchema, type SessionUser } from './auth.js';
import { DISTRICT_CODES } from './domain/index.js';

/** Administration API (`/api/v1/admin/*`, permission `admin`): people, ingest tokens, kiosk links, audit. */

const password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(256);
const displayName = z.string().trim().min(1, 'required').max(40, 'at most 40 characters');
const districtCode = z.enum(DISTRICT_CODES, 'not a district of the city').nullable();
const schoolId = z.string().trim().min(1).max(64).nullable();
const unitId = z.string().trim().min(1).max(64).nullable();

/** `GET /api/v1/admin/users` items and the answer of every user write. */
export interface AdminUser extends SessionUser {
  disabled: boolean;
  /** Set while the account is locked after failed sign-ins. */
  lockedUntil: string | null;
  createdAt: string;
  passwordChangedAt: string;
}

/** An account as listed (see `AdminUser`). */
export const adminUserSchema = sessionUserSchema.extend({ disabled: z.boolean(), lockedUntil: z.string().nullable(), createdAt: z.string(), passwordChangedAt: z.string() }) satisfies z.ZodType<AdminUser>;

/**
 * `POST /api/v1/admin/users`. A school user names its school (its district follows); a responder
 * its unit (a police post; its district follows); county-level people a district.
 */
export const userCreateSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'required')
    .max(64, 'at most 64 characters')
    .regex(/^[\p{L}\p{N}._-]+$/u, 'letters, digits, dot, dash and underscore only'),
  displayName,
  password,
  role: z.enum(ROLES),
  districtCode: districtCode.default(null),
  schoolId: schoolId.default(null),
  unitId: unitId.default(null),
});
export type UserCreate = z.infer<typeof userCreateSchema>;

/** `PUT /api/v1/admin/users/:id`: any of these. */
export const userUpdateSchema = z
  .object({
    displayName,
    role: z.enum(ROLES),
    districtCode,
    schoolId,
    unitId,
    disabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UserUpdate = z.infer<typeof userUpdateSchema>;

/** `POST /api/v1/admin/users/:id/password`. */
export const passwordResetSchema = z.object({ password });

/** An integration's ingest token as listed (the token itself is shown once, at creation). */
export interface IngestTokenView {
  id: number;
  name: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** `POST /api/v1/admin/tokens` answer: the view plus the token, shown this once. */
export interface CreatedIngestToken extends IngestTokenView {
  token: string;
}

const issued = { id: z.number(), name: z.string(), prefix: z.string(), createdBy: z.string(), createdAt: z.string(), revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable() };
/** An ingest token as listed (see `IngestTokenView`). */
export const ingestTokenViewSchema = z.object(issued) satisfies z.ZodType<IngestTokenView>;
/** A new ingest token with its secret (see `CreatedIngestToken`). */
export const createdIngestTokenSchema = ingestTokenViewSchema.extend({ token: z.string() }) satisfies z.ZodType<CreatedIngestToken>;

/** `POST /api/v1/admin/tokens`. */
export const tokenCreateSchema = z.object({ name: z.string().trim().min(1, 'required').max(80, 'at most 80 characters') });

/** A kiosk viewer link as listed. */
export interface ViewerLinkView {
  id: number;
  name: string;
  /** The district the screen shows, or null for the whole city. */
  districtCode: string | null;
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** `POST /api/v1/admin/viewer-links` answer: the view plus the key and the page URL, shown this once. */
export interface CreatedViewerLink extends ViewerLinkView {
  key: string;
  /** `/kiosk?key=<key>`, relative to the server. */
  url: string;
}

/** A viewer link as listed (see `ViewerLinkView`). */
export const viewerLinkViewSchema = z.object({ ...issued, districtCode: z.string().nullable() }) satisfies z.ZodType<ViewerLinkView>;
/** A new viewer link with its key and page (see `CreatedViewerLink`). */
export const createdViewerLinkSchema = viewerLinkViewSchema.extend({ key: z.string(), url: z.string() }) satisfies z.ZodType<CreatedViewerLink>;

/** `POST /api/v1/admin/viewer-links`. */
export const viewerLinkCreateSchema = z.object({
  name: z.string().trim().min(1, 'required').max(80, 'at most 80 characters'),
  districtCode: districtCode.default(null),
});

/** `POST /api/v1/auth/kiosk`. */
export const kioskSchema = z.object({ key: z.string().min(1).max(200) });

/** One audit log entry. */
export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  address: string | null;
  details: Record<string, unknown>;
}

/** `GET /api/v1/admin/audit` (and `.csv`) query. `action` matches a prefix (`auth.` finds every sign-in entry). */
export const auditQuerySchema = z
  .object({
    actor: z.string().trim().min(1).max(64).optional(),
    action: z.string().trim().min(1).max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** `nextCursor` of the previous page. */
    cursor: z.coerce.number().int().min(1).optional(),
  })
  .strict();

/** The largest audit export in one file. */
export const MAX_AUDIT_EXPORT = 100_000;
/** `GET /api/v1/admin/audit.csv` query: the audit query with a larger page (10,000 lines unless said). */
export const auditExportQuerySchema = auditQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(MAX_AUDIT_EXPORT).default(10_000) });

/** `GET /api/v1/admin/audit` answer: newest first. */
export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last. */
  nextCursor: number | null;
}

/** An audit entry as sent (see `AuditEntryView`). */
export const auditEntryViewSchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  address: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<AuditEntryView>;

/** `GET /api/v1/admin/audit` answer (see `AuditPage`). */
export const auditPageSchema = z.object({ entries: z.array(auditEntryViewSchema), nextCursor: z.number().nullable() }) satisfies z.ZodType<AuditPage>;
