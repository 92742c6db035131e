import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ALARM_PRIORITY, type Alarm, type AlarmTransition, type AlarmType, type School } from '../../shared/domain/index.js';
import type { Ack, AlarmChange, AlarmSnapshot } from '../../shared/events.js';
import { decideMove, decideSystemMove, type AlarmAction, type SystemAction, type SystemDisposition } from '../../shared/rules/alarm-lifecycle.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import type { AlarmQuery, AlarmRepository } from '../db/alarm.repository.js';
import type { Store } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import { refusal } from '../../shared/refusal.js';
import type { DomainEvents } from './domain-events.js';

/** What an ingest event asks of the alarm service. */
export interface RaiseAlarmInput {
  type: AlarmType;
  deviceId: string;
  school: School;
  /** When the device says it happened (ISO). */
  at: string;
  drill: boolean;
  note: string | null;
  /** English of the note, for alarms the server raises itself (`note` is then zh-CN). */
  noteEn?: string;
  /** Who raised it: `device:<deviceId>` unless given (`system` for an alarm the server detects). */
  actor?: string;
}

/** A step the server takes by itself on one alarm (actor `system`), with its note in both languages. */
export interface SystemStep {
  id: string;
  action: SystemAction;
  disposition: SystemDisposition;
  note: LocalizedText;
}

/** An operator's command on one alarm. */
export interface AlarmCommand {
  id: string;
  action: AlarmAction;
  /** Who acts: a person's name, stored on the transition. */
  actor: string;
  unitId?: string;
  disposition?: string;
  note?: string;
}

/** How many closed alarms a fresh screen receives beside the open ones. */
const SNAPSHOT_CLOSED = 100;

interface AlarmServiceDeps {
  repository: AlarmRepository;
  store: Store;
  writes: WriteQueue;
  events: DomainEvents;
  clock: Clock;
  /** Whether a unit (police post) id exists, for dispatch. */
  unitExists: (unitId: string) => boolean;
  /** Whether a drill is running at a school: every alarm raised there meanwhile is a drill alarm. */
  isDrillAt?: (schoolId: string) => boolean;
  /** Inside the transaction that turns a drill alarm real (转为真实警情): notes it on the drill's record. */
  onConverted?: (trx: Kysely<Database>, alarm: Alarm, actor: string, at: string) => Promise<void>;
}

/** The step's note when the operator gives none, in both languages. */
const CONVERTED_NOTE = { zh: '演练报警转为真实警情', en: 'drill alarm turned into a real alarm' } as const;

/** Opening alarms, folding repeats, moving them through their life, and reading them back. */
export class AlarmService {
  private readonly alarms: AlarmRepository;

  constructor(private readonly deps: AlarmServiceDeps) {
    this.alarms = deps.repository;
  }

  /**
   * Inside the caller's transaction: a new alarm, or — when the same device already has an open
   * alarm of this type — that alarm with its counter and last-seen time moved on, never a duplicate.
   */
  async raise(trx: Kysely<Database>, input: RaiseAlarmInput): Promise<AlarmChange> {
    const now = isoNow(this.deps.clock);
    const drill = input.drill || this.deps.isDrillAt?.(input.school.id) === true;
    const open = await this.alarms.findOpenForDevice(trx, input.deviceId, input.type, drill);
    if (open) {
      const folded: Alarm = {
        ...open,
        count: open.count + 1,
        lastSeenAt: input.at > open.lastSeenAt ? input.at : open.lastSeenAt,
        updatedAt: now,
      };
      await this.alarms.update(trx, folded, open.state);
      return this.alarms.appendChange(trx, folded);
    }
    const transition: AlarmTransition = { action: 'raise', from: null, to: 'new', actor: input.actor ?? `device:${input.deviceId}`, at: now, note: input.note, ...(input.noteEn ? { noteEn: input.noteEn } : {}) };
    const alarm: Alarm = {
      id: randomUUID(),
      type: input.type,
      priority: ALARM_PRIORITY[input.type],
      state: 'new',
      schoolId: input.school.id,
      deviceId: input.deviceId,
      districtCode: input.school.districtCode,
      openedAt: input.at,
      receivedAt: now,
      updatedAt: now,
      count: 1,
      lastSeenAt: input.at,
      drill,
      unitId: null,
      disposition: null,
      transitions: [transition],
    };
    await this.alarms.insert(trx, alarm);
    await this.alarms.insertTransition(trx, alarm.id, transition);
    return this.alarms.appendChange(trx, alarm);
  }

  /**
   * Raises an alarm the server itself detects (a 护学岗 absent at peak time, say) once per `key`:
   * the key is stored in the event log like an ingest id, so a repeat or a restart never raises
   * the same alarm twice.
   */
  async raiseOnce(key: string, input: RaiseAlarmInput): Promise<AlarmChange | null> {
    const change = await this.deps.writes.run(() =>
      this.deps.store.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('events')
          .values({
            id: key,
            source: 'system',
            type: `system.${input.type}`,
            device_id: input.deviceId,
            at: input.at,
            received_at: isoNow(this.deps.clock),
            payload: JSON.stringify({ note: input.note }),
            digest: null,
          })
          .onConflict((oc) => oc.columns(['id', 'source']).doNothing())
          .returning('id')
          .executeTakeFirst();
        return inserted ? this.raise(trx, input) : null;
      }),
    );
    if (change) this.deps.events.emit('alarm.changed', [change]);
    return change;
  }

  /**
   * Applies an operator's command. The decision is taken on the alarm as stored, and the write
   * only lands if the alarm is still in that state, so two operators acting at once get one
   * winner; the other is told why and the alarm is unchanged.
   */
  async act(command: AlarmCommand): Promise<Ack<Alarm>> {
    if (command.action === 'dispatch' && !(command.unitId && this.deps.unitExists(command.unitId))) {
      return { ok: false, code: 'invalid', ...refusal(`未知的出警单位“${command.unitId ?? ''}”`, `unknown unit '${command.unitId ?? ''}'`) };
    }
    const outcome = await this.deps.writes.run(() =>
      this.deps.store.db.transaction().execute(async (trx): Promise<Ack<AlarmChange>> => {
        const alarm = await this.alarms.getIn(trx, command.id);
        if (!alarm) return { ok: false, code: 'not_found', ...refusal(`没有编号为 ${command.id} 的报警`, `no alarm ${command.id}`) };
        const decision = decideMove(alarm, command.action);
        if (!decision.ok) return { ...decision, code: 'not_allowed', state: alarm.state };
        const now = isoNow(this.deps.clock);
        const note = command.note?.trim() || null;
        const converting = command.action === 'convert_real';
        const steps: AlarmTransition[] = [];
        if (decision.implicitAck) steps.push({ action: 'ack', from: alarm.state, to: 'acknowledged', actor: command.actor, at: now, note: null });
        steps.push({
          action: command.action,
          ...(command.action === 'dispatch' && command.unitId ? { unitId: command.unitId } : {}),
          from: steps.length ? 'acknowledged' : alarm.state,
          to: decision.to,
          actor: command.actor,
          at: now,
          ...(converting && !note ? { note: CONVERTED_NOTE.zh, noteEn: CONVERTED_NOTE.en } : { note }),
        });
        const next: Alarm = {
          ...alarm,
          // 转为真实警情: the same alarm, opened when it was (timers run from `openedAt`), now real.
          ...(converting ? { drill: false } : {}),
          state: decision.to,
          updatedAt: now,
          unitId: command.action === 'dispatch' ? (command.unitId ?? null) : alarm.unitId,
          disposition: command.action === 'resolve' ? (command.disposition ?? null) : alarm.disposition,
          transitions: [...alarm.transitions, ...steps],
        };
        if (!(await this.alarms.update(trx, next, alarm.state))) {
          return { ok: false, code: 'conflict', ...refusal('该报警刚被他人处理：请查看它的最新状态', 'the alarm was changed by someone else meanwhile; see its new state') };
        }
        for (const step of steps) await this.alarms.insertTransition(trx, alarm.id, step);
        if (converting) await this.deps.onConverted?.(trx, next, command.actor, now);
        return { ok: true, data: await this.alarms.appendChange(trx, next) };
      }),
    );
    if (!outcome.ok) return outcome;
    this.deps.events.emit('alarm.changed', [outcome.data]);
    return { ok: true, data: outcome.data.alarm };
  }

  /**
   * A system step (actor `system`): closes an alarm whose cause cleared, as a normal alarm change
   * (its own `seq`, pushed to every screen). Null when the alarm is gone, closed, or changed meanwhile.
   */
  async applySystemStep(step: SystemStep): Promise<Alarm | null> {
    const change = await this.deps.writes.run(() =>
      this.deps.store.db.transaction().execute(async (trx): Promise<AlarmChange | null> => {
        const alarm = await this.alarms.getIn(trx, step.id);
        if (!alarm) return null;
        const decision = decideSystemMove(alarm, step.action);
        if (!decision.ok) return null;
        const now = isoNow(this.deps.clock);
        const transition: AlarmTransition = { action: step.action, from: alarm.state, to: decision.to, actor: 'system', at: now, note: step.note.zh, noteEn: step.note.en };
        const next: Alarm = { ...alarm, state: decision.to, updatedAt: now, disposition: step.disposition, transitions: [...alarm.transitions, transition] };
        if (!(await this.alarms.update(trx, next, alarm.state))) return null;
        await this.alarms.insertTransition(trx, alarm.id, transition);
        return this.alarms.appendChange(trx, next);
      }),
    );
    if (change) this.deps.events.emit('alarm.changed', [change]);
    return change?.alarm ?? null;
  }

  list(query: AlarmQuery): Promise<Alarm[]> {
    return this.alarms.list(query);
  }

  get(id: string): Promise<Alarm | null> {
    return this.alarms.get(id);
  }

  lastSeq(): Promise<number> {
    return this.alarms.lastSeq();
  }

  changesAfter(seq: number, limit: number): Promise<AlarmChange[]> {
    return this.alarms.changesAfter(seq, limit);
  }

  /** Every open alarm and the latest closed ones, as of the returned `seq`. */
  async snapshot(): Promise<AlarmSnapshot> {
    const seq = await this.alarms.lastSeq();
    const [open, closed] = await Promise.all([
      this.alarms.list({ state: 'open', limit: 100_000 }),
      this.alarms.list({ state: 'closed', limit: SNAPSHOT_CLOSED }),
    ]);
    return { seq, alarms: [...open, ...closed] };
  }
}
