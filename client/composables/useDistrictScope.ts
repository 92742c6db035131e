import { computed, watchEffect, type ComputedRef } from 'vue';
import { DISTRICTS, type District } from '../../shared/domain/districts.js';
import { useSessionStore } from '../stores/session.js';

/** What a district selector may offer the signed-in person. */
export interface DistrictScope {
  /** A county-level person: their district is chosen and the selector locked (the server shows them nothing else anyway). */
  locked: ComputedRef<boolean>;
  /** The districts to offer: all of them for city-level people, only their own otherwise. */
  districts: ComputedRef<readonly District[]>;
}

/**
 * A district selector for the signed-in person's scope. `model` reads and writes the selector's
 * value; for a county-level person it is set to their district and kept there.
 */
export function useDistrictScope<T extends string | null>(model?: { get: () => T; set: (code: string) => void }): DistrictScope {
  const session = useSessionStore();
  const own = computed(() => session.user?.districtCode ?? null);
  const locked = computed(() => own.value !== null);
  const districts = computed(() => (own.value ? DISTRICTS.filter((district) => district.code === own.value) : DISTRICTS));
  if (model) {
    watchEffect(() => {
      if (own.value && model.get() !== own.value) model.set(own.value);
    });
  }
  return { locked, districts };
}
