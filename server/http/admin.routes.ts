import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  auditQuerySchema, passwordResetSchema, tokenCreateSchema, userCreateSchema, userUpdateSchema, viewerLinkCreateSchema, type AdminUser, type AuditEntryView,
} from '../../shared/admin.js';
import type { Role } from '../../shared/auth.js';
import type { AuditService } from '../auth/audit.service.js';
import type { AuthService } from '../auth/auth.service.js';
import type { IngestTokenService } from '../auth/ingest-token.service.js';
import type { ViewerLinkService } from '../auth/viewer-link.service.js';
import type { RegistryService } from '../services/registry.service.js';
import { validationError } from './compliance.routes.js';
import { auditSentence, type AuditNames } from '../../shared/audit-text.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { shanghaiDate, shanghaiDateTime } from '../../shared/time.js';
import type { Clock } from '../clock.js';
import { refusal, say } from '../../shared/refusal.js';
import { sendRefusal } from './refusal.js';
import { requireUser } from './route-policy.js';

interface AdminDeps {
  auth: AuthService;
  audit: AuditService;
  ingestTokens: IngestTokenService;
  viewerLinks: ViewerLinkService;
  registry: RegistryService;
  clock: Clock;
}

const idParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The largest audit export in one file. */
const MAX_AUDIT_EXPORT = 100_000;
const auditExportSchema = auditQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(MAX_AUDIT_EXPORT).default(10_000) });

/**
 * Where an account may look: a school user at its school (whose district follows), the
 * administrator everywhere, everyone else at the city (null) or one district. Null with the
 * field messages when the combination is wrong.
 */
function placeOf(
  registry: RegistryService,
  role: Role,
  districtCode: string | null,
  schoolId: string | null,
): { ok: true; districtCode: string | null; schoolId: string | null } | { ok: false; fields: Record<string, LocalizedText> } {
  if (role === 'school_user') {
    if (!schoolId) return { ok: false, fields: { schoolId: say('学校用户须指定所属学校', 'a school user must name its school') } };
    const school = registry.school(schoolId);
    if (!school) return { ok: false, fields: { schoolId: say(`没有编号为 ${schoolId} 的学校`, `no school ${schoolId}`) } };
    if (districtCode && districtCode !== school.districtCode) return { ok: false, fields: { districtCode: say(`学校 ${schoolId} 属于区县 ${school.districtCode}`, `school ${schoolId} is in district ${school.districtCode}`) } };
    return { ok: true, districtCode: school.districtCode, schoolId: school.id };
  }
  if (schoolId) return { ok: false, fields: { schoolId: say('只有学校用户绑定学校', 'only a school user is bound to a school') } };
  if (role === 'admin' && districtCode) return { ok: false, fields: { districtCode: say('管理员为市级账号，不绑定区县', 'the administrator is city-level') } };
  return { ok: true, districtCode, schoolId: null };
}

function refuseFields(res: Response, fields: Record<string, LocalizedText>): void {
  const line = (language: keyof LocalizedText, separator: string) => Object.entries(fields).map(([k, v]) => `${k}${separator}${v[language]}`);
  sendRefusal(res, 400, refusal(line('zh', '：').join('；'), line('en', ': ').join('; ')), fields);
}

function parseId(req: Request, res: Response): number | null {
  const id = idParam.safeParse(req.params.id);
  if (!id.success) {
    sendRefusal(res, 400, refusal(`不是有效的编号：${String(req.params.id)}`, `not an id: ${String(req.params.id)}`));
    return null;
  }
  return id.data;
}

/** A CSV cell: quoted when needed, and a leading = + - @ defused so a spreadsheet shows it as text. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The audit log as a person reads it: the Shanghai time, who, and what happened as a sentence in
 * both languages; the recorded codes and details stay in the last columns for a machine.
 */
function auditCsv(entries: AuditEntryView[], names: AuditNames): string {
  const header = ['时间 Time (Asia/Shanghai)', '操作人 Actor', '事件', 'Event', '来源地址 Address', '编号 id', '操作代码 action', '对象 target', '记录内容 details'];
  const lines = entries.map((e) => {
    const sentence = auditSentence(e, names);
    return [shanghaiDateTime(e.at), e.actor, sentence.zh, sentence.en, e.address ?? '', String(e.id), e.action, e.target ?? '', JSON.stringify(e.details)].map(csvCell).join(',');
  });
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** What changed between two accounts, for the audit entry: `{ field: { from, to } }`. */
function changesOf(before: AdminUser, after: AdminUser): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['displayName', 'role', 'districtCode', 'schoolId', 'disabled'] as const) {
    if (before[key] !== after[key]) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}

/**
 * `/admin/*` (permission `admin`, checked by the route policy): people, ingest tokens per
 * integration, kiosk viewer links, and the audit log with its CSV export. Every change is audited.
 */
export function adminRouter(deps: AdminDeps): Router {
  const { auth, audit, ingestTokens, viewerLinks, registry, clock } = deps;
  const router = Router();
  const note = (req: Request, action: string, target: string | null, details: Record<string, unknown> = {}) =>
    audit.append({ actor: requireUser(req).username, action, target, address: req.ip ?? null, details });

  // People
  router.get('/admin/users', async (_req, res) => {
    res.json({ users: await auth.listUsers() });
  });

  router.post('/admin/users', async (req, res) => {
    const input = userCreateSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const place = placeOf(registry, input.data.role, input.data.districtCode, input.data.schoolId);
    if (!place.ok) return refuseFields(res, place.fields);
    if (await auth.hasUser(input.data.username)) return void sendRefusal(res, 409, refusal(`用户名 ${input.data.username} 已被占用`, `the username ${input.data.username} is taken`), { username: say('已被占用', 'taken') });
    const created = await auth.createUser({ ...input.data, districtCode: place.districtCode, schoolId: place.schoolId });
    await note(req, 'user.create', `user:${created.username}`, { role: created.role, districtCode: created.districtCode, schoolId: created.schoolId, displayName: created.displayName });
    res.status(201).json(await auth.user(created.id));
  });

  router.put('/admin/users/:id', async (req, res) => {
    const id = parseId(req, res);
    if (id === null) return;
    const input = userUpdateSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const before = await auth.user(id);
    if (!before) return void sendRefusal(res, 404, refusal(`没有编号为 ${id} 的用户`, `no user ${id}`));
    const me = requireUser(req);
    if (id === me.id && (input.data.disabled === true || (input.data.role !== undefined && input.data.role !== 'admin'))) {
      return void sendRefusal(res, 409, refusal('不能停用自己或放弃自己的管理员角色：请另一位管理员操作', 'you cannot disable yourself or give up your own administrator role: ask another administrator'));
    }
    const role = input.data.role ?? before.role;
    // Unnamed fields keep their value where it still fits: a school user's district follows its
    // school, the administrator is city-level, a school binding goes with the school-user role.
    const districtCode = input.data.districtCode !== undefined ? input.data.districtCode : role === 'school_user' || role === 'admin' ? null : before.districtCode;
    const schoolId = input.data.schoolId !== undefined ? input.data.schoolId : role === 'school_user' ? before.schoolId : null;
    const place = placeOf(registry, role, districtCode, schoolId);
    if (!place.ok) return refuseFields(res, place.fields);
    const after = await auth.updateUser(id, { ...input.data, districtCode: place.districtCode, schoolId: place.schoolId });
    if (!after) return void sendRefusal(res, 404, refusal(`没有编号为 ${id} 的用户`, `no user ${id}`));
    const changes = changesOf(before, after);
    if (Object.keys(changes).length > 0) await note(req, 'user.update', `user:${after.username}`, { changes });
    res.json(after);
  });

  router.post('/admin/users/:id/password', async (req, res) => {
    const id = parseId(req, res);
    if (id === null) return;
    const input = passwordResetSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const user = await auth.user(id);
    if (!user || !(await auth.resetPassword(id, input.data.password))) return void sendRefusal(res, 404, refusal(`没有编号为 ${id} 的用户`, `no user ${id}`));
    await note(req, 'user.password_reset', `user:${user.username}`);
    res.status(204).end();
  });

  // Ingest tokens
  router.get('/admin/tokens', async (_req, res) => {
    res.json({ tokens: await ingestTokens.list() });
  });

  router.post('/admin/tokens', async (req, res) => {
    const input = tokenCreateSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const created = await ingestTokens.create(input.data.name, requireUser(req).username);
    await note(req, 'token.create', `token:${created.id}`, { name: created.name, prefix: created.prefix });
    res.status(201).json(created);
  });

  router.post('/admin/tokens/:id/revoke', async (req, res) => {
    const id = parseId(req, res);
    if (id === null) return;
    const revoked = await ingestTokens.revoke(id);
    if (!revoked) return void sendRefusal(res, 404, refusal(`没有编号为 ${id} 的接入令牌`, `no token ${id}`));
    await note(req, 'token.revoke', `token:${id}`, { name: revoked.name, prefix: revoked.prefix });
    res.json(revoked);
  });

  // Kiosk viewer links
  router.get('/admin/viewer-links', async (_req, res) => {
    res.json({ links: await viewerLinks.list() });
  });

  router.post('/admin/viewer-links', async (req, res) => {
    const input = viewerLinkCreateSchema.safeParse(req.body);
    if (!input.success) return validationError(res, input.error, req.body);
    const created = await viewerLinks.create(input.data.name, input.data.districtCode, requireUser(req).username);
    await note(req, 'viewer_link.create', `viewer-link:${created.id}`, { name: created.name, districtCode: created.districtCode, prefix: created.prefix });
    res.status(201).json(created);
  });

  router.post('/admin/viewer-links/:id/revoke', async (req, res) => {
    const id = parseId(req, res);
    if (id === null) return;
    const revoked = await viewerLinks.revoke(id);
    if (!revoked) return void sendRefusal(res, 404, refusal(`没有编号为 ${id} 的查看链接`, `no viewer link ${id}`));
    await note(req, 'viewer_link.revoke', `viewer-link:${id}`, { name: revoked.name });
    res.json(revoked);
  });

  // The audit log
  router.get('/admin/audit', async (req, res) => {
    const query = auditQuerySchema.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    res.json(await audit.page(query.data));
  });

  router.get('/admin/audit.csv', async (req, res) => {
    const query = auditExportSchema.safeParse(req.query);
    if (!query.success) return validationError(res, query.error, req.query);
    const { entries } = await audit.page(query.data);
    await note(req, 'export.audit_csv', null, { filters: query.data, rows: entries.length });
    // The file is named for the day in Shanghai, whatever the server's zone (a 00:30 export is the new day's).
    res.setHeader('content-disposition', `attachment; filename="xiaoan-audit-${shanghaiDate(clock.now())}.csv"`);
    const people = new Map((await auth.listUsers()).map((user) => [user.username, user.displayName]));
    const names: AuditNames = { person: (username) => people.get(username) ?? null, school: (id) => registry.school(id)?.name ?? null };
    res.type('text/csv; charset=utf-8').send(auditCsv(entries, names));
  });

  return router;
}
