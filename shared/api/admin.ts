import { z } from 'zod';
import {
  adminUserSchema, auditExportQuerySchema, auditPageSchema, auditQuerySchema, createdIngestTokenSchema, createdViewerLinkSchema, ingestTokenViewSchema,
  passwordResetSchema, tokenCreateSchema, userCreateSchema, userUpdateSchema, viewerLinkCreateSchema, viewerLinkViewSchema,
} from '../admin.js';
import { channelAssignSchema, sipOverviewSchema, unassignedChannelSchema } from '../sip.js';
import { deviceSchema } from '../domain/entity-schemas.js';
import { numericIdParams, route } from './route.js';

/** Administration (server/http/admin.routes.ts, permission `admin`): people, ingest tokens, kiosk viewer links, the audit log. Every change is audited. */
export const ADMIN_ROUTES = {
  'admin.users': route({ method: 'GET', path: '/admin/users', allow: 'admin', answer: z.object({ users: z.array(adminUserSchema) }), summary: 'every account, by username' }),
  'admin.createUser': route({ method: 'POST', path: '/admin/users', allow: 'admin', body: userCreateSchema, answer: adminUserSchema, status: 201, summary: 'create an account' }),
  'admin.updateUser': route({ method: 'PUT', path: '/admin/users/:id', allow: 'admin', params: numericIdParams, body: userUpdateSchema, answer: adminUserSchema, summary: 'change an account’s name, role, scope or disabled flag' }),
  'admin.resetPassword': route({ method: 'POST', path: '/admin/users/:id/password', allow: 'admin', params: numericIdParams, body: passwordResetSchema, answer: 'none', summary: 'set a new password for an account (its sessions end)' }),
  'admin.tokens': route({ method: 'GET', path: '/admin/tokens', allow: 'admin', answer: z.object({ tokens: z.array(ingestTokenViewSchema) }), summary: 'the ingest tokens, newest first' }),
  'admin.createToken': route({ method: 'POST', path: '/admin/tokens', allow: 'admin', body: tokenCreateSchema, answer: createdIngestTokenSchema, status: 201, summary: 'a new ingest token for an integration (shown this once)' }),
  'admin.revokeToken': route({ method: 'POST', path: '/admin/tokens/:id/revoke', allow: 'admin', params: numericIdParams, answer: ingestTokenViewSchema, summary: 'revoke an ingest token at once' }),
  'admin.viewerLinks': route({ method: 'GET', path: '/admin/viewer-links', allow: 'admin', answer: z.object({ links: z.array(viewerLinkViewSchema) }), summary: 'the kiosk viewer links, newest first' }),
  'admin.createViewerLink': route({ method: 'POST', path: '/admin/viewer-links', allow: 'admin', body: viewerLinkCreateSchema, answer: createdViewerLinkSchema, status: 201, summary: 'a new kiosk viewer link (its key shown this once)' }),
  'admin.revokeViewerLink': route({ method: 'POST', path: '/admin/viewer-links/:id/revoke', allow: 'admin', params: numericIdParams, answer: viewerLinkViewSchema, summary: 'revoke a viewer link: its screens are signed out at once' }),
  'admin.audit': route({ method: 'GET', path: '/admin/audit', allow: 'admin', query: auditQuerySchema, answer: auditPageSchema, summary: 'one page of the audit log, newest first' }),
  'admin.sip': route({ method: 'GET', path: '/admin/sip', allow: 'admin', answer: sipOverviewSchema, summary: 'the GB/T 28181 endpoint: registered devices, catalog channels the registry does not know, counts' }),
  'admin.assignSipChannel': route({ method: 'POST', path: '/admin/sip/channels/:code/assign', allow: 'admin', body: channelAssignSchema, answer: z.object({ device: deviceSchema, channel: unassignedChannelSchema }), summary: 'register a listed channel as a device of a school (audited)' }),
  'admin.auditCsv': route({ method: 'GET', path: '/admin/audit.csv', allow: 'admin', query: auditExportQuerySchema, answer: 'file', summary: 'the audit log as CSV (audited)' }),
} as const;
