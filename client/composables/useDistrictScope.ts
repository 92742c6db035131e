import { computed, watchEffect, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { DISTRICTS, districtNameIn, findDistrict, type District } from '../../shared/domain/districts.js';
import { scopeBounds, type LatLngBoundsTuple } from '../geo.js';
import { useSessionStore } from '../stores/session.js';
import { useWallStore } from '../stores/wall.js';

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

/** Where a map opens for the signed-in person: their district when county-level, else the city (client/geo.ts). */
export function useScopeBounds(): ComputedRef<LatLngBoundsTuple> {
  const session = useSessionStore();
  const wall = useWallStore();
  return computed(() => scopeBounds(session.user?.districtCode ?? null, wall.districtShapes, wall.schools));
}

/**
 * The name of the signed-in person's whole scope, for a total row or a figure's caption: 全市
 * for city-level people, the district's own name (新华区合计) for a county-level person, whose
 * "city total" is only their district.
 */
export function useScopeTotalLabel(): { totalLabel: ComputedRef<string>; scopeName: ComputedRef<string>; county: ComputedRef<boolean> } {
  const session = useSessionStore();
  const { t, locale } = useI18n();
  const district = computed(() => (session.user?.districtCode ? findDistrict(session.user.districtCode) : undefined));
  const scopeName = computed(() => (district.value ? districtNameIn(locale.value, district.value) : t('coverage.city')));
  const totalLabel = computed(() => (district.value ? t('tally.districtTotal', { district: scopeName.value }) : t('coverage.city')));
  return { totalLabel, scopeName, county: computed(() => district.value !== undefined) };
}
