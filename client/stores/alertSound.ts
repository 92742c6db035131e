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

  /**
   * What the button showed when the current gesture began. The console unlocks the audio on any
   * pointerdown or key (capture phase), so by the time the button's own click arrives the state
   * has already moved on from `locked`; the click must answer what the person saw and pressed.
   */
  let shownAtGesture: AlertSoundState | null = null;

  async function unlock(): Promise<void> {
    if (unlocked.value) return;
    unlocked.value = await tone.unlock();
  }

  /**
   * Call at the start of every user gesture on the console (pointerdown, key press), before
   * anything else handles it: notes what the button shows, then unlocks the audio (browsers allow
   * it only inside a gesture), so any first click or key on the console enables the sound.
   */
  async function gesture(): Promise<void> {
    shownAtGesture = state.value;
    await unlock();
  }

  /**
   * The sound button: a first press (the button said 点击启用声音) enables the sound and leaves
   * it on; later presses mute and unmute.
   */
  async function press(): Promise<void> {
    const shown = shownAtGesture ?? state.value;
    shownAtGesture = null;
    if (shown === 'locked' || !unlocked.value) {
      await unlock();
      muted.value = false;
      return;
    }
    muted.value = !muted.value;
  }

  function enable(on: boolean): void {
    enabled.value = on;
  }

  return { state, muted, calling, gesture, press, enable };
});
