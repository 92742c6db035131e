import { randomUUID } from 'node:crypto';
import type { BulkCommand, BulkItemResult, BulkResult } from '../../shared/console.js';
import type { Alarm, AlarmState } from '../../shared/domain/index.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import { ALARM_STATE_ZH } from '../../shared/rules/alarm-lifecycle.js';
import type { Actor } from './actor.js';
import type { AlarmMove, AlarmRefusal } from './alarm-command.js';
import type { Ack } from '../../shared/events.js';
import type { AlarmService } from './alarm.service.js';

function refused(id: string, error: string, message: LocalizedText): BulkItemResult {
  return { id, ok: false, error, message };
}

/** P1/P2 alarms need an operator's individual attention: refused in a bulk command (as the alarm is read in the write). */
function oneByOne(alarm: Alarm): AlarmRefusal | null {
  if (alarm.priority > 2) return null;
  return { ok: false, code: 'not_allowed', error: `a P${alarm.priority} alarm is handled one by one, never in bulk`, message: { zh: `P${alarm.priority} 报警须逐条处置，不可批量操作`, en: `A P${alarm.priority} alarm is handled one by one, never in bulk` } };
}

/**
 * Acts on many P3/P4 alarms with one reason (issue 11): every alarm goes through the same
 * `AlarmService.command` as a single command — its own transition, compare-and-set, `seq` change
 * and audit entry (the batch named in its details) — one write at a time through the write queue,
 * so the event loop is never held. P1/P2 alarms are refused. Closing a new alarm as handled
 * acknowledges it first (two steps, as by hand).
 */
export async function actOnMany(alarms: AlarmService, by: Actor, command: BulkCommand): Promise<BulkResult> {
  const bulk = { batch: randomUUID(), size: command.ids.length };
  const results: BulkItemResult[] = [];
  for (const id of command.ids) results.push(await actOnOne(alarms, by, command, id, bulk));
  const done = results.filter((result) => result.ok).length;
  return { done, refused: results.length - done, results };
}

async function actOnOne(alarms: AlarmService, by: Actor, command: BulkCommand, id: string, bulk: { batch: string; size: number }): Promise<BulkItemResult> {
  /** The alarm's state as the last write read it, and the refusal of a P1/P2. */
  const read: { seen: AlarmState; heldBack: AlarmRefusal | null } = { seen: 'new', heldBack: null };
  const admit = (alarm: Alarm): AlarmRefusal | null => {
    read.seen = alarm.state;
    read.heldBack = oneByOne(alarm);
    return read.heldBack;
  };
  const run = (action: BulkCommand['action']): Promise<Ack<AlarmMove>> =>
    alarms.command(by, { id, action, note: command.note, ...(action === 'resolve' && command.disposition ? { disposition: command.disposition } : {}) }, { admit, audit: { bulk } });
  let outcome = await run(command.action);
  // A new alarm is acknowledged before it is closed as handled, as the console does by hand.
  if (command.action === 'resolve' && !outcome.ok && outcome.code === 'not_allowed' && outcome.state === 'new') {
    const acked = await run('ack');
    outcome = acked.ok ? await run('resolve') : acked;
  }
  if (outcome.ok) return { id, ok: true, state: outcome.data.alarm.state };
  if (outcome === read.heldBack) return refused(id, outcome.error, outcome.message ?? { zh: outcome.error, en: outcome.error });
  return refusalOf(id, outcome, read.seen);
}

/** A refused alarm's words in the batch's answer: the bulk command's own for an unknown alarm and one out of scope, else its state and the reason. */
function refusalOf(id: string, refusal: AlarmRefusal, seen: AlarmState): BulkItemResult {
  if (refusal.code === 'not_found') return refused(id, `no alarm ${id}`, { zh: '报警不存在', en: 'No such alarm' });
  if (refusal.code === 'forbidden') return refused(id, 'this alarm is outside your district or school', { zh: '该报警不在您的辖区内', en: 'This alarm is outside your district or school' });
  return refused(id, refusal.error, { zh: `未执行：该报警当前为「${ALARM_STATE_ZH[refusal.state ?? seen]}」`, en: `Not done: ${refusal.error}` });
}
