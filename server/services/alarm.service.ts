import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ALARM_PRIORITY, deviceActor, type Alarm, type AlarmTransition, type AlarmType, type PolicePost, type School } from '../../shared/domain/index.js';
import type { Ack, AlarmChange, AlarmSnapshot } from '../../shared/events.js';
import { decideMove, decideSystemMove, type SystemAction, type SystemDisposition } from '../../shared/rules/alarm-lifecycle.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import type { AlarmQuery, AlarmRepository } from '../db/alarm.repository.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { EventRepository } from '../db/event.repository.js';
import type { Database } from '../db/schema.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { DomainEvents } from './domain-events.js';
import type { AlarmScope } from './alarm-scope.js';
import type { AuditService } from '../auth/audit.service.js';
import { SYSTEM_NAME } from './actor.js';
import { CHANGED_MEANWHILE, commandAuditEntry, noAlarm, OUTSIDE_SCOPE, unitRefusal, type AlarmActor, type AlarmCommand, type AlarmCommandOptions, type AlarmMove } from './alarm-command.js';
import type { RegistryService } from './registry.service.js';
import { scopeCovers, scopeFor } from './scope.js';

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

/** Open alarms read at most at once (every open alarm of the city is far fewer). */
const OPEN_ALARMS_READ = 1_000_000;

interface AlarmServiceDeps {
  repository: AlarmRepository;
  store: Store;
  writes: WriteQueue;
  events: DomainEvents;
  clock: Clock;
  /** Schools and units (police posts): the person's scope, the unit a dispatch names. */
  registry: RegistryService;
  /** Every command and system step is on the audit log, written in its own transaction. */
  audit: AuditService;
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
  /** The event log, where a server-raised alarm's key is kept like an ingest id. */
  private readonly eventLog: EventRepository;

  constructor(private readonly deps: AlarmServiceDeps) {
    this.alarms = deps.repository;
    this.eventLog = new EventRepository(deps.store.db);
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
    const transition: AlarmTransition = { action: 'raise', from: null, to: 'new', actor: input.actor ?? deviceActor(input.deviceId), at: now, note: input.note, ...(input.noteEn ? { noteEn: input.noteEn } : {}) };
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
      inTransaction(this.deps.store, async (trx) => {
        const inserted = await this.eventLog.appendOnce(trx, {
          id: key,
          source: 'system',
          type: `system.${input.type}`,
          deviceId: input.deviceId,
          at: input.at,
          receivedAt: isoNow(this.deps.clock),
          payload: JSON.stringify({ note: input.note }),
          digest: null,
        });
        return inserted ? this.raise(trx, input) : null;
      }),
    );
    if (change) this.deps.events.emit('alarm.changed', [change]);
    return change;
  }

  /**
   * Carries out a command on one alarm, by a person (`by`, within their district or school) or by
   * the system. The decision is taken on the alarm as read in the write, and the write only lands
   * if the alarm is still in that state, so two operators acting at once get one winner; the
   * other is told why and the alarm is unchanged. The audit entry commits with the change.
   */
  async command(by: AlarmActor, command: AlarmCommand, options: AlarmCommandOptions = {}): Promise<Ack<AlarmMove>> {
    const scope = by === SYSTEM_NAME ? null : scopeFor(by.user, this.deps.registry);
    const actor = by === SYSTEM_NAME ? SYSTEM_NAME : by.user.displayName;
    const outcome = await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<Ack<AlarmMove & { change: AlarmChange }>> => {
        const alarm = await this.alarms.getIn(trx, command.id);
        if (!alarm) return noAlarm(command.id);
        if (scope && !scopeCovers(scope, alarm)) return OUTSIDE_SCOPE;
        const refused = options.admit?.(alarm) ?? unitRefusal(by, command, (unitId) => this.unit(unitId));
        if (refused) return refused;
        const decision = decideMove(alarm, command.action);
        if (!decision.ok) return { ...decision, code: 'not_allowed', state: alarm.state };
        const now = isoNow(this.deps.clock);
        const note = command.note?.trim() || null;
        const converting = command.action === 'convert_real';
        const steps: AlarmTransition[] = [];
        if (decision.implicitAck) steps.push({ action: 'ack', from: alarm.state, to: 'acknowledged', actor, at: now, note: null });
        steps.push({
          action: command.action,
          ...(command.action === 'dispatch' && command.unitId ? { unitId: command.unitId } : {}),
          from: steps.length ? 'acknowledged' : alarm.state,
          to: decision.to,
          actor,
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
        if (!(await this.alarms.update(trx, next, alarm.state))) return CHANGED_MEANWHILE;
        for (const step of steps) await this.alarms.insertTransition(trx, alarm.id, step);
        if (converting) await this.deps.onConverted?.(trx, next, actor, now);
        await this.deps.audit.append(commandAuditEntry(by, command, alarm, next, options.audit), trx);
        return { ok: true, data: { alarm: next, from: alarm.state, changes: steps, change: await this.alarms.appendChange(trx, next) } };
      }),
    );
    if (!outcome.ok) return outcome;
    const { change, ...move } = outcome.data;
    this.deps.events.emit('alarm.changed', [change]);
    return { ok: true, data: move };
  }

  /**
   * A system step (actor `system`): closes an alarm whose cause cleared, as a normal alarm change
   * (its own `seq`, pushed to every screen), on the audit log as the system's. Null when the alarm
   * is gone, closed, or changed meanwhile.
   */
  async applySystemStep(step: SystemStep): Promise<Alarm | null> {
    const change = await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<AlarmChange | null> => {
        const alarm = await this.alarms.getIn(trx, step.id);
        if (!alarm) return null;
        const decision = decideSystemMove(alarm, step.action);
        if (!decision.ok) return null;
        const now = isoNow(this.deps.clock);
        const transition: AlarmTransition = { action: step.action, from: alarm.state, to: decision.to, actor: SYSTEM_NAME, at: now, note: step.note.zh, noteEn: step.note.en };
        const next: Alarm = { ...alarm, state: decision.to, updatedAt: now, disposition: step.disposition, transitions: [...alarm.transitions, transition] };
        if (!(await this.alarms.update(trx, next, alarm.state))) return null;
        await this.alarms.insertTransition(trx, alarm.id, transition);
        const details = { schoolId: next.schoolId, type: next.type, from: alarm.state, to: next.state, disposition: step.disposition, note: step.note.zh };
        await this.deps.audit.append({ actor: SYSTEM_NAME, action: `alarm.${step.action}`, target: alarm.id, details }, trx);
        return this.alarms.appendChange(trx, next);
      }),
    );
    if (change) this.deps.events.emit('alarm.changed', [change]);
    return change?.alarm ?? null;
  }

  /** A unit (police post) by id, for dispatch. */
  private unit(unitId: string): PolicePost | undefined {
    return this.deps.registry.policePosts().find((post) => post.id === unitId);
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

  /**
   * The alarms a screen of `scope` sees, open or closed, newest first: what its snapshot is built
   * from (realtime/snapshots.ts keeps the open ones current and reads the latest closed ones here).
   */
  listInScope(scope: AlarmScope, query: { state: 'open' | 'closed'; limit: number }): Promise<Alarm[]> {
    switch (scope.kind) {
      case 'none':
        return Promise.resolve([]);
      case 'city':
        return this.alarms.list(query);
      case 'district':
        return this.alarms.list({ ...query, districtCode: scope.districtCode });
      case 'school':
        return this.alarms.list({ ...query, schoolIds: [scope.schoolId] });
      case 'unit':
        return this.alarms.list({ ...query, unitId: scope.unitId });
    }
  }

  /**
   * Every open alarm of `scope` as of the returned `seq` (read first: an alarm may already show a
   * later change, which a screen then gets again, in order, after this `seq`).
   */
  async snapshot(scope: AlarmScope): Promise<AlarmSnapshot> {
    const seq = await this.alarms.lastSeq();
    return { seq, alarms: await this.listInScope(scope, { state: 'open', limit: OPEN_ALARMS_READ }) };
  }
}
