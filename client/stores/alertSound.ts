import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Alarm } from '../../shared/domain/index.js';
import { AlertTone, type AlertPattern } from '../alert-tone.js';
import { useAlarmStore } from './alarms.js';

/** Priorities that sound: 1 (one-key SOS) and 2 (intrusion). */
export const SOUNDING_MAX_PRIORITY = 2;

/**
 * `unsupported`: no Web Audio; `locked`: the browser waits for a first click; `muted`: the
 * operator switched it off; `alerting`: sounding now; `armed`: ready, nothing to sound.
 */
export type AlertSoundState = 'unsupported' | 'locked' | 'muted' | 'alerting' | 'armed';

/** Whether an alarm calls for the sound: a real, unacknowledged priority 1–2 alarm. */
export function needsSound(alarm: Alarm): boolean {
  return !alarm.drill && alarm.state === 'new' && alarm.priority <= SOUNDING_MAX_PRIORITY;
}

/**
 * The console's audible alert: sounds while any real priority 1–2 alarm waits unacknowledged,
 * until it is acknowledged or the operator mutes. Muting is never remembered across reloads:
 * a console that starts silent would be a console nobody hears.
 */
export const useAlertSoundStore = defineStore('alertSound', () => {
  const alarms = useAlarmStore();
  const tone = new AlertTone();
  const unlocked = ref(false);
  const muted = ref(false);
  /** Only a console sounds; the wall is a display. */
  const enabled = ref(false);

  const calling = computed(() => alarms.queue.filter(needsSound));
  const pattern = computed<AlertPattern | null>(() => {
    if (calling.value.length === 0) return null;
    return calling.value.some((alarm) => alarm.priority === 1) ? 1 : 2;
  });
  const state = computed<AlertSoundState>(() => {
    if (!AlertTone.supported()) return 'unsupported';
    if (!unlocked.value) return 'locked';
    if (muted.value) return 'muted';
    return pattern.value ? 'alerting' : 'armed';
  });

  watch(
    () => (enabled.value && state.value === 'alerting' ? pattern.value : null),
    (next) => (next ? tone.play(next) : tone.stop()),
  );

  /** Call from a user gesture (any click or key on the console). */
  async function unlock(): Promise<void> {
    if (unlocked.value) return;
    unlocked.value = await tone.unlock();
  }

  function toggleMute(): void {
    muted.value = !muted.value;
  }

  function enable(on: boolean): void {
    enabled.value = on;
  }

  return { state, muted, calling, unlock, toggleMute, enable };
});
