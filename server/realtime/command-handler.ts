import type { z } from 'zod';
import type { SessionUser } from '../../shared/auth.js';
import type { Ack, ClientToServerEvents, RefusalCode } from '../../shared/events.js';
import type { RefusalWords } from '../../shared/refusal.js';
import { socketClientAddress } from '../http/client-address.js';
import type { Logger } from '../logger.js';
import type { Actor } from '../services/actor.js';
import type { XiaoanSocket } from './rooms.js';
import { noteRefusal } from './command-gate.js';
import { maySend } from './socket-policy.js';

/** A group of commands' refusals before the service is asked (each group keeps the words its screens and tests know). */
export interface CommandWords {
  /** The session ended or lapsed: the command is refused and the socket closed. */
  sessionEnded: RefusalWords;
  /** The person's role may not send this event (SOCKET_POLICY). */
  roleMayNot(user: SessionUser, event: string): RefusalWords;
  /** The payload did not pass its schema. */
  invalid(error: z.ZodError, payload: unknown): RefusalWords;
  /** Something failed on the server: nothing was changed. */
  internal: RefusalWords;
  /** The log line of such a failure. */
  failed: string;
}

export interface CommandDeps {
  log: Logger;
  /** The person behind the socket's session now: null once it ended or lapsed. */
  currentUser: () => Promise<SessionUser | null>;
}

/** A refusal as an acknowledgement carries it. */
type Refused = Extract<Ack<never>, { ok: false }>;

/** Carries out a parsed command for the acting person; the service checks scope, writes and audits. */
type Act<S extends z.ZodType, T> = (by: Actor, payload: z.infer<S>) => Promise<Ack<T>>;

/**
 * Registers socket commands, each a few lines: the session is looked at again (one that ended or
 * lapsed acts no more), the role's permission (SOCKET_POLICY), the payload (zod), then the
 * service, whose answer goes back through the acknowledgement. Refusals go on the socket's
 * sampled log. (The rate limit and the handshake role were checked before: command-gate.ts.)
 */
export function commandRegistrar(socket: XiaoanSocket, deps: CommandDeps, words: CommandWords) {
  return function on<S extends z.ZodType, T>(event: keyof ClientToServerEvents, schema: S, act: Act<S, T>, targetOf?: (payload: z.infer<S>) => string): void {
    const listener = async (payload: unknown, reply: unknown): Promise<void> => {
      if (typeof reply !== 'function') return; // A command without an acknowledgement callback cannot be answered.
      const answer = reply as (result: Ack<T>) => void;
      const refuse = (code: RefusalCode, refusal: Omit<Refused, 'ok' | 'code'>, target?: string): void => {
        noteRefusal(socket, deps.log, { event, code, target });
        answer({ ...refusal, ok: false, code });
      };
      try {
        const user = await deps.currentUser();
        if (!user) {
          refuse('forbidden', words.sessionEnded);
          socket.disconnect(true);
          return;
        }
        if (!maySend(user, event)) return refuse('forbidden', words.roleMayNot(user, event));
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return refuse('invalid', words.invalid(parsed.error, payload));
        const result = await act({ user, address: socketClientAddress(socket) }, parsed.data);
        if (!result.ok) return refuse(result.code ?? 'internal', result, targetOf?.(parsed.data));
        answer(result);
      } catch (error) {
        deps.log.error({ err: error, event }, words.failed);
        answer({ ok: false, code: 'internal', ...words.internal });
      }
    };
    // The typed map cannot express "one listener for each of these events", so the listener is cast once here.
    (socket.on as (name: string, fn: (payload: unknown, reply: unknown) => void) => void)(event, (payload, reply) => void listener(payload, reply));
  };
}
