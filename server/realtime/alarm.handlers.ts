import { socketClientAddress } from '../http/client-address.js';
import { alarmCommandSchemas, type AlarmCommandEvent } from '../../shared/commands.js';
import { inScope, type SessionUser } from '../../shared/auth.js';
import { refusal } from '../../shared/refusal.js';
import { zodRefusal } from '../../shared/zod-text.js';
import type { Ack } from '../../shared/events.js';
import type { Alarm, AlarmState } from '../../shared/domain/index.js';
import type { AlarmAction } from '../../shared/rules/alarm-lifecycle.js';
import type { AuditService } from '../auth/audit.service.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { XiaoanSocket } from './rooms.js';
import { maySend } from './socket-policy.js';
import { dispatchRefusal } from '../../shared/rules/dispatch-scope.js';
import type { PolicePost } from '../../shared/domain/index.js';
import { noteRefusal } from './command-gate.js';

type Reply = (result: Ack<Alarm>) => void;

const INTERNAL = refusal('服务器内部错误：报警未改变', 'internal error: the alarm was not changed');

/** Which lifecycle action each command event performs. */
function actionOf(event: AlarmCommandEvent, payload: Record<string, unknown>): AlarmAction {
  switch (event) {
    case 'alarm:ack':
      return 'ack';
    case 'alarm:dispatch':
      return 'dispatch';
    case 'alarm:arrive':
      return 'arrive';
    case 'alarm:resolve':
      return 'resolve';
    case 'alarm:false':
      return 'false_alarm';
    case 'alarm:cancel':
      return 'cancel';
    case 'alarm:handoff':
      return payload.step === 'acked' ? 'handoff_acked' : 'handoff_sent';
    case 'alarm:convert':
      return 'convert_real';
  }
}

/** The state the command started from: the first of the trailing steps it just added (an implicit acknowledgement comes first). */
function fromState(alarm: Alarm, actor: string): AlarmState | null {
  let from: AlarmState | null = null;
  for (let i = alarm.transitions.length - 1; i >= 0; i--) {
    const step = alarm.transitions[i];
    if (!step || step.actor !== actor || step.at !== alarm.updatedAt) break;
    from = step.from;
  }
  return from;
}

/**
 * Where the screen is, for the audit log: the client's address with the same `trust proxy` as
 * `req.ip` (XIAOAN_TRUST_PROXY; off by default, so a forged X-Forwarded-For is ignored).
 */
export function addressOf(socket: XiaoanSocket): string | null {
  return socketClientAddress(socket);
}

interface AlarmHandlerDeps {
  alarms: AlarmService;
  audit: AuditService;
  log: Logger;
  /** The person behind the socket's session now: null once it ended or lapsed (the command is refused and the socket closed). */
  currentUser: () => Promise<SessionUser | null>;
  /** The unit (police post) a dispatch names, for the scope of units the person may send. */
  unit?: (unitId: string) => PolicePost | undefined;
}

/**
 * Operator commands over Socket.IO: check the person's permission (SOCKET_POLICY) and the
 * alarm's district/school against their scope, validate the payload, act, put the change on the
 * audit record, and answer through the acknowledgement.
 */
export function registerAlarmHandlers(socket: XiaoanSocket, deps: AlarmHandlerDeps): void {
  const refuse = (answer: Reply, event: AlarmCommandEvent, result: Extract<Ack<Alarm>, { ok: false }>, target?: string) => {
    noteRefusal(socket, deps.log, { event, code: result.code, target });
    answer(result);
  };
  for (const event of Object.keys(alarmCommandSchemas) as AlarmCommandEvent[]) {
    const schema = alarmCommandSchemas[event];
    // The typed map cannot express "one listener for each of these events", so the listener is cast once here.
    const listener = async (payload: unknown, reply: unknown) => {
      if (typeof reply !== 'function') return; // A command without an acknowledgement callback cannot be answered.
      const answer = reply as Reply;
      // The session is looked at again for every command: one that ended or lapsed acts no more.
      let user: SessionUser | null;
      try {
        user = await deps.currentUser();
      } catch (error) {
        deps.log.error({ err: error, event }, 'session lookup failed before an alarm command');
        answer({ ok: false, code: 'internal', ...INTERNAL });
        return;
      }
      if (!user) {
        refuse(answer, event, { ok: false, code: 'forbidden', ...refusal('登录已结束：请重新登录', 'not signed in: the session has ended') });
        socket.disconnect(true);
        return;
      }
      if (!maySend(user, event)) {
        refuse(answer, event, { ok: false, code: 'forbidden', ...refusal(`您的角色（${user.role}）无权执行此操作（${event}）`, `your role (${user.role}) may not send ${event}`) });
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        refuse(answer, event, { ok: false, code: 'invalid', ...zodRefusal(parsed.error, payload) });
        return;
      }
      const data = parsed.data as Record<string, unknown> & { id: string; note?: string };
      try {
        const alarm = await deps.alarms.get(data.id);
        if (!alarm) {
          refuse(answer, event, { ok: false, code: 'not_found', ...refusal(`没有编号为 ${data.id} 的报警`, `no alarm ${data.id}`) }, data.id);
          return;
        }
        if (!inScope(user, { districtCode: alarm.districtCode, schoolId: alarm.schoolId })) {
          refuse(answer, event, { ok: false, code: 'forbidden', ...refusal('该报警不在您的区县或学校范围内', 'this alarm is outside your district or school') }, data.id);
          return;
        }
        if (event === 'alarm:dispatch' && typeof data.unitId === 'string') {
          const outside = dispatchRefusal(user, deps.unit?.(data.unitId));
          if (outside) {
            refuse(answer, event, { ok: false, code: 'forbidden', ...outside }, data.id);
            return;
          }
        }
        const actor = user.displayName;
        const result = await deps.alarms.act({
          id: data.id,
          action: actionOf(event, data),
          actor,
          ...(typeof data.unitId === 'string' ? { unitId: data.unitId } : {}),
          ...(typeof data.disposition === 'string' ? { disposition: data.disposition } : {}),
          ...(data.note ? { note: data.note } : {}),
        });
        if (!result.ok) {
          refuse(answer, event, result, data.id);
          return;
        }
        await deps.audit
          .append({
            actor: user.username,
            action: event.replace(':', '.'),
            target: data.id,
            address: addressOf(socket),
            details: {
              displayName: actor,
              // What the alarm was, so the audit log can say it in a sentence (shared/audit-text.ts).
              schoolId: result.data.schoolId,
              type: result.data.type,
              from: fromState(result.data, actor),
              to: result.data.state,
              ...(typeof data.unitId === 'string' ? { unitId: data.unitId } : {}),
              ...(typeof data.disposition === 'string' ? { disposition: data.disposition } : {}),
              ...(typeof data.step === 'string' ? { step: data.step } : {}),
              note: data.note ?? null,
            },
          })
          .catch((error: unknown) => deps.log.error({ err: error, event, target: data.id }, 'alarm command done but not written to the audit log'));
        answer(result);
      } catch (error) {
        deps.log.error({ err: error, event }, 'alarm command failed');
        answer({ ok: false, code: 'internal', ...INTERNAL });
      }
    };
    (socket.on as (name: string, fn: (payload: unknown, reply: unknown) => void) => void)(event, (payload, reply) => void listener(payload, reply));
  }
}
