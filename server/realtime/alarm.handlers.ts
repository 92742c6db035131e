import { actionOf, alarmCommandSchemas, type AlarmCommandEvent, type AlarmCommandFields } from '../../shared/commands.js';
import { NOT_SIGNED_IN, type Ack } from '../../shared/events.js';
import type { Alarm } from '../../shared/domain/index.js';
import { refusal } from '../../shared/refusal.js';
import { zodRefusal } from '../../shared/zod-text.js';
import type { Logger } from '../logger.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { SessionUser } from '../../shared/auth.js';
import type { XiaoanSocket } from './rooms.js';
import { commandRegistrar, type CommandWords } from './command-handler.js';

/** The single-alarm commands' refusals before the service (their screens and tests know these words). */
const ALARM_COMMAND_WORDS: CommandWords = {
  sessionEnded: refusal('登录已结束：请重新登录', `${NOT_SIGNED_IN}: the session has ended`),
  roleMayNot: (user, event) => refusal(`您的角色（${user.role}）无权执行此操作（${event}）`, `your role (${user.role}) may not send ${event}`),
  invalid: (error, payload) => zodRefusal(error, payload),
  internal: refusal('服务器内部错误：报警未改变', 'internal error: the alarm was not changed'),
  failed: 'alarm command failed',
};

interface AlarmHandlerDeps {
  alarms: AlarmService;
  log: Logger;
  /** The person behind the socket's session now: null once it ended or lapsed (the command is refused and the socket closed). */
  currentUser: () => Promise<SessionUser | null>;
}

/**
 * Operator commands on one alarm over Socket.IO (`alarm:ack`, `alarm:dispatch`, …): the event
 * names its lifecycle action (shared/commands.ts); AlarmService checks the person's scope, acts
 * and writes the audit entry; the acknowledgement carries the changed alarm or the refusal.
 */
export function registerAlarmHandlers(socket: XiaoanSocket, deps: AlarmHandlerDeps): void {
  const on = commandRegistrar(socket, deps, ALARM_COMMAND_WORDS);
  for (const event of Object.keys(alarmCommandSchemas) as AlarmCommandEvent[]) {
    on(event, alarmCommandSchemas[event], async (by, payload: AlarmCommandFields): Promise<Ack<Alarm>> => {
      const { id, unitId, disposition, step, note } = payload;
      const result = await deps.alarms.command(by, { id, action: actionOf(event, step), ...(unitId ? { unitId } : {}), ...(disposition ? { disposition } : {}), ...(note !== undefined ? { note } : {}) });
      return result.ok ? { ok: true, data: result.data.alarm } : result;
    }, (payload: AlarmCommandFields) => payload.id);
  }
}
