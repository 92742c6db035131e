import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmAction, Disposition } from '../../shared/rules/alarm-lifecycle.js';
import { useAlarmStore } from './alarms.js';
import { useConnectionStore, type CommandOutcome } from './connection.js';
import { useMapViewStore } from './mapView.js';
import { autoSelection } from '../console-queue.js';

/** What the operator asked for, with what that action needs. */
export type ActionRequest =
  | { action: 'ack' | 'arrive' | 'handoff_sent' | 'handoff_acked' | 'convert_real' }
  | { action: 'dispatch'; unitId: string }
  | { action: 'resolve'; disposition: Disposition; note?: string }
  | { action: 'false_alarm' | 'cancel'; note: string };

/** The last command's result, shown under the actions until the next one or another alarm. */
export interface ActionFeedback {
  alarmId: string;
  action: AlarmAction;
  outcome: CommandOutcome;
}

function send(id: string, request: ActionRequest): Promise<CommandOutcome> {
  const connection = useConnectionStore();
  const note = 'note' in request && request.note?.trim() ? { note: request.note.trim() } : {};
  switch (request.action) {
    case 'ack':
      return connection.command('alarm:ack', { id });
    case 'dispatch':
      return connection.command('alarm:dispatch', { id, unitId: request.unitId });
    case 'arrive':
      return connection.command('alarm:arrive', { id });
    case 'resolve':
      return connection.command('alarm:resolve', { id, disposition: request.disposition, ...note });
    case 'false_alarm':
      return connection.command('alarm:false', { id, note: request.note });
    case 'cancel':
      return connection.command('alarm:cancel', { id, note: request.note });
    case 'handoff_sent':
      return connection.command('alarm:handoff', { id, step: 'sent' });
    case 'handoff_acked':
      return connection.command('alarm:handoff', { id, step: 'acked' });
    case 'convert_real':
      return connection.command('alarm:convert', { id });
  }
}

/** The operator console: which alarm is selected, and the commands sent on it. */
export const useConsoleStore = defineStore('console', () => {
  const alarms = useAlarmStore();
  const mapView = useMapViewStore();
  const selectedId = ref<string | null>(null);
  const pending = ref<AlarmAction | null>(null);
  const feedback = ref<ActionFeedback | null>(null);

  /** Stays selected after it closes (from the recently closed list), so its outcome stays in view. */
  const selected = computed<Alarm | null>(() => (selectedId.value ? (alarms.find(selectedId.value) ?? null) : null));

  /** Selects an alarm and flies the map to its school. */
  function select(alarm: Alarm): void {
    if (selectedId.value !== alarm.id) feedback.value = null;
    selectedId.value = alarm.id;
    mapView.focusSchool(alarm.schoolId);
  }

  /**
   * With nothing selected, selects the newest real P1 waiting for acknowledgement: the operator's
   * eyes go where the first minute counts. A selection whose alarm is open is never taken away; a
   * closed one (its outcome in view) only by a P1 that arrived after it closed.
   */
  function selectIfNone(): void {
    const next = autoSelection(alarms.open.values(), selected.value);
    if (next) select(next);
  }

  /** Sends `request` on the selected alarm; one command at a time. */
  async function act(request: ActionRequest): Promise<CommandOutcome | null> {
    const alarm = selected.value;
    if (!alarm || pending.value) return null;
    pending.value = request.action;
    feedback.value = null;
    try {
      const outcome = await send(alarm.id, request);
      feedback.value = { alarmId: alarm.id, action: request.action, outcome };
      return outcome;
    } finally {
      pending.value = null;
    }
  }

  return { selectedId, selected, pending, feedback, select, selectIfNone, act };
});
