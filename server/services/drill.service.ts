import { randomUUID } from 'node:crypto';
import type { Alarm } from '../../shared/domain/index.js';
import type { Drill, DrillDetail, DrillPlan, DrillState } from '../../shared/drill.js';
import { DEFAULT_DRILL_MARGIN_MINUTES, overran, planRefusal, startRefusal } from '../../shared/rules/drill-window.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AlarmChange } from '../../shared/events.js';
import type { ResponseTargets } from '../../shared/rules/response.js';
import { shanghaiDateTime, shanghaiParts } from '../../shared/time.js';
import type { Store } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { DrillRepository } from '../db/drill.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from './alarm.service.js';
import type { AlarmActor } from './alarm-command.js';
import { isoNow, type Clock } from '../clock.js';
import type { ComplianceService } from './compliance.service.js';
import type { DomainEvents } from './domain-events.js';
import { refuse, type Outcome } from './outcome.js';
import { refusal, say } from '../../shared/refusal.js';
import type { RegistryService } from './registry.service.js';
import { actedBy, type AuditEntry, type AuditService } from '../auth/audit.service.js';
import { SYSTEM_NAME, type Actor } from './actor.js';
import { outside, scopeCovers, scopeFor } from './scope.js';
import { autoEndNote, CLOSING_NOTE, conversionNote, DRILL_COMMAND_ZH, DRILL_STATE_ZH, NEEDS, noDrill, plannedDrill, replannedNote, TIME_LIMIT_NOTE } from './drill-steps.js';
import type { SessionUser } from '../../shared/auth.js';

interface DrillServiceDeps {
  store: Store;
  writes: WriteQueue;
  events: DomainEvents;
  clock: Clock;
  registry: RegistryService;
  alarms: AlarmService;
  repository: DrillRepository;
  compliance: ComplianceService;
  /** Every command is on the audit log, written in the command's own transaction. */
  audit: AuditService;
  responseTargets: ResponseTargets;
  log: Logger;
  /** Minutes past its planned length before a running drill ends itself (XIAOAN_DRILL_MARGIN_MINUTES). */
  marginMinutes?: number;
}

/**
 * Live drills: plan, start (optionally raising the drill alarm from the school's one-key button),
 * end (writing the compliance record in the same transaction) or cancel, and the observer's
 * checklist. While a drill runs at a school, `isRunningAt` makes every alarm raised there a
 * drill alarm (AlarmService asks it inside the raise), and the first one (SOS or intrusion) is
 * linked as the drill's alarm. Every change is announced as `drill.changed` after it is stored.
 */
export class DrillService {
  /** schoolId → id of the drill running there (one at a time per school). */
  private readonly runningBySchool = new Map<string, string>();
  /** Drills whose start is raising their alarm right now: the raise must not be linked as a device's. */
  private readonly raising = new Set<string>();
  /** Alarms just turned real (转为真实警情) → the drill whose record noted it: announced once the change is out. */
  private readonly converted = new Map<string, string>();
  private readonly onAlarms = (changes: AlarmChange[]) => {
    for (const change of changes) this.alarmChanged(change.alarm);
  };

  constructor(private readonly deps: DrillServiceDeps) {}

  /** Brings back the running drills after a restart and starts following alarm changes. */
  async init(): Promise<void> {
    await this.refresh();
    this.deps.events.on('alarm.changed', this.onAlarms);
  }

  /**
   * Re-reads which drills run, in the write queue (so no raise interleaves). Called on the
   * periodic tick: with several nodes over one database, a drill started on another node flags
   * this node's alarms within one tick.
   */
  refresh(): Promise<void> {
    return this.deps.writes.run(async () => {
      const running = await this.deps.repository.running();
      this.runningBySchool.clear();
      for (const drill of running) this.runningBySchool.set(drill.schoolId, drill.id);
    });
  }

  /** Whether a drill runs at this school now (asked on every alarm raise: a map lookup). */
  isRunningAt(schoolId: string): boolean {
    return this.runningBySchool.has(schoolId);
  }

  /** The drills a person may see, newest planned first: a school user's own school, a county person's district. */
  async list(query: { state: DrillState | 'all'; schoolId?: string | undefined; limit: number }, user: SessionUser): Promise<Drill[]> {
    const { state, schoolId, limit } = query;
    const list = await this.deps.repository.list({
      limit,
      ...(state !== 'all' ? { state } : {}),
      ...(schoolId ? { schoolId } : user.role === 'school_user' && user.schoolId ? { schoolId: user.schoolId } : {}),
      ...(user.districtCode ? { districtCode: user.districtCode } : {}),
    });
    const scope = scopeFor(user, this.deps.registry);
    return list.filter((drill) => scopeCovers(scope, drill));
  }

  /** A drill with its alarm (and the server's time), or null. */
  async detail(id: string): Promise<DrillDetail | null> {
    const drill = await this.deps.repository.get(id);
    return drill ? this.withAlarm(drill) : null;
  }

  /** A drill the person may see: 404 when there is none, 403 when it lies outside their district or school. */
  async visible(id: string, user: SessionUser): Promise<Outcome<DrillDetail>> {
    const drill = await this.deps.repository.get(id);
    if (!drill) return noDrill(id);
    const scope = scopeFor(user, this.deps.registry);
    if (!scopeCovers(scope, drill)) return outside(scope);
    return { ok: true, data: await this.withAlarm(drill) };
  }

  async plan(input: DrillPlan & { plannedFor: string }, by: Actor): Promise<Outcome<DrillDetail>> {
    const school = this.deps.registry.school(input.schoolId);
    if (!school) return refuse(404, refusal(`没有编号为 ${input.schoolId} 的学校`, `no school ${input.schoolId}`), { schoolId: say('没有这所学校', 'unknown school') });
    const scope = scopeFor(by.user, this.deps.registry);
    if (!scopeCovers(scope, { districtCode: school.districtCode, schoolId: school.id })) return refuse(403, refusal('该学校不在您的区县或学校范围内', 'this school is outside your district or school'));
    const past = planRefusal(input.plannedFor, this.deps.clock.now());
    if (past) return refuse(400, past, { plannedFor: past.message });
    const drill = plannedDrill(input, school, by.user.displayName, isoNow(this.deps.clock), this.deps.responseTargets);
    await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx) => {
        await this.deps.repository.insert(trx, drill);
        await this.deps.audit.append(actedBy(by, 'drill.plan', drill.id, { schoolId: drill.schoolId, state: drill.state, scenario: drill.scenario }), trx);
      }),
    );
    return this.announce(drill);
  }

  /**
   * Starts a planned drill. With `raiseAlarm`, the drill alarm is raised at once from the
   * school's one-key button (as its device would), credited to the drill screen and its operator;
   * otherwise the drill waits for the school to press the button (an ingest event).
   */
  async start(id: string, by: Actor, raiseAlarm: boolean): Promise<Outcome<DrillDetail>> {
    const actor = by.user.displayName;
    const started = await this.move(id, 'start', by, (drill) => ({ action: 'drill.start', details: { schoolId: drill.schoolId, state: drill.state, raiseAlarm } }), (drill, now) => {
      const otherDay = startRefusal(drill, Date.parse(now));
      if (otherDay) return refuse(409, otherDay);
      const running = this.runningBySchool.get(drill.schoolId);
      if (running && running !== drill.id) return refuse(409, refusal(`该校另一场演练（${running}）正在进行：请先结束它`, `another drill (${running}) is running at this school: end it first`));
      return { ok: true, data: { ...drill, state: 'running', startedBy: actor, startedAt: now } };
    });
    if (!started.ok) return started;
    const school = this.deps.registry.school(started.data.schoolId);
    const button = school ? this.deps.registry.devices({ schoolId: school.id, kind: 'sos' })[0] : undefined;
    // Without a one-key button on record, the drill waits for the school's own alarm (ingest).
    if (!raiseAlarm || !school || !button) return this.announce(started.data);
    this.raising.add(id);
    try {
      const change = await this.deps.alarms.raiseOnce(`drill:${id}:start`, {
        type: 'sos',
        deviceId: button.id,
        school,
        at: isoNow(this.deps.clock),
        drill: true,
        note: `演练：${started.data.scenario}`,
      });
      // A drill alarm left open at the button folds the press into itself: it started before this
      // drill and would give it a wrong T+0, so it is not linked (closing it lets the next press count).
      const fresh = change && started.data.startedAt !== null && change.alarm.receivedAt >= started.data.startedAt;
      if (change && fresh) await this.deps.writes.run(() => inTransaction(this.deps.store, (trx) => this.deps.repository.linkAlarm(trx, id, change.alarm.id, 'drill_screen')));
    } finally {
      this.raising.delete(id);
    }
    return this.announceById(id);
  }

  /** Ends a running drill: the end and the compliance record (应急演练 held today) commit together. */
  async end(id: string, by: Actor): Promise<Outcome<DrillDetail>> {
    const actor = by.user.displayName;
    const ended = await this.move(id, 'end', by, (drill) => ({ action: 'drill.end', details: { schoolId: drill.schoolId, state: drill.state } }), (drill, now) => ({
      ok: true,
      data: { ...drill, state: 'ended', endedBy: actor, endedAt: now, recordId: `DR-${randomUUID()}`, endReason: 'operator' },
    }));
    if (!ended.ok) return ended;
    return this.closed(ended.data, by);
  }

  /** Moves a planned drill to another day (today or later); the record notes the old and new day. */
  async replan(id: string, plannedFor: string, by: Actor, reason?: string): Promise<Outcome<DrillDetail>> {
    const past = planRefusal(plannedFor, this.deps.clock.now());
    if (past) return refuse(400, past, { plannedFor: past.message });
    const actor = by.user.displayName;
    const to = new Date(plannedFor).toISOString();
    const audit = (next: Drill, before: Drill) => ({ action: 'drill.replan', details: { schoolId: next.schoolId, state: next.state, from: before.plannedFor, plannedFor: shanghaiDateTime(plannedFor), note: reason ?? null } });
    const moved = await this.move(id, 'replan', by, audit, (drill, now) => ({ ok: true, data: { ...drill, plannedFor: to, notes: [...drill.notes, replannedNote(drill, to, actor, now, reason)] } }));
    if (!moved.ok) return moved;
    return this.announce(moved.data);
  }

  /**
   * Ends by itself every running drill past its planned length plus the margin (on the server's
   * tick, actor `system`): the end is noted on its record and written like an operator's (the
   * compliance record, the drill alarm closed). Returns the drills it ended.
   */
  async expire(): Promise<Drill[]> {
    const margin = this.deps.marginMinutes ?? DEFAULT_DRILL_MARGIN_MINUTES;
    const now = this.deps.clock.now();
    const due = (await this.deps.repository.running()).filter((drill) => overran(drill, margin, now));
    const ended: Drill[] = [];
    for (const drill of due) {
      const audit = (next: Drill) => ({ action: 'drill.auto_end', details: { schoolId: next.schoolId, state: next.state, lengthMinutes: next.lengthMinutes, startedAt: next.startedAt } });
      const outcome = await this.move(drill.id, 'end', null, audit, (current, at) => {
        if (!overran(current, margin, Date.parse(at))) return refuse(409, refusal('演练未超时', 'the drill is within its time'));
        const note = autoEndNote(current, margin, at);
        return { ok: true, data: { ...current, state: 'ended', endedBy: 'system', endedAt: at, recordId: `DR-${randomUUID()}`, endReason: 'time_limit', notes: [...current.notes, note] } };
      });
      if (!outcome.ok) continue;
      this.deps.log.warn({ drill: drill.id, schoolId: drill.schoolId, startedAt: drill.startedAt, lengthMinutes: drill.lengthMinutes, marginMinutes: margin }, 'drill ran past its time limit and ended itself');
      await this.closed(outcome.data, SYSTEM_NAME, TIME_LIMIT_NOTE);
      ended.push(outcome.data);
    }
    return ended;
  }

  /**
   * Inside the alarm's own transaction (AlarmService calls it): an alarm turned real (转为真实警情)
   * is noted on the record of the drill it belongs to — the drill it is linked to, or the one that
   * ran at its school when it came in.
   */
  async noteConversion(trx: Kysely<Database>, alarm: Alarm, actor: string, at: string): Promise<void> {
    const drillId = await this.deps.repository.forAlarm(trx, alarm);
    if (!drillId) return;
    const school = this.deps.registry.school(alarm.schoolId)?.name ?? alarm.schoolId;
    await this.deps.repository.addNote(trx, drillId, conversionNote(alarm, school, actor, at));
    this.converted.set(alarm.id, drillId);
  }

  async cancel(id: string, by: Actor, note: string): Promise<Outcome<DrillDetail>> {
    const actor = by.user.displayName;
    const cancelled = await this.move(id, 'cancel', by, (drill) => ({ action: 'drill.cancel', details: { schoolId: drill.schoolId, state: drill.state, note } }), (drill, now) => ({
      ok: true,
      data: { ...drill, state: 'cancelled', endedBy: actor, endedAt: now, cancelNote: note },
    }));
    if (!cancelled.ok) return cancelled;
    return this.closed(cancelled.data, by);
  }

  /** Ticks (or unticks) an observer checklist item of a running drill, recording who and when. */
  async check(id: string, itemId: string, checked: boolean, by: Actor): Promise<Outcome<DrillDetail>> {
    const actor = by.user.displayName;
    const scope = scopeFor(by.user, this.deps.registry);
    const outcome = await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<Outcome<null>> => {
        const drill = await this.deps.repository.get(id, trx);
        if (!drill) return noDrill(id);
        if (!scopeCovers(scope, drill)) return outside(scope);
        if (!NEEDS.check.includes(drill.state)) return refuse(409, refusal(`只能在演练进行中勾选检查项；该演练${DRILL_STATE_ZH[drill.state]}`, `the checklist is ticked while the drill runs; this drill is ${drill.state}`));
        const now = isoNow(this.deps.clock);
        if (!(await this.deps.repository.check(trx, id, itemId, checked ? actor : null, checked ? now : null))) return refuse(404, refusal(`演练 ${id} 没有检查项 ${itemId}`, `no checklist item ${itemId} in drill ${id}`));
        await this.deps.audit.append(actedBy(by, 'drill.checklist', id, { schoolId: drill.schoolId, state: drill.state, itemId, checked }), trx);
        return { ok: true, data: null };
      }),
    );
    if (!outcome.ok) return outcome;
    return this.announceById(id);
  }

  /**
   * A running or planned drill's state moved, compare-and-set on the state it was read in, within
   * the person's scope (`by`; null: the system), with its audit entry in the same transaction.
   */
  private async move(
    id: string,
    command: keyof typeof NEEDS,
    by: Actor | null,
    audit: (next: Drill, before: Drill) => { action: string; details: Record<string, unknown> },
    decide: (drill: Drill, now: string) => Outcome<Drill>,
  ): Promise<Outcome<Drill>> {
    const scope = by ? scopeFor(by.user, this.deps.registry) : null;
    return this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<Outcome<Drill>> => {
        const drill = await this.deps.repository.get(id, trx);
        if (!drill) return noDrill(id);
        if (scope && !scopeCovers(scope, drill)) return outside(scope);
        if (!NEEDS[command].includes(drill.state)) return refuse(409, refusal(`演练${DRILL_STATE_ZH[drill.state]}，不能${DRILL_COMMAND_ZH[command]}`, `cannot ${command} a drill that is ${drill.state}`));
        const now = isoNow(this.deps.clock);
        const decision = decide(drill, now);
        if (!decision.ok) return decision;
        const next = decision.data;
        if (!(await this.deps.repository.update(trx, next, drill.state))) return refuse(409, refusal('该演练刚被他人更改：请查看它的最新状态', 'the drill was changed meanwhile; see its new state'));
        if (next.state === 'ended' && next.recordId) {
          await this.deps.repository.addRecord(trx, {
            id: next.recordId,
            schoolId: next.schoolId,
            date: shanghaiParts(this.deps.clock.now()).date,
            scenario: next.scenario,
            recordedBy: actor(next),
            recordedAt: now,
          });
        }
        const { action, details } = audit(next, drill);
        const entry: AuditEntry = by ? actedBy(by, action, next.id, details) : { actor: SYSTEM_NAME, action, target: next.id, details };
        await this.deps.audit.append(entry, trx);
        // Inside the write queue: the next alarm raised (also queued) already sees the drill running or not.
        if (next.state === 'running') this.runningBySchool.set(next.schoolId, next.id);
        else if (this.runningBySchool.get(next.schoolId) === next.id) this.runningBySchool.delete(next.schoolId);
        return { ok: true, data: next };
      }),
    );
  }

  /** After an end or a cancellation: the compliance verdicts refreshed, a still-open drill alarm cancelled by whoever ended the drill (audited as theirs). */
  private async closed(drill: Drill, by: AlarmActor, note = CLOSING_NOTE): Promise<Outcome<DrillDetail>> {
    if (drill.state === 'ended') await this.deps.compliance.schoolChanged(drill.schoolId);
    if (drill.alarmId) {
      const alarm = await this.deps.alarms.get(drill.alarmId);
      // An alarm turned real (转为真实警情) stays open in the real queue: the drill's end is not its end.
      if (alarm && alarm.drill && alarm.state !== 'resolved' && alarm.state !== 'false_alarm' && alarm.state !== 'cancelled') {
        const result = await this.deps.alarms.command(by, { id: alarm.id, action: 'cancel', note }, { audit: { drillId: drill.id } });
        if (!result.ok) this.deps.log.warn({ drill: drill.id, alarm: alarm.id, error: result.error }, 'drill alarm left open at the end');
      }
    }
    return this.announceById(drill.id);
  }

  private alarmChanged(alarm: Alarm): void {
    const noted = this.converted.get(alarm.id);
    if (noted) {
      this.converted.delete(alarm.id);
      void this.announceById(noted).catch((error: unknown) => this.deps.log.error({ err: error, drill: noted }, 'drill announcement after a conversion failed'));
      return;
    }
    // A linked alarm turned real is still the drill's scored alarm: its later steps still reach the drill screen.
    if (!alarm.drill && !alarm.transitions.some((t) => t.action === 'convert_real')) return;
    const drillId = this.runningBySchool.get(alarm.schoolId);
    if (!drillId) return;
    void this.followAlarm(drillId, alarm).catch((error: unknown) => this.deps.log.error({ err: error, drill: drillId }, 'drill alarm follow-up failed'));
  }

  /** Links the first SOS/intrusion drill alarm a device raised while the drill runs; announces changes of the linked one. */
  private async followAlarm(drillId: string, alarm: Alarm): Promise<void> {
    if (this.raising.has(drillId)) return;
    const drill = await this.deps.repository.get(drillId);
    if (!drill || drill.state !== 'running') return;
    if (drill.alarmId === alarm.id) {
      this.deps.events.emit('drill.changed', { drill, alarm, serverTime: isoNow(this.deps.clock) });
      return;
    }
    if (drill.alarmId || !alarm.drill || alarm.priority > 2 || (drill.startedAt && alarm.receivedAt < drill.startedAt)) return;
    const linked = await this.deps.writes.run(() => inTransaction(this.deps.store, (trx) => this.deps.repository.linkAlarm(trx, drillId, alarm.id, 'device')));
    if (linked) await this.announceById(drillId);
  }

  private async withAlarm(drill: Drill): Promise<DrillDetail> {
    const alarm = drill.alarmId ? await this.deps.alarms.get(drill.alarmId) : null;
    return { drill, alarm, serverTime: isoNow(this.deps.clock) };
  }

  private async announce(drill: Drill): Promise<Outcome<DrillDetail>> {
    const detail = await this.withAlarm(drill);
    this.deps.events.emit('drill.changed', detail);
    return { ok: true, data: detail };
  }

  private async announceById(id: string): Promise<Outcome<DrillDetail>> {
    const drill = await this.deps.repository.get(id);
    if (!drill) return noDrill(id);
    return this.announce(drill);
  }
}

/** Who the compliance record names: whoever ended the drill. */
function actor(drill: Drill): string {
  return drill.endedBy ?? drill.startedBy ?? drill.createdBy;
}
