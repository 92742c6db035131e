import type { Alarm, AlarmState, AlarmTransition, PolicePost } from '../../shared/domain/index.js';
import type { Ack } from '../../shared/events.js';
import { auditActionOf, ALARM_ACTION_COMMANDS } from '../../shared/commands.js';
import { refusal } from '../../shared/refusal.js';
import { dispatchRefusal } from '../../shared/rules/dispatch-scope.js';
import type { AlarmAction, Disposition } from '../../shared/rules/alarm-lifecycle.js';
import { actedBy, type AuditEntry } from '../auth/audit.service.js';
import { SYSTEM_NAME, type Actor } from './actor.js';

/** Who acts on an alarm: a person (scope-checked, audited under their name) or the system by itself (a drill's end, say). */
export type AlarmActor = Actor | typeof SYSTEM_NAME;

/** A command on one alarm: the action and what it needs. */
export interface AlarmCommand {
  id: string;
  action: AlarmAction;
  unitId?: string;
  disposition?: Disposition;
  note?: string;
}

/** What a command changed: the alarm as now stored, the state it was in, and the steps it added (an implicit acknowledgement first). */
export interface AlarmMove {
  alarm: Alarm;
  from: AlarmState;
  changes: AlarmTransition[];
}

/** Why a command changed nothing, as its acknowledgement carries it. */
export type AlarmRefusal = Extract<Ack<AlarmMove>, { ok: false }>;

/** What a caller adds to a command: a check of its own on the alarm as read in the write, and details for the audit entry. */
export interface AlarmCommandOptions {
  /** Asked on the alarm read inside the transaction, after the scope check: a refusal stops the command (a bulk command refuses P1/P2). */
  admit?: (alarm: Alarm) => AlarmRefusal | null;
  /** Added to the audit entry's details (a bulk command's batch). */
  audit?: Record<string, unknown>;
}

export function noAlarm(id: string): AlarmRefusal {
  return { ok: false, code: 'not_found', ...refusal(`没有编号为 ${id} 的报警`, `no alarm ${id}`) };
}

export const OUTSIDE_SCOPE: AlarmRefusal = { ok: false, code: 'forbidden', ...refusal('该报警不在您的区县或学校范围内', 'this alarm is outside your district or school') };

export const CHANGED_MEANWHILE: AlarmRefusal = { ok: false, code: 'conflict', ...refusal('该报警刚被他人处理：请查看它的最新状态', 'the alarm was changed by someone else meanwhile; see its new state') };

/**
 * A dispatch's unit: one outside the units the person may send (shared/rules/dispatch-scope.ts),
 * or one that does not exist, is refused. Null for any other command, or a unit they may send.
 */
export function unitRefusal(by: AlarmActor, command: AlarmCommand, unit: (unitId: string) => PolicePost | undefined): AlarmRefusal | null {
  if (command.action !== 'dispatch') return null;
  const known = command.unitId ? unit(command.unitId) : undefined;
  const outside = by !== SYSTEM_NAME && command.unitId ? dispatchRefusal(by.user, known) : null;
  if (outside) return { ok: false, code: 'forbidden', ...outside };
  if (!known) return { ok: false, code: 'invalid', ...refusal(`未知的出警单位“${command.unitId ?? ''}”`, `unknown unit '${command.unitId ?? ''}'`) };
  return null;
}

/**
 * The audit entry of a command: who (the person, from where; or `system`), `alarm.<command>`, the
 * alarm, and what it was — school, type, from → to, unit, disposition, hand-off step, note — so the
 * audit log can say it in a sentence (shared/audit-text.ts).
 */
export function commandAuditEntry(by: AlarmActor, command: AlarmCommand, before: Alarm, after: Alarm, extra: Record<string, unknown> = {}): AuditEntry {
  const step = ALARM_ACTION_COMMANDS[command.action].step;
  const details: Record<string, unknown> = {
    ...(by !== SYSTEM_NAME ? { displayName: by.user.displayName } : {}),
    schoolId: after.schoolId,
    type: after.type,
    from: before.state,
    to: after.state,
    ...(command.unitId !== undefined ? { unitId: command.unitId } : {}),
    ...(command.disposition !== undefined ? { disposition: command.disposition } : {}),
    ...(step ? { step } : {}),
    note: command.note ?? null,
    ...extra,
  };
  const action = auditActionOf(command.action);
  return by === SYSTEM_NAME ? { actor: SYSTEM_NAME, action, target: after.id, details } : actedBy(by, action, after.id, details);
}
