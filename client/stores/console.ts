import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmAction } from '../../shared/rules/alarm-lifecycle.js';
import { commandFor, type AlarmRequest } from '../../shared/commands.js';
import { useAlarmStore } from './alarms.js';
import { useConnectionStore, type CommandOutcome } from './connection.js';
import { useMapViewStore } from './mapView.js';
import { autoSelection } from '../console-queue.js';

/** What the operator asked for, with what that action needs. */
export type ActionRequest = AlarmRequest;

/** The last command's result, shown under the actions until the next one or another alarm. */
export interface ActionFeedback {
  alarmId: string;
  action: AlarmAction;
  outcome: CommandOutcome;
}

/** Sends `request` on alarm `id`, as the command that carries its action (shared/commands.ts). */
function send(id: string, request: ActionRequest): Promise<CommandOutcome> {
  const { event, payload } = commandFor(id, request);
  return useConnectionStore().command(event, payload);
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
