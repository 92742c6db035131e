import { can, type Permission, type SessionUser } from '../../shared/auth.js';
import type { ClientToServerEvents } from '../../shared/events.js';

/**
 * The permission each socket command needs (deny by default: the type makes an event without a
 * rule a compile error, and the access-matrix test enumerates these keys). District and school
 * scope is checked on top, against the alarm the command names.
 */
export const SOCKET_POLICY: Record<keyof ClientToServerEvents, Permission> = {
  'alarm:ack': 'alarm.command',
  'alarm:dispatch': 'alarm.command',
  'alarm:arrive': 'alarm.command',
  'alarm:resolve': 'alarm.command',
  'alarm:false': 'alarm.command',
  'alarm:cancel': 'alarm.command',
  'alarm:handoff': 'alarm.command',
  'alarm:convert': 'alarm.command',
  'alarm:bulk': 'alarm.command',
  'shelf:add': 'alarm.command',
  'shelf:remove': 'alarm.command',
};

/** Whether a signed-in person may send this event at all (scope aside). */
export function maySend(user: SessionUser, event: keyof ClientToServerEvents): boolean {
  const permission: Permission | undefined = Object.hasOwn(SOCKET_POLICY, event) ? SOCKET_POLICY[event] : undefined;
  return permission !== undefined && can(user, permission);
}
