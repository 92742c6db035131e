import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { API, QueryIn } from '../../shared/api/index.js';
import { findDistrict, type Alarm, type AlarmType } from '../../shared/domain/index.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';
import type { AlarmOutcome } from '../../shared/rules/alarm-analytics.js';
import { addDays } from '../../shared/time.js';

/** Closed alarms fetched per page; "load more" asks for this many more. */
export const HISTORY_PAGE = 50;

/** The history's search form. Dates are Asia/Shanghai calendar days, `YYYY-MM-DD`, both inclusive. */
export interface HistoryFilters {
  q: string;
  type: AlarmType | '';
  districtCode: string;
  drill: 'any' | 'real' | 'drill';
  since: string;
  until: string;
  /** One device (a drill-down from the analytics' nuisance list); absent or empty: any. */
  deviceId?: string;
  /** One outcome (a drill-down from the analytics); absent or empty: any. */
  outcome?: AlarmOutcome | '';
  /** A heat-map cell of the analytics: a Shanghai weekday (1 Monday … 7 Sunday) and an hour (0–23); null: any. */
  weekday?: number | null;
  hour?: number | null;
}

/** An empty form: every closed alarm. */
export function emptyHistoryFilters(): HistoryFilters {
  return { q: '', type: '', districtCode: '', drill: 'any', since: '', until: '', deviceId: '', outcome: '', weekday: null, hour: null };
}

/** The `GET /api/v1/alarms` query for a form and a page size; days start at 00:00 in Shanghai. */
export function historyQuery(filters: HistoryFilters, limit: number): QueryIn<(typeof API)['alarms.list']> {
  const q = filters.q.trim();
  // A district the server does not know is no filter (the selector offers only known ones).
  const districtCode = findDistrict(filters.districtCode)?.code;
  return {
    state: 'closed',
    limit,
    ...(q ? { q } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(districtCode ? { districtCode } : {}),
    ...(filters.drill !== 'any' ? { drill: filters.drill === 'drill' ? 'true' : 'false' } : {}),
    ...(filters.since ? { since: `${filters.since}T00:00:00+08:00` } : {}),
    ...(filters.until ? { until: `${addDays(filters.until, 1)}T00:00:00+08:00` } : {}),
    ...(filters.deviceId ? { deviceId: filters.deviceId } : {}),
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
    // The server counts a cell's hours within since–until only: without both days the cell is no filter.
    ...(filters.since && filters.until && filters.weekday != null ? { weekday: filters.weekday } : {}),
    ...(filters.since && filters.until && filters.hour != null ? { hour: filters.hour } : {}),
  };
}

/** What the history view shows: the list of closed alarms or their analytics (报警分析). */
export type HistoryPane = 'list' | 'analytics';

/** Closed-alarm history: search, filters, paging by limit, the alarm whose timeline is open, and the pane shown. */
export const useHistoryStore = defineStore('history', () => {
  const filters = reactive(emptyHistoryFilters());
  const alarms = shallowRef<Alarm[]>([]);
  const limit = ref(HISTORY_PAGE);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const selectedId = ref<string | null>(null);
  const pane = ref<HistoryPane>('list');
  let applied = emptyHistoryFilters();
  const latest = latestRequest();

  /** When a page came back full there may be more. */
  const mayHaveMore = computed(() => alarms.value.length === limit.value);
  const selected = computed(() => alarms.value.find((alarm) => alarm.id === selectedId.value) ?? null);

  async function fetchPage(): Promise<void> {
    const mine = latest.next();
    loading.value = true;
    try {
      const answer = await getRoute('alarms.list', { query: historyQuery(applied, limit.value) }, mine.signal);
      alarms.value = answer.alarms;
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (latest.isLatest(mine)) loading.value = false;
    }
  }

  /** Runs the form as it stands, from the first page. */
  function search(): Promise<void> {
    applied = { ...filters };
    limit.value = HISTORY_PAGE;
    return fetchPage();
  }

  function loadMore(): Promise<void> {
    limit.value += HISTORY_PAGE;
    return fetchPage();
  }

  function reset(): Promise<void> {
    Object.assign(filters, emptyHistoryFilters());
    return search();
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  /** Shows the list with exactly these filters (a chart bar or a nuisance row clicked in the analytics). */
  function drillDown(to: Partial<HistoryFilters>): Promise<void> {
    Object.assign(filters, emptyHistoryFilters(), to);
    selectedId.value = null;
    pane.value = 'list';
    return search();
  }

  /** Takes one drill-down filter off (the device, the outcome, the heat-map cell) and searches again. */
  function clearFilter(name: 'deviceId' | 'outcome' | 'cell'): Promise<void> {
    if (name === 'cell') Object.assign(filters, { weekday: null, hour: null });
    else filters[name] = '';
    return search();
  }

  return { filters, alarms, limit, loading, error, selectedId, selected, mayHaveMore, pane, search, loadMore, reset, select, drillDown, clearFilter };
});
