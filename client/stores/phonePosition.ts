import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { FieldStepInput } from '../../shared/responder.js';

/** A phone's position as a step carries it. */
export type PhonePosition = NonNullable<Extract<FieldStepInput, { action: 'arrive' }>['position']>;

/**
 * `off`: not asked yet; `locating`: asked, no fix yet; `known`: a fix; `denied`: the person (or
 * the page's origin: geolocation needs https) did not allow it; `unavailable`: no fix to be had.
 */
export type PositionState = 'off' | 'locating' | 'known' | 'denied' | 'unavailable';

/** How long "on scene" waits for a fresh fix before it goes without one. */
export const ARRIVE_FIX_TIMEOUT_MS = 8_000;
/** A fix at most this old is fresh enough for "on scene". */
const FRESH_FIX_MS = 30_000;

function toPosition(fix: GeolocationPosition): PhonePosition {
  return { lat: fix.coords.latitude, lng: fix.coords.longitude, accuracyM: Number.isFinite(fix.coords.accuracy) ? Math.round(fix.coords.accuracy) : null };
}

/**
 * The phone's position while the responder page is open (watchPosition, when the person allows
 * it): for the distance to each school, and taken once more, fresh, for "on scene".
 */
export const usePhonePositionStore = defineStore('phonePosition', () => {
  const state = ref<PositionState>('off');
  const position = shallowRef<PhonePosition | null>(null);
  let watchId: number | null = null;

  function failed(error: GeolocationPositionError): void {
    state.value = error.code === error.PERMISSION_DENIED ? 'denied' : position.value ? 'known' : 'unavailable';
  }

  /** Starts following the position (asks the person the first time). */
  function watch(): void {
    if (watchId !== null) return;
    if (!('geolocation' in navigator)) {
      state.value = 'unavailable';
      return;
    }
    state.value = 'locating';
    watchId = navigator.geolocation.watchPosition(
      (fix) => {
        position.value = toPosition(fix);
        state.value = 'known';
      },
      failed,
      { enableHighAccuracy: true, maximumAge: 10_000 },
    );
  }

  function stop(): void {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }

  /** A fresh fix for a step, or null when none comes in time (the step goes without, and says so). */
  function current(timeoutMs = ARRIVE_FIX_TIMEOUT_MS): Promise<PhonePosition | null> {
    if (!('geolocation' in navigator)) return Promise.resolve(null);
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (fix) => {
          position.value = toPosition(fix);
          state.value = 'known';
          resolve(position.value);
        },
        (error) => {
          failed(error);
          resolve(null);
        },
        { enableHighAccuracy: true, maximumAge: FRESH_FIX_MS, timeout: timeoutMs },
      );
    });
  }

  return { state, position, watch, stop, current };
});
