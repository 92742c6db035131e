import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FileAnswer } from '../../shared/api/route.js';
import { RESPONDER_CLOSED_HOURS, type ResponderAlarm, type ResponderAlarms } from '../../shared/api/responder.js';
import type { SessionUser } from '../../shared/auth.js';
import { isOpenState, type Alarm, type AlarmTransition, type FieldStepRecord } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import { refusal } from '../../shared/refusal.js';
import { MAX_PHOTO_BYTES, MAX_REPORT_PHOTOS, type FieldStep, type StoredPhoto } from '../../shared/responder.js';
import { decideFieldStep } from '../../shared/rules/field-steps.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { AlarmRepository } from '../db/alarm.repository.js';
import type { Store } from '../db/database.js';
import type { PhotoRepository } from '../db/photo.repository.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { Actor } from './actor.js';
import type { DomainEvents } from './domain-events.js';
import { ok, refuse, type Outcome } from './outcome.js';
import { encodePhoto, NOT_AN_IMAGE, PHOTO_TOO_LARGE, TOO_MANY_PIXELS } from './photo-encode.js';
import type { RegistryService } from './registry.service.js';
import { unitSeesAlarm, userReadsAlarm } from './unit-scope.js';

/** Photos one alarm may hold (a few reports' worth): more are refused, so a phone in a loop cannot fill the disk. */
export const MAX_ALARM_PHOTOS = 4 * MAX_REPORT_PHOTOS;
/** Alarms a unit's list holds at most. */
const LIST_LIMIT = 200;

const noAlarm = (id: string) => refuse(404, refusal(`没有编号为 ${id} 的报警`, `no alarm ${id}`));
const NO_UNIT = refuse(403, refusal('您的账号未绑定出警单位（或该单位已不存在）：请联系管理员', 'your account has no unit (or its unit no longer exists): ask the administrator'));
const NOT_YOURS = refuse(403, refusal('该报警未派给本单位', 'this alarm is not dispatched to your unit'));
const CLOSED = refuse(409, refusal('该报警已关闭：不再接收照片', 'the alarm is closed: no more photos'));
const TOO_MANY = refuse(409, refusal(`该报警照片已达 ${MAX_ALARM_PHOTOS} 张上限`, `the alarm already holds ${MAX_ALARM_PHOTOS} photos, the most it may`));
const CHANGED = refuse(409, refusal('该报警刚被他人处理：请查看它的最新状态后再试', 'the alarm was changed meanwhile: see its new state and try again'));
const REQUEST_REUSED = refuse(409, refusal('该步骤编号已用于另一报警', 'this requestId was already used for another alarm'));
const NO_PHOTO = refuse(404, refusal('没有这张照片', 'no such photo'));
const unknownPhotos = (ids: string[]) => refuse(400, refusal(`照片 ${ids.join('、')} 不属于该报警或未上传`, `photos ${ids.join(', ')} were not uploaded to this alarm by your unit`), { photoIds: { zh: '照片不存在', en: 'unknown photo' } });

interface ResponderDeps {
  store: Store;
  writes: WriteQueue;
  alarms: AlarmRepository;
  photos: PhotoRepository;
  registry: RegistryService;
  clock: Clock;
  audit: AuditService;
  events: DomainEvents;
}

/**
 * The dispatched unit's phone (issue 14): its alarms, its steps (the rules in
 * shared/rules/field-steps.ts; written like AlarmService.command — read, decide, compare-and-set,
 * change log and audit entry in one transaction, then announced), its photos.
 */
export class ResponderService {
  constructor(private readonly deps: ResponderDeps) {}

  /** The unit's open alarms and those closed in the last 12 h, newest first, each with its school. */
  async alarms(user: SessionUser): Promise<Outcome<ResponderAlarms>> {
    const unit = user.unitId ? this.deps.registry.policePost(user.unitId) : undefined;
    if (!unit) return NO_UNIT;
    const since = new Date(this.deps.clock.now() - RESPONDER_CLOSED_HOURS * 3_600_000).toISOString();
    const [open, closed] = await Promise.all([
      this.deps.alarms.list({ state: 'open', unitId: unit.id, limit: LIST_LIMIT }),
      this.deps.alarms.list({ state: 'closed', unitId: unit.id, updatedSince: since, limit: LIST_LIMIT }),
    ]);
    const alarms = [...open, ...closed]
      .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
      .map((alarm) => this.withSchool(alarm))
      .filter((entry): entry is ResponderAlarm => entry !== null);
    return ok({ unit: { id: unit.id, name: unit.name, kind: unit.kind, lat: unit.lat, lng: unit.lng }, alarms });
  }

  private withSchool(alarm: Alarm): ResponderAlarm | null {
    const school = this.deps.registry.school(alarm.schoolId);
    return school ? { alarm, school: { id: school.id, name: school.name, address: school.address, lat: school.lat, lng: school.lng, districtCode: school.districtCode } } : null;
  }

  /**
   * One step of the unit on an alarm dispatched to it. A step whose `requestId` is stored already
   * (a re-send after a lost answer, or from the phone's queue) answers the alarm as it stands and
   * changes nothing.
   */
  async step(alarmId: string, step: FieldStep, by: Actor): Promise<Outcome<{ alarm: Alarm }>> {
    const unitId = by.user.unitId;
    if (!unitId || !this.deps.registry.policePost(unitId)) return NO_UNIT;
    const outcome = await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<Outcome<{ alarm: Alarm; change: AlarmChange | null }>> => {
        const earlier = await this.deps.alarms.alarmOfRequest(trx, step.requestId);
        if (earlier !== null && earlier !== alarmId) return REQUEST_REUSED;
        const alarm = await this.deps.alarms.getIn(trx, alarmId);
        if (!alarm) return noAlarm(alarmId);
        if (earlier !== null) {
          const stored = alarm.transitions.find((t) => t.field?.requestId === step.requestId);
          return stored?.field?.unitId === unitId ? ok({ alarm, change: null }) : NOT_YOURS;
        }
        const school = this.deps.registry.school(alarm.schoolId) ?? null;
        const now = this.deps.clock.now();
        const decision = decideFieldStep(alarm, step, { unitId, now, school });
        if (!decision.ok) return refuse(decision.status, decision);
        const photoIds = step.action === 'report' ? [...new Set(step.photoIds)] : [];
        if (photoIds.length > 0) {
          const found = await this.deps.photos.infoOf(trx, alarm.id, photoIds);
          const missing = photoIds.filter((id) => !found.some((p) => p.id === id && p.unitId === unitId));
          if (missing.length > 0) return unknownPhotos(missing);
        }
        const recordedAt = new Date(now).toISOString();
        const field: FieldStepRecord = {
          unitId,
          requestId: step.requestId,
          recordedAt,
          ...(step.action === 'arrive' && step.position ? { position: step.position } : {}),
          ...(decision.distanceM !== undefined ? { distanceM: decision.distanceM } : {}),
          ...(step.action === 'report' ? { disposition: step.disposition, photoIds } : {}),
        };
        const transition: AlarmTransition = { action: step.action, from: alarm.state, to: decision.to, actor: by.user.displayName, at: decision.at, note: step.note?.trim() || null, field };
        const next: Alarm = { ...alarm, state: decision.to, updatedAt: recordedAt, transitions: [...alarm.transitions, transition] };
        if (!(await this.deps.alarms.update(trx, next, alarm.state, alarm.updatedAt))) return CHANGED;
        await this.deps.alarms.insertTransition(trx, alarm.id, transition);
        await this.deps.audit.append(
          actedBy(by, `alarm.${step.action}`, alarm.id, {
            displayName: by.user.displayName,
            field: true,
            schoolId: alarm.schoolId,
            type: alarm.type,
            from: alarm.state,
            to: decision.to,
            unitId,
            requestId: step.requestId,
            at: decision.at,
            ...(field.distanceM !== undefined ? { distanceM: field.distanceM } : {}),
            ...(field.disposition ? { disposition: field.disposition, photoIds } : {}),
            note: transition.note,
          }),
          trx,
        );
        return ok({ alarm: next, change: await this.deps.alarms.appendChange(trx, next) });
      }),
    );
    if (!outcome.ok) return outcome;
    if (outcome.data.change) this.deps.events.emit('alarm.changed', [outcome.data.change]);
    return ok({ alarm: outcome.data.alarm });
  }

  /**
   * A photo for a report: re-encoded (sharp, off the event loop; see encodePhoto) before anything
   * is stored, then kept with the alarm. Only on an open alarm dispatched to the person's unit.
   */
  async uploadPhoto(alarmId: string, bytes: Buffer, by: Actor): Promise<Outcome<StoredPhoto>> {
    const unitId = by.user.unitId;
    if (!unitId || !this.deps.registry.policePost(unitId)) return NO_UNIT;
    if (bytes.length > MAX_PHOTO_BYTES) return refuse(413, PHOTO_TOO_LARGE);
    const before = await this.deps.alarms.get(alarmId);
    if (!before) return noAlarm(alarmId);
    if (before.unitId !== unitId) return NOT_YOURS;
    if (!isOpenState(before.state)) return CLOSED;
    const encoded = await encodePhoto(bytes);
    if (encoded === 'not_image') return refuse(415, NOT_AN_IMAGE);
    if (encoded === 'too_many_pixels') return refuse(413, TOO_MANY_PIXELS);
    const photo = { id: randomUUID(), alarmId, unitId, uploadedBy: by.user.username, uploadedAt: isoNow(this.deps.clock), width: encoded.width, height: encoded.height, bytes: encoded.data.length };
    return this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx: Kysely<Database>): Promise<Outcome<StoredPhoto>> => {
        // Read again in the write: the alarm may have closed or moved to another unit while the photo was encoded.
        const alarm = await this.deps.alarms.getIn(trx, alarmId);
        if (!alarm || alarm.unitId !== unitId) return NOT_YOURS;
        if (!isOpenState(alarm.state)) return CLOSED;
        if ((await this.deps.photos.countFor(trx, alarmId)) >= MAX_ALARM_PHOTOS) return TOO_MANY;
        await this.deps.photos.insert(trx, photo, encoded.data);
        await this.deps.audit.append(actedBy(by, 'alarm.photo', alarmId, { displayName: by.user.displayName, schoolId: alarm.schoolId, type: alarm.type, unitId, photoId: photo.id, bytes: photo.bytes }), trx);
        return ok({ id: photo.id, width: photo.width, height: photo.height, bytes: photo.bytes });
      }),
    );
  }

  /**
   * One photo of an alarm, for people who may read the alarm (operators in scope …) and the
   * responders of the unit it is dispatched to (or whose unit took the photo).
   */
  async photo(alarmId: string, photoId: string, user: SessionUser): Promise<Outcome<FileAnswer>> {
    const alarm = await this.deps.alarms.get(alarmId);
    if (!alarm) return noAlarm(alarmId);
    const photo = await this.deps.photos.get(alarmId, photoId);
    const own = user.role === 'responder' && user.unitId !== null && (unitSeesAlarm(user.unitId, alarm) || photo?.unitId === user.unitId);
    if (!own && !userReadsAlarm(user, alarm, this.deps.registry)) return NOT_YOURS;
    if (!photo) return NO_PHOTO;
    return ok({ body: photo.data, type: 'image/jpeg', name: `${photoId}.jpg`, inline: true });
  }
}
