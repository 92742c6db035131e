import { alarmCommandSchemas, type AlarmCommandEvent } from '../../shared/commands.js';
import { describeZodError } from '../../shared/ingest.js';
import type { Ack } from '../../shared/events.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmAction } from '../../shared/rules/alarm-lifecycle.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { XiaoanSocket } from './broadcaster.js';

type Reply = (result: Ack<Alarm>) => void;

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
  }
}

/** Operator commands over Socket.IO: validate the payload, act, answer through the acknowledgement. */
export function registerAlarmHandlers(socket: XiaoanSocket, deps: { alarms: AlarmService; log: Logger }): void {
  for (const event of Object.keys(alarmCommandSchemas) as AlarmCommandEvent[]) {
    const schema = alarmCommandSchemas[event];
    // The typed map cannot express "one listener for each of these events", so the listener is cast once here.
    const listener = async (payload: unknown, reply: unknown) => {
      if (typeof reply !== 'function') return; // A command without an acknowledgement callback cannot be answered.
      const answer = reply as Reply;
      const operator = socket.data.operator;
      if (!operator) {
        answer({ ok: false, code: 'unidentified', error: 'identify the duty operator first: the handshake must carry auth.operator' });
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        answer({ ok: false, code: 'invalid', error: describeZodError(parsed.error) });
        return;
      }
      const data = parsed.data as Record<string, unknown> & { id: string; note?: string };
      try {
        answer(
          await deps.alarms.act({
            id: data.id,
            action: actionOf(event, data),
            actor: operator,
            ...(typeof data.unitId === 'string' ? { unitId: data.unitId } : {}),
            ...(typeof data.disposition === 'string' ? { disposition: data.disposition } : {}),
            ...(data.note ? { note: data.note } : {}),
          }),
        );
      } catch (error) {
        deps.log.error({ err: error, event }, 'alarm command failed');
        answer({ ok: false, code: 'internal', error: 'internal error: the alarm was not changed' });
      }
    };
    (socket.on as (name: string, fn: (payload: unknown, reply: unknown) => void) => void)(event, (payload, reply) => void listener(payload, reply));
  }
}
