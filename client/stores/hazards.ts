import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { HazardCountsAnswer, HazardListItem } from '../../shared/compliance.js';
import type { DistrictCode } from '../../shared/domain/districts.js';
import { isOverdue, type Hazard, type HazardAction, type HazardState } from '../../shared/rules/hazard.js';
import { getJson, sendJson, type WriteResult } from '../api.js';
import { todayInShanghai } from '../compliance-cells.js';
import { latestRequest } from '../latest.js';

/** The hazard list's filters: a state (or open / all), a district ('' = all), only overdue ones. */
export interface HazardFilters {
  state: HazardState | 'open' | 'all';
  districtCode: DistrictCode | '';
  overdue: boolean;
}

/** The `GET /api/v1/hazards` query for the filters. */
export function hazardQuery(filters: HazardFilters, limit = 500): URLSearchParams {
  const query = new URLSearchParams({ state: filters.state, limit: String(limit) });
  if (filters.districtCode) query.set('districtCode', filters.districtCode);
  if (filters.overdue) query.set('overdue', 'true');
  return query;
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
        getJson<{ hazards: HazardListItem[] }>(`/api/v1/hazards?${hazardQuery(filters)}`, mine.signal),
        getJson<HazardCountsAnswer>('/api/v1/hazards/counts', mine.signal),
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
  async function register(body: Record<string, unknown>): Promise<WriteResult<Hazard>> {
    const result = await sendJson<Hazard>('POST', '/api/v1/hazards', body);
    if (result.ok) await load();
    return result;
  }

  /**
   * Takes a step on a hazard, naming the version the person saw (a hazard someone moved
   * meanwhile is refused with 409 and its reason). The list shows the hazard as answered.
   */
  async function step(hazard: HazardListItem, action: HazardAction, body: Record<string, unknown>): Promise<WriteResult<Hazard>> {
    const result = await sendJson<Hazard>('POST', `/api/v1/hazards/${encodeURIComponent(hazard.id)}/${action}`, { ...body, version: hazard.version });
    if (result.ok) {
      replace(result.data);
      void getJson<HazardCountsAnswer>('/api/v1/hazards/counts').then((figures) => (counts.value = figures), () => undefined);
    } else if (result.status === 409) {
      // Moved by someone else, or a step its state refuses: show where it stands now.
      void getJson<Hazard>(`/api/v1/hazards/${encodeURIComponent(hazard.id)}`).then(replace, () => undefined);
    }
    return result;
  }

  function replace(hazard: Hazard): void {
    const updated = toListItem(hazard, todayInShanghai());
    hazards.value = hazards.value.map((item) => (item.id === updated.id ? updated : item));
  }

  return { filters, hazards, counts, loading, error, load, register, step };
});
