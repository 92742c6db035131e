import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { AlertTone } from '../alert-tone.js';
import { isCalling } from '../responder-alarms.js';
import { useResponderStore } from './responder.js';

/** The phone's buzz for a new dispatch: long, short gaps, long — felt in a pocket. */
export const DISPATCH_VIBRATION = [700, 250, 700, 250, 700];

/**
 * `unsupported`: no Web Audio; `locked`: the browser waits for a first tap; `alerting`: sounding
 * now; `armed`: ready, nothing to sound.
 */
export type ResponderSoundState = 'unsupported' | 'locked' | 'alerting' | 'armed';

/**
 * The unit's alert: the SOS tone (client/alert-tone.ts) while an alarm dispatched to the unit
 * waits for someone to accept it or arrive, and a vibration when such an alarm comes in (where the
 * browser allows: Android Chrome after the first tap; iOS Safari has no vibration). Browsers keep
 * sound locked until a tap: the page's first tap anywhere unlocks it.
 */
export const useResponderAlertStore = defineStore('responderAlert', () => {
  const responder = useResponderStore();
  const tone = new AlertTone();
  const unlocked = ref(false);

  const calling = computed(() => responder.alarms.filter(({ alarm }) => isCalling(alarm, responder.queue)));
  const state = computed<ResponderSoundState>(() => {
    if (!AlertTone.supported()) return 'unsupported';
    if (!unlocked.value) return 'locked';
    return calling.value.length > 0 ? 'alerting' : 'armed';
  });

  watch(
    () => state.value === 'alerting',
    (on) => (on ? tone.play(1) : tone.stop()),
  );

  const buzzed = new Set<string>();
  watch(
    calling,
    (entries) => {
      const fresh = entries.filter(({ alarm }) => !buzzed.has(alarm.id));
      fresh.forEach(({ alarm }) => buzzed.add(alarm.id));
      if (fresh.length === 0 || typeof navigator.vibrate !== 'function') return;
      try {
        navigator.vibrate(DISPATCH_VIBRATION);
      } catch {
        // Not allowed before a first tap in some browsers: the tone and the screen still call.
      }
    },
    { immediate: true },
  );

  /** Call inside a tap (any tap on the page): the browser allows audio from then on. */
  async function unlock(): Promise<void> {
    if (unlocked.value) return;
    unlocked.value = await tone.unlock();
  }

  function stop(): void {
    tone.stop();
  }

  return { state, calling, unlock, stop };
});
