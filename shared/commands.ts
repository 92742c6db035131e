import { z } from 'zod';
import { bilingual as b } from './zod-text.js';
import { DISPOSITIONS } from './rules/alarm-lifecycle.js';

const id = z.string().min(1).max(64);
const note = z.string().trim().max(1000).optional();

/** Payloads of the operator commands (Socket.IO), validated on the server. */
export const alarmCommandSchemas = {
  'alarm:ack': z.object({ id, note }),
  'alarm:dispatch': z.object({ id, unitId: z.string().min(1).max(64), note }),
  'alarm:arrive': z.object({ id, note }),
  'alarm:resolve': z.object({ id, disposition: z.enum(DISPOSITIONS), note }),
  'alarm:false': z.object({ id, note: z.string().trim().min(1, b('say why it was a false alarm', '请说明为何是误报')).max(1000) }),
  'alarm:cancel': z.object({ id, note: z.string().trim().min(1, b('say why it is cancelled', '请说明撤销原因')).max(1000) }),
  'alarm:handoff': z.object({ id, step: z.enum(['sent', 'acked']), note }),
  'alarm:convert': z.object({ id, note }),
} as const;

/** The command event names. */
export type AlarmCommandEvent = keyof typeof alarmCommandSchemas;

/** A command's payload type. */
export type AlarmCommandPayload<E extends AlarmCommandEvent> = z.infer<(typeof alarmCommandSchemas)[E]>;

/** The operator's name a screen identifies itself with (until people sign in). */
export const operatorNameSchema = z.string().trim().min(1).max(40);
