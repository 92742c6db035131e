import type { ClientToServerEvents, RefusalCode } from '../../shared/events.js';
import { refusal, type RefusalWords } from '../../shared/refusal.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { TokenBucket } from '../services/token-bucket.js';
import type { XiaoanSocket } from './rooms.js';
import { maySend } from './socket-policy.js';

/** How many commands one socket may send: a burst, a steady rate, and how many over the limit close it. */
export interface CommandLimits {
  /** Commands a socket may send at once (the bucket's size). */
  burst: number;
  /** Commands per second the bucket refills with. */
  perSecond: number;
  /** Commands over the limit within one log window (10 s) after which the socket is closed; 0 never closes. */
  floodClose: number;
}

/**
 * Sized so a person never meets them: a console sends one command per click (a bulk action is one
 * command), and a screen that lost its link for a moment re-sends what it buffered at once. Every
 * refusal is a packet the server writes, flushed in one go: closing a flooding socket after 200
 * over the limit keeps that under ~300 answers (20,000 refused commands held the loop ≤ 0.19 s
 * on a loaded 2-core machine, against 0.5–0.7 s closing after 1,000 and 4.1 s before the gate).
 */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = { burst: 100, perSecond: 20, floodClose: 200 };

/** The window refusals are summed over in the log: one full line for the first, then one summary line. */
export const REFUSAL_LOG_WINDOW_MS = 10_000;

/** The longest event name a log line or a refusal repeats (a hostile client may send any string). */
const EVENT_NAME_MAX = 64;

/** A command over the socket's limit: answered, not acted on. */
export const TOO_MANY_COMMANDS = refusal('操作过于频繁：请稍候再试', 'too many commands: wait a moment and try again');

/** The last answer before a flooding socket is closed. */
export const FLOOD_CLOSED = refusal('短时间内指令过多：连接已断开', 'far too many commands in a short time: this connection is closed');

/** One refused command, as the log names it. */
export interface RefusedCommand {
  event: string;
  code: RefusalCode | undefined;
  target?: string | undefined;
}

/**
 * A socket's refusals in the log: the first of a window in full, the rest only counted and
 * written as one summary line when the window closes (or the socket does). A socket sending
 * thousands of refused commands costs two lines per window, not one per command.
 */
class RefusalLog {
  private open: ReturnType<typeof setTimeout> | null = null;
  private more = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly who: { socket: string; user: string },
  ) {}

  note(entry: RefusedCommand): void {
    if (!this.open) {
      this.log.info({ ...this.who, event: entry.event, code: entry.code, target: entry.target }, 'socket command refused');
      this.open = setTimeout(() => this.flush(), REFUSAL_LOG_WINDOW_MS);
      this.open.unref();
      return;
    }
    this.more += 1;
    const key = `${entry.event} ${entry.code ?? 'refused'}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Writes the window's summary (if more than the first came) and closes it. */
  flush(): void {
    if (this.open) clearTimeout(this.open);
    this.open = null;
    if (this.more === 0) return;
    this.log.warn({ ...this.who, refused: this.more, byCommand: Object.fromEntries(this.counts), windowSeconds: REFUSAL_LOG_WINDOW_MS / 1000 }, 'socket commands refused (summary of the window after the first)');
    this.more = 0;
    this.counts.clear();
  }
}

const refusalLogs = new WeakMap<XiaoanSocket, RefusalLog>();

/** Puts a refused command on the socket's sampled log (a socket without a gate logs it plainly). */
export function noteRefusal(socket: XiaoanSocket, log: Logger, entry: RefusedCommand): void {
  const sampled = refusalLogs.get(socket);
  if (sampled) sampled.note(entry);
  else log.info({ socket: socket.id, user: socket.data.user.username, ...entry }, 'socket command refused');
}

type Answer = (result: { ok: false; code: RefusalCode } & RefusalWords) => void;

/**
 * The first thing every command meets, before any handler and any database work: the socket's
 * token bucket, then the role's permission as the handshake found it (a changed role ends the
 * session and closes the socket, so it is current). A refusal is answered through the
 * acknowledgement and put on the sampled log; a socket far over its limit is told and closed.
 * The handlers check the session again (it may have ended) for the commands that pass.
 */
export function guardCommands(socket: XiaoanSocket, deps: { log: Logger; clock: Clock; limits: CommandLimits }): void {
  const { log, clock, limits } = deps;
  const bucket = new TokenBucket(limits.burst, limits.perSecond, clock.now());
  const sampled = new RefusalLog(log, { socket: socket.id, user: socket.data.user.username });
  refusalLogs.set(socket, sampled);
  let overSince = 0;
  let over = 0;
  socket.on('disconnect', () => sampled.flush());
  socket.use((packet, next) => {
    // Packets already read when the socket was closed are dropped unanswered and unlogged.
    if (!socket.connected) return;
    const [name, ...args] = packet as unknown[];
    const event = typeof name === 'string' ? name.slice(0, EVENT_NAME_MAX) : '?';
    const last = args.at(-1);
    const answer: Answer | null = typeof last === 'function' ? (last as Answer) : null;
    const now = clock.now();
    if (!bucket.take(now)) {
      if (now - overSince >= REFUSAL_LOG_WINDOW_MS) {
        overSince = now;
        over = 0;
      }
      over += 1;
      if (limits.floodClose > 0 && over >= limits.floodClose) {
        answer?.({ ok: false, code: 'rate_limited', ...FLOOD_CLOSED });
        sampled.flush();
        log.warn({ socket: socket.id, user: socket.data.user.username, over, windowSeconds: REFUSAL_LOG_WINDOW_MS / 1000 }, 'socket closed: far too many commands');
        socket.disconnect(true);
        return;
      }
      sampled.note({ event, code: 'rate_limited' });
      answer?.({ ok: false, code: 'rate_limited', ...TOO_MANY_COMMANDS });
      return;
    }
    const user = socket.data.user;
    if (!maySend(user, event as keyof ClientToServerEvents)) {
      sampled.note({ event, code: 'forbidden' });
      answer?.({ ok: false, code: 'forbidden', ...refusal(`您的角色（${user.role}）无权执行此操作（${event}）`, `your role (${user.role}) may not send ${event}`) });
      return;
    }
    next();
  });
}
