import { computed, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import type { SipOverview } from '../../shared/sip.js';
import { getRoute } from '../api.js';
import { useSchoolPoll } from './useSchoolPoll.js';
import { useStageVisibility } from './useStageVisibility.js';

/** How often the tab reads the endpoint's state. */
export const SIP_REFRESH_MS = 10_000;

/** The endpoint's state as the tab shows it, with the time it was read (the `now` of its relative times). */
export interface SipReading {
  overview: SipOverview;
  at: number;
}

/**
 * `GET /admin/sip` at once and every 10 s while the tab is open and the page visible (a hidden
 * page reads nothing, and reads again on its return). The last reading stays on screen through a
 * hidden spell and a failed read; `error` holds the failure until the next good read.
 */
export function useSipOverview(): { reading: ShallowRef<SipReading | null>; error: Ref<unknown>; reload: () => void } {
  const visible = useStageVisibility();
  const error = shallowRef<unknown>(null);
  const key = computed(() => (visible.value ? 'sip' : null));
  const poll = useSchoolPoll(key, SIP_REFRESH_MS, async (_key, signal) => {
    try {
      const overview = await getRoute('admin.sip', {}, signal);
      error.value = null;
      return { overview, at: Date.now() };
    } catch (failure) {
      if (!signal.aborted) error.value = failure;
      throw failure;
    }
  });
  const reading = shallowRef<SipReading | null>(null);
  watch(poll.data, (next) => {
    if (next) reading.value = next;
  });
  return { reading, error, reload: poll.reload };
}
