import type { SessionUser } from '../../shared/auth.js';
import { bulkCommandSchema, shelveCommandSchema, unshelveCommandSchema, type BulkResult } from '../../shared/console.js';
import { NOT_SIGNED_IN, type Ack } from '../../shared/events.js';
import { describeZodError } from '../../shared/ingest.js';
import type { Logger } from '../logger.js';
import { actOnMany } from '../services/alarm-bulk.js';
import type { AlarmService } from '../services/alarm.service.js';
import type { ShelfService } from '../services/shelf.service.js';
import type { XiaoanSocket } from './rooms.js';
import { commandRegistrar, type CommandWords } from './command-handler.js';

/** The console's volume commands' refusals before the service (their screens and tests know these words). */
const CONSOLE_COMMAND_WORDS: CommandWords = {
  sessionEnded: { error: `${NOT_SIGNED_IN}: the session has ended`, message: { zh: '未登录：会话已结束', en: 'Not signed in: the session has ended' } },
  roleMayNot: (user, event) => ({ error: `your role (${user.role}) may not send ${event}`, message: { zh: '您的角色无权执行此操作', en: `Your role may not send ${event}` } }),
  invalid: (zodError) => {
    const error = describeZodError(zodError);
    return { error, message: { zh: `输入有误：${error}`, en: `Invalid input: ${error}` } };
  },
  internal: { error: 'internal error: try again', message: { zh: '服务器内部错误，请重试', en: 'Internal error: try again' } },
  failed: 'console command failed',
};

interface ConsoleHandlerDeps {
  alarms: AlarmService;
  shelves: ShelfService;
  log: Logger;
  /** The person behind the socket's session now: null once it ended or lapsed. */
  currentUser: () => Promise<SessionUser | null>;
}

/**
 * The console's volume commands (`alarm:bulk`, `shelf:add`, `shelf:remove`): the same gate as the
 * single-alarm commands, then the service, which checks each alarm's or device's scope and audits
 * every change in its write.
 */
export function registerConsoleHandlers(socket: XiaoanSocket, deps: ConsoleHandlerDeps): void {
  const on = commandRegistrar(socket, deps, CONSOLE_COMMAND_WORDS);
  on('alarm:bulk', bulkCommandSchema, async (by, command): Promise<Ack<BulkResult>> => {
    const result = await actOnMany(deps.alarms, by, command);
    deps.log.info({ user: by.user.username, action: command.action, done: result.done, refused: result.refused }, 'bulk alarm command');
    return { ok: true, data: result };
  });
  on('shelf:add', shelveCommandSchema, (by, command) => deps.shelves.shelve(by, command));
  on('shelf:remove', unshelveCommandSchema, (by, command) => deps.shelves.unshelve(by, command));
}
