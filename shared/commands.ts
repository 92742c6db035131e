import { z } from 'zod';
import { bilingual as b } from './zod-text.js';
import { ALARM_ACTIONS, DISPOSITIONS, type AlarmAction, type Disposition } from './rules/alarm-lifecycle.js';

const id = z.string().min(1).max(64);
const note = z.string().trim().max(1000).optional();

/** The two steps of the hand-off to the 110 alarm centre: sent, then acknowledged by 110. */
export const HANDOFF_STEPS = ['sent', 'acked'] as const;
/** A hand-off step. */
export type HandoffStep = (typeof HANDOFF_STEPS)[number];

/** Payloads of the operator commands (Socket.IO), validated on the server. */
export const alarmCommandSchemas = {
  'alarm:ack': z.object({ id, note }),
  'alarm:dispatch': z.object({ id, unitId: z.string().min(1).max(64), note }),
  'alarm:arrive': z.object({ id, note }),
  'alarm:resolve': z.object({ id, disposition: z.enum(DISPOSITIONS), note }),
  'alarm:false': z.object({ id, note: z.string().trim().min(1, b('say why it was a false alarm', '请说明为何是误报')).max(1000) }),
  'alarm:cancel': z.object({ id, note: z.string().trim().min(1, b('say why it is cancelled', '请说明撤销原因')).max(1000) }),
  'alarm:handoff': z.object({ id, step: z.enum(HANDOFF_STEPS), note }),
  'alarm:convert': z.object({ id, note }),
} as const;

/** The command event names. */
export type AlarmCommandEvent = keyof typeof alarmCommandSchemas;

/** A command's payload type. */
export type AlarmCommandPayload<E extends AlarmCommandEvent> = z.infer<(typeof alarmCommandSchemas)[E]>;

/**
 * Which command carries each lifecycle action: its socket event and, for the hand-off to 110,
 * its step. The one table behind the console's commands (`commandFor`), the server's handlers
 * (`actionOf`) and the audit log's action names (`auditActionOf`).
 */
export const ALARM_ACTION_COMMANDS: Readonly<Record<AlarmAction, { event: AlarmCommandEvent; step?: HandoffStep }>> = {
  ack: { event: 'alarm:ack' },
  dispatch: { event: 'alarm:dispatch' },
  arrive: { event: 'alarm:arrive' },
  resolve: { event: 'alarm:resolve' },
  false_alarm: { event: 'alarm:false' },
  cancel: { event: 'alarm:cancel' },
  handoff_sent: { event: 'alarm:handoff', step: 'sent' },
  handoff_acked: { event: 'alarm:handoff', step: 'acked' },
  convert_real: { event: 'alarm:convert' },
};

const commandKey = (event: string, step: string | undefined): string => (step ? `${event} ${step}` : event);
const ACTION_OF_COMMAND = new Map(ALARM_ACTIONS.map((action) => [commandKey(ALARM_ACTION_COMMANDS[action].event, ALARM_ACTION_COMMANDS[action].step), action]));

/** The lifecycle action a command event performs (the hand-off's by its step). */
export function actionOf(event: AlarmCommandEvent, step?: HandoffStep): AlarmAction {
  const action = ACTION_OF_COMMAND.get(commandKey(event, event === 'alarm:handoff' ? step : undefined));
  if (!action) throw new Error(`no lifecycle action for ${commandKey(event, step)}`);
  return action;
}

/** The audit log's name of an action: its command's event with a dot (`alarm:false` → `alarm.false`). */
export function auditActionOf(action: AlarmAction): string {
  return ALARM_ACTION_COMMANDS[action].event.replace(':', '.');
}

/** What the operator asks of one alarm: the action, with what that action needs. */
export type AlarmRequest =
  | { action: 'ack' | 'arrive' | 'handoff_sent' | 'handoff_acked' | 'convert_real'; note?: string }
  | { action: 'dispatch'; unitId: string; note?: string }
  | { action: 'resolve'; disposition: Disposition; note?: string }
  | { action: 'false_alarm' | 'cancel'; note: string };

/** A command's payload fields: the alarm and whatever its action needs (each event's schema says which). */
export interface AlarmCommandFields {
  id: string;
  unitId?: string;
  disposition?: Disposition;
  step?: HandoffStep;
  note?: string;
}

/** The event and payload that carry `request` on alarm `alarmId`; a blank note is left out. */
export function commandFor(alarmId: string, request: AlarmRequest): { event: AlarmCommandEvent; payload: AlarmCommandFields } {
  const { event, step } = ALARM_ACTION_COMMANDS[request.action];
  const text = request.note?.trim();
  return {
    event,
    payload: {
      id: alarmId,
      ...(step ? { step } : {}),
      ...('unitId' in request ? { unitId: request.unitId } : {}),
      ...('disposition' in request ? { disposition: request.disposition } : {}),
      ...(text ? { note: text } : {}),
    },
  };
}

/** The operator's name a screen identifies itself with (until people sign in). */
export const operatorNameSchema = z.string().trim().min(1).max(40);
