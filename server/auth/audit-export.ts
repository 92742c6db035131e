import type { FileAnswer } from '../../shared/api/route.js';
import type { AuditEntryView } from '../../shared/admin.js';
import { auditSentence, type AuditNames } from '../../shared/audit-text.js';
import { shanghaiDate, shanghaiDateTime } from '../../shared/time.js';
import type { Actor } from '../services/actor.js';
import type { Clock } from '../clock.js';
import type { Outcome } from '../services/outcome.js';
import type { RegistryService } from '../services/registry.service.js';
import { actedBy, type AuditService } from './audit.service.js';
import type { AuthService } from './auth.service.js';

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

/** The audit query of an export (shared/admin.ts `auditExportQuerySchema`, parsed). */
export interface AuditExportQuery {
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: number | undefined;
}

/** The audit log as a CSV download (`GET /admin/audit.csv`), people and schools named; the export is itself audited. */
export class AuditExports {
  constructor(private readonly deps: { audit: AuditService; auth: AuthService; registry: RegistryService; clock: Clock }) {}

  async csv(query: AuditExportQuery, by: Actor): Promise<Outcome<FileAnswer>> {
    const { entries } = await this.deps.audit.page(query);
    await this.deps.audit.append(actedBy(by, 'export.audit_csv', null, { filters: query, rows: entries.length }));
    const people = new Map((await this.deps.auth.listUsers()).map((user) => [user.username, user.displayName]));
    const names: AuditNames = { person: (username) => people.get(username) ?? null, school: (id) => this.deps.registry.school(id)?.name ?? null };
    // The file is named for the day in Shanghai, whatever the server's zone (a 00:30 export is the new day's).
    return { ok: true, data: { body: auditCsv(entries, names), type: 'text/csv; charset=utf-8', name: `xiaoan-audit-${shanghaiDate(this.deps.clock.now())}.csv` } };
  }
}
