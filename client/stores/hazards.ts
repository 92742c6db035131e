import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { HazardCountsAnswer, HazardListItem } from '../../shared/compliance.js';
import type { DistrictCode } from '../../shared/domain/districts.js';
import { isOverdue, type Hazard, type HazardState } from '../../shared/rules/hazard.js';
import type { API, BodyIn, QueryIn } from '../../shared/api/index.js';
import { getRoute, sendRoute, type WriteResult } from '../api.js';
import { todayInShanghai } from '../compliance-cells.js';
import { latestRequest } from '../latest.js';

/** The hazard list's filters: a state (or open / all), a district ('' = all), only overdue ones. */
export interface HazardFilters {
  state: HazardState | 'open' | 'all';
  districtCode: DistrictCode | '';
  overdue: boolean;
}

/** The `GET /api/v1/hazards` query for the filters: the state and a limit, and only the filters set. */
export function hazardQuery(filters: HazardFilters, limit = 500): QueryIn<(typeof API)['hazards.list']> {
  return { state: filters.state, limit, ...(filters.districtCode ? { districtCode: filters.districtCode } : {}), ...(filters.overdue ? { overdue: 'true' as const } : {}) };
}

/** A step as a form fills it in: the action and what its route takes (the version is added from the hazard on screen). */
export type HazardStepInput =
  | { action: 'dispatch'; body: BodyIn<(typeof API)['hazards.dispatch']> }
  | { action: 'rectify'; body: BodyIn<(typeof API)['hazards.rectify']> }
  | { action: 'verify'; body: BodyIn<(typeof API)['hazards.verify']> }
  | { action: 'reject'; body: BodyIn<(typeof API)['hazards.reject']> }
  | { action: 'close'; body: BodyIn<(typeof API)['hazards.close']> };

/** Sends a step by its route, naming the version the person saw. */
function sendStep(id: string, input: HazardStepInput, version: number): Promise<WriteResult<Hazard>> {
  const params = { id };
  switch (input.action) {
    case 'dispatch':
      return sendRoute('hazards.dispatch', { params, body: { ...input.body, version } });
    case 'rectify':
      return sendRoute('hazards.rectify', { params, body: { ...input.body, version } });
    case 'verify':
      return sendRoute('hazards.verify', { params, body: { ...input.body, version } });
    case 'reject':
      return sendRoute('hazards.reject', { params, body: { ...input.body, version } });
    case 'close':
      return sendRoute('hazards.close', { params, body: { ...input.body, version } });
  }
}

/** A hazard as a step answers it, shaped as the list shows it (overdue judged on today's date here). */
export function toListItem(hazard: Hazard, today: string): HazardListItem {
  const { transitions: _steps, ...rest } = hazard;
  return { ...rest, overdue: isOverdue(hazard, today) };
}

/** Hazards (隐患): the list with its filters, the counts per district, registering and the steps. */
export const useHazardStore = defineStore('hazards', () => {
  const filters = reactive<HazardFilters>({ state: 'open', districtCode: '', overdue: false });
  const hazards = shallowRef<HazardListItem[]>([]);
  const counts = shallowRef<HazardCountsAnswer | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const latest = latestRequest();

  async function load(): Promise<void> {
    const mine = latest.next();
    loading.value = true;
    try {
      const [list, figures] = await Promise.all([
        getRoute('hazards.list', { query: hazardQuery(filters) }, mine.signal),
        getRoute('hazards.counts', {}, mine.signal),
      ]);
      hazards.value = list.hazards;
      counts.value = figures;
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (latest.isLatest(mine)) loading.value = false;
    }
  }

  /** Registers a hazard (登记); the server records the signed-in person as its registrar. */
  async function register(body: BodyIn<(typeof API)['hazards.create']>): Promise<WriteResult<Hazard>> {
    const result = await sendRoute('hazards.create', { body });
    if (result.ok) await load();
    return result;
  }

  /**
   * Takes a step on a hazard, naming the version the person saw (a hazard someone moved
   * meanwhile is refused with 409 and its reason). The list shows the hazard as answered.
   */
  async function step(hazard: HazardListItem, input: HazardStepInput): Promise<WriteResult<Hazard>> {
    const result = await sendStep(hazard.id, input, hazard.version);
    if (result.ok) {
      replace(result.data);
      void getRoute('hazards.counts', {}).then((figures) => (counts.value = figures), () => undefined);
    } else if (result.status === 409) {
      // Moved by someone else, or a step its state refuses: show where it stands now.
      void getRoute('hazards.get', { params: { id: hazard.id } }).then(replace, () => undefined);
    }
    return result;
  }

  function replace(hazard: Hazard): void {
    const updated = toListItem(hazard, todayInShanghai());
    hazards.value = hazards.value.map((item) => (item.id === updated.id ? updated : item));
  }

  return { filters, hazards, counts, loading, error, load, register, step };
});
