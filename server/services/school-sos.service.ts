import type { SchoolSosAnswer, SchoolSosRequest } from '../../shared/api/school.js';
import type { Device, DevicePlace } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import { ID_REUSED_ERROR } from '../../shared/ingest.js';
import { refusal } from '../../shared/refusal.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import { isoNow, type Clock } from '../clock.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Actor } from './actor.js';
import type { AlarmService } from './alarm.service.js';
import { ok, refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import { TokenBucket } from './token-bucket.js';

/** One press per this many seconds per person: a duty room's double tap is one alarm, a stuck script is not a flood. */
export const SOS_PRESS_INTERVAL_SECONDS = 3;

/** The school's buttons the page presses, in order: the gate room's (门卫室), then the control/duty room's, then any. */
const BUTTON_PLACES: readonly DevicePlace[] = ['gate_room', 'control_room'];

/** The button a school page raises its SOS through: the first by place (see BUTTON_PLACES), then by id. */
export function sosButtonOf(devices: readonly Device[]): Device | null {
  const rank = (device: Device): number => {
    const at = BUTTON_PLACES.indexOf(device.place);
    return at === -1 ? BUTTON_PLACES.length : at;
  };
  const buttons = devices.filter((device) => device.kind === 'sos').sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
  return buttons[0] ?? null;
}

/**
 * 一键报警 from the school's own page (a browser in its duty room): an `alarm.sos` event of the
 * school's registered button through the ingest service — the same validation, idempotency,
 * alarm and push as the device — with the press's id as the event id under source
 * `web:<username>`, the person on the raise step and the audit entry in the same write.
 */
export class SchoolSosService {
  private readonly presses = new Map<number, { bucket: TokenBucket; lastRequestId: string }>();

  constructor(private readonly deps: { registry: RegistryService; ingest: IngestService; alarms: AlarmService; audit: AuditService; clock: Clock }) {}

  async raise(request: SchoolSosRequest, actor: Actor): Promise<Outcome<SchoolSosAnswer>> {
    const { registry, ingest, audit, clock } = this.deps;
    const { user } = actor;
    const school = user.role === 'school_user' && user.schoolId ? registry.school(user.schoolId) : undefined;
    if (!school) {
      return refuse(403, refusal('只有学校账号可以从本校页面一键报警：当前登录的账号不属于任何学校', 'only a school’s own account can raise its 一键报警: this session is not at a school'));
    }
    const button = sosButtonOf(registry.devices({ schoolId: school.id, kind: 'sos' }));
    if (!button) {
      return refuse(409, refusal(`${school.name}没有登记一键报警按钮，无法从网页报警：请拨打 110，并请管理员登记本校的一键报警设备`, `${school.name} has no registered SOS button, so the page cannot raise an alarm: call 110, and ask the administrator to register the school’s button`));
    }
    if (!this.mayPress(user.id, request.requestId)) {
      return { ...refuse(429, refusal(`报警已收到：${SOS_PRESS_INTERVAL_SECONDS} 秒内请勿重复按下`, `alarm received: do not press again within ${SOS_PRESS_INTERVAL_SECONDS} seconds`)), retryAfter: SOS_PRESS_INTERVAL_SECONDS };
    }
    // Set inside the write when the event raised (or folded into) the alarm.
    const raised: { change: AlarmChange | null } = { change: null };
    const outcome = await ingest.ingest({ id: request.requestId, type: 'alarm.sos', deviceId: button.id, at: isoNow(clock) }, `web:${user.username}`, {
      actor: user.username,
      note: `学校页面一键报警（${user.displayName}）`,
      noteEn: `SOS from the school’s page (${user.displayName})`,
      onAlarm: async (trx, change) => {
        raised.change = change;
        await audit.append(actedBy(actor, 'school.sos', change.alarm.id, { schoolId: school.id, deviceId: button.id, requestId: request.requestId }), trx);
      },
    });
    const { change } = raised;
    if (change) return ok({ alarmId: change.alarm.id, deviceId: button.id, repeated: false });
    // Stored before under this id (a retried press): the same alarm, nothing raised twice.
    const repeated = outcome.status === 202 || outcome.result.rejected.every((item) => item.error === ID_REUSED_ERROR);
    if (!repeated) return refuse(400, outcome.result.error ?? outcome.result.rejected[0]?.error ?? 'the SOS could not be stored');
    const open = await this.deps.alarms.list({ state: 'open', schoolIds: [school.id], types: ['sos'], limit: 50 });
    return ok({ alarmId: open.find((alarm) => alarm.deviceId === button.id)?.id ?? null, deviceId: button.id, repeated: true });
  }

  /** At most one new press per SOS_PRESS_INTERVAL_SECONDS per person; a retry of the last press always goes through. */
  private mayPress(userId: number, requestId: string): boolean {
    const now = this.deps.clock.now();
    const known = this.presses.get(userId);
    if (known?.lastRequestId === requestId) return true;
    const bucket = known?.bucket ?? new TokenBucket(1, 1 / SOS_PRESS_INTERVAL_SECONDS, now);
    if (!bucket.take(now)) return false;
    this.presses.set(userId, { bucket, lastRequestId: requestId });
    return true;
  }
}
