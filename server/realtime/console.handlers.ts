import type { z } from 'zod';
import type { SessionUser } from '../../shared/auth.js';
import { bulkCommandSchema, shelveCommandSchema, unshelveCommandSchema, type BulkResult, type Shelf } from '../../shared/console.js';
import type { Ack, ClientToServerEvents } from '../../shared/events.js';
import { describeZodError } from '../../shared/ingest.js';
import type { AuditService } from '../auth/audit.service.js';
import type { Logger } from '../logger.js';
import { actOnMany } from '../services/alarm-bulk.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { ShelfService } from '../services/shelf.service.js';
import { addressOf } from './alarm.handlers.js';
import type { XiaoanSocket } from './rooms.js';
import { maySend } from './socket-policy.js';
import { noteRefusal } from './command-gate.js';

interface ConsoleHandlerDeps {
  alarms: AlarmService;
  shelves: ShelfService;
  audit: AuditService;
  log: Logger;
  /** The person behind the socket's session now: null once it ended or lapsed. */
  currentUser: () => Promise<SessionUser | null>;
}

type Refusal = { ok: false; error: string; message: { zh: string; en: string }; code: 'forbidden' | 'invalid' | 'internal' };

/**
 * The console's volume commands (`alarm:bulk`, `shelf:add`, `shelf:remove`): the same gate as the
 * single-alarm commands — a live session, the role's permission (SOCKET_POLICY), a valid payload
 * (zod) — then the service, which checks each alarm's or device's scope; every change is audited.
 */
export function registerConsoleHandlers(socket: XiaoanSocket, deps: ConsoleHandlerDeps): void {
  /** Runs `act` for a signed-in, permitted person with a valid payload; answers a refusal otherwise. */
  function on<E extends 'alarm:bulk' | 'shelf:add' | 'shelf:remove', S extends z.ZodType, T>(
    event: E,
    schema: S,
    act: (user: SessionUser, payload: z.infer<S>) => Promise<Ack<T>>,
  ): void {
    const listener = async (payload: unknown, reply: unknown): Promise<void> => {
      if (typeof reply !== 'function') return;
      const answer = reply as (result: Ack<T>) => void;
      const refuse = (result: Refusal): void => {
        noteRefusal(socket, deps.log, { event, code: result.code });
        answer(result);
      };
      try {
        const user = await deps.currentUser();
        if (!user) {
          refuse({ ok: false, code: 'forbidden', error: 'not signed in: the session has ended', message: { zh: '未登录：会话已结束', en: 'Not signed in: the session has ended' } });
          socket.disconnect(true);
          return;
        }
        if (!maySend(user, event)) {
          refuse({ ok: false, code: 'forbidden', error: `your role (${user.role}) may not send ${event}`, message: { zh: '您的角色无权执行此操作', en: `Your role may not send ${event}` } });
          return;
        }
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          const error = describeZodError(parsed.error);
          refuse({ ok: false, code: 'invalid', error, message: { zh: `输入有误：${error}`, en: `Invalid input: ${error}` } });
          return;
        }
        answer(await act(user, parsed.data));
      } catch (error) {
        deps.log.error({ err: error, event }, 'console command failed');
        answer({ ok: false, code: 'internal', error: 'internal error: try again', message: { zh: '服务器内部错误，请重试', en: 'Internal error: try again' } });
      }
    };
    (socket.on as (name: keyof ClientToServerEvents, fn: (payload: unknown, reply: unknown) => void) => void)(event, (payload, reply) => void listener(payload, reply));
  }

  const audit = (user: SessionUser, action: string, target: string, details: Record<string, unknown>): void => {
    deps.audit
      .append({ actor: user.username, action, target, address: addressOf(socket), details: { displayName: user.displayName, ...details } })
      .catch((error: unknown) => deps.log.error({ err: error, action, target }, 'console command done but not written to the audit log'));
  };

  on('alarm:bulk', bulkCommandSchema, async (user, command): Promise<Ack<BulkResult>> => {
    const result = await actOnMany(deps.alarms, user, command, async (step) => {
      // The same audit action as the single command, so the log reads the same; `bulk` names the batch.
      audit(user, step.action === 'false_alarm' ? 'alarm.false' : `alarm.${step.action}`, step.alarm.id, {
        from: step.from,
        to: step.alarm.state,
        ...(step.action === 'resolve' && command.disposition ? { disposition: command.disposition } : {}),
        note: command.note,
        bulk: { batch: step.batch, size: command.ids.length },
      });
    });
    deps.log.info({ user: user.username, action: command.action, done: result.done, refused: result.refused }, 'bulk alarm command');
    return { ok: true, data: result };
  });

  on('shelf:add', shelveCommandSchema, async (user, command): Promise<Ack<Shelf>> => {
    const result = await deps.shelves.shelve(user, command);
    if (result.ok) audit(user, 'shelf.add', command.deviceId, { minutes: command.minutes, until: result.data.until, note: command.reason });
    return result;
  });

  on('shelf:remove', unshelveCommandSchema, async (user, command): Promise<Ack<Shelf>> => {
    const result = await deps.shelves.unshelve(user, command);
    if (result.ok) audit(user, 'shelf.remove', command.deviceId, { shelvedBy: result.data.shelvedBy, note: command.note ?? null });
    return result;
  });
}
