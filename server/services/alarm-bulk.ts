import { randomUUID } from 'node:crypto';
import { inScope, type SessionUser } from '../../shared/auth.js';
import type { BulkCommand, BulkItemResult, BulkResult } from '../../shared/console.js';
import type { Alarm, AlarmState } from '../../shared/domain/index.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { ALARM_STATE_ZH } from '../../shared/rules/alarm-lifecycle.js';
import type { AlarmService } from './alarm.service.js';

function refused(id: string, error: string, message: LocalizedText): BulkItemResult {
  return { id, ok: false, error, message };
}

/** One step an alarm took in a bulk command, for its own audit entry. */
export interface BulkStep {
  alarm: Alarm;
  action: 'ack' | 'resolve' | 'false_alarm';
  from: AlarmState;
  batch: string;
}

/**
 * Acts on many P3/P4 alarms with one reason (issue 11): every alarm goes through the same
 * `AlarmService.act` as a single command — its own transition, compare-and-set and `seq` change —
 * one write at a time through the write queue, so the event loop is never held; `record` writes
 * each step's audit entry. P1/P2 alarms are refused: they need an operator's individual attention.
 * Closing a new alarm as handled acknowledges it first (two steps, as by hand).
 */
export async function actOnMany(alarms: AlarmService, user: SessionUser, command: BulkCommand, record: (step: BulkStep) => Promise<void>): Promise<BulkResult> {
  const batch = randomUUID();
  const results: BulkItemResult[] = [];
  for (const id of command.ids) {
    results.push(await actOnOne(alarms, user, command, id, (step) => record({ ...step, batch })));
  }
  const done = results.filter((result) => result.ok).length;
  return { done, refused: results.length - done, results };
}

async function actOnOne(alarms: AlarmService, user: SessionUser, command: BulkCommand, id: string, record: (step: Omit<BulkStep, 'batch'>) => Promise<void>): Promise<BulkItemResult> {
  const alarm = await alarms.get(id);
  if (!alarm) return refused(id, `no alarm ${id}`, { zh: '报警不存在', en: 'No such alarm' });
  if (!inScope(user, { districtCode: alarm.districtCode, schoolId: alarm.schoolId })) {
    return refused(id, 'this alarm is outside your district or school', { zh: '该报警不在您的辖区内', en: 'This alarm is outside your district or school' });
  }
  if (alarm.priority <= 2) {
    return refused(id, `a P${alarm.priority} alarm is handled one by one, never in bulk`, {
      zh: `P${alarm.priority} 报警须逐条处置，不可批量操作`,
      en: `A P${alarm.priority} alarm is handled one by one, never in bulk`,
    });
  }
  const base = { actor: user.displayName, note: command.note };
  let current = alarm;
  if (command.action === 'resolve' && current.state === 'new') {
    const acked = await alarms.act({ id, action: 'ack', ...base });
    if (!acked.ok) return refusalOf(id, acked.error, current.state);
    await record({ alarm: acked.data, action: 'ack', from: current.state });
    current = acked.data;
  }
  const outcome = await alarms.act({ id, action: command.action, ...base, ...(command.disposition && command.action === 'resolve' ? { disposition: command.disposition } : {}) });
  if (!outcome.ok) return refusalOf(id, outcome.error, outcome.state ?? current.state);
  await record({ alarm: outcome.data, action: command.action, from: current.state });
  return { id, ok: true, state: outcome.data.state };
}

function refusalOf(id: string, error: string, state: AlarmState): BulkItemResult {
  return refused(id, error, { zh: `未执行：该报警当前为「${ALARM_STATE_ZH[state]}」`, en: `Not done: ${error}` });
}
