import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { findDistrict } from '../../shared/domain/districts.js';
import type { SchoolStage } from '../../shared/domain/entities.js';
import type { RiskHeat, RiskLevel, RiskLevelChange, RiskList, RiskListRow, RiskSort } from '../../shared/risk.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';
import { Listeners } from '../listeners.js';

/** Rows the list reads at a time: the schools that need attention are at the top. */
export const RISK_LIST_LIMIT = 200;
/** A burst of level changes (an alarm storm) re-reads the list and the heat once, this long after the last. */
export const RISK_REFRESH_DEBOUNCE_MS = 1_500;
/** Degrees one heat cell spans when the server has not said (about 1 km). */
const DEFAULT_CELL_DEGREES = 0.01;

/** The list's filters: '' is "all". */
export interface RiskFilters {
  district: string;
  stage: SchoolStage | '';
  level: RiskLevel | '';
}

/**
 * The school risk list (`risk.list`) with its filters and sort, the heat grid (`risk.heat`), and
 * the `risk:levels` events from the socket: a change patches the row shown at once and re-reads
 * the list and the heat shortly after (debounced), for the screens that show them. Components
 * say what they show with `watchList`/`watchHeat` and let go with `unwatch…`.
 */
export const useRiskStore = defineStore('risk', () => {
  const filters = reactive<RiskFilters>({ district: '', stage: '', level: '' });
  const sort = ref<RiskSort>('score_desc');
  const list = shallowRef<RiskList | null>(null);
  const listError = ref<unknown>(null);
  const listLoading = ref(false);
  const heat = shallowRef<RiskHeat | null>(null);
  const heatError = ref<unknown>(null);
  /** Every level change seen by this screen, newest last (the announcement and the school page listen). */
  const levelChanges = new Listeners<RiskLevelChange>();
  const listRequest = latestRequest();
  const heatRequest = latestRequest();
  let listWatchers = 0;
  let heatWatchers = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshDue = 0;

  const rows = computed<RiskListRow[]>(() => list.value?.rows ?? []);
  const heatCells = computed(() => heat.value?.cells ?? []);
  const heatCellDegrees = computed(() => Math.max(heat.value?.cellLat ?? 0, heat.value?.cellLng ?? 0) || DEFAULT_CELL_DEGREES);

  async function loadList(): Promise<void> {
    const mine = listRequest.next();
    listLoading.value = true;
    try {
      const answer = await getRoute(
        'risk.list',
        { query: { district: findDistrict(filters.district)?.code, stage: filters.stage || undefined, level: filters.level || undefined, sort: sort.value, limit: RISK_LIST_LIMIT } },
        mine.signal,
      );
      if (!listRequest.isLatest(mine)) return;
      list.value = answer;
      listError.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) listError.value = failure;
    } finally {
      if (listRequest.isLatest(mine)) listLoading.value = false;
    }
  }

  async function loadHeat(): Promise<void> {
    const mine = heatRequest.next();
    try {
      const answer = await getRoute('risk.heat', { query: {} }, mine.signal);
      if (!heatRequest.isLatest(mine)) return;
      heat.value = answer;
      heatError.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) heatError.value = failure;
    }
  }

  watch([filters, sort], () => {
    if (listWatchers > 0) void loadList();
  });

  /** A component shows the list: read it (again). */
  function watchList(): void {
    listWatchers += 1;
    void loadList();
  }
  function unwatchList(): void {
    listWatchers = Math.max(0, listWatchers - 1);
    if (listWatchers === 0) listRequest.abort();
  }
  /** A component shows the heat: read it (again). */
  function watchHeat(): void {
    heatWatchers += 1;
    void loadHeat();
  }
  function unwatchHeat(): void {
    heatWatchers = Math.max(0, heatWatchers - 1);
    if (heatWatchers === 0) heatRequest.abort();
  }

  /** Re-reads what is shown shortly after the last change: changes keep the one timer waiting (a burst is one re-read). */
  function scheduleRefresh(): void {
    refreshDue = Date.now() + RISK_REFRESH_DEBOUNCE_MS;
    if (refreshTimer) return;
    const wait = (): void => {
      const left = refreshDue - Date.now();
      if (left > 0) {
        refreshTimer = setTimeout(wait, left);
        return;
      }
      refreshTimer = null;
      if (listWatchers > 0) void loadList();
      if (heatWatchers > 0) void loadHeat();
    };
    refreshTimer = setTimeout(wait, RISK_REFRESH_DEBOUNCE_MS);
  }

  /** Socket `risk:levels`: patch the rows shown, tell the listeners, re-read what is shown shortly. */
  function applyLevels(changes: readonly RiskLevelChange[]): void {
    const current = list.value;
    if (current && changes.length > 0) {
      const bySchool = new Map(changes.map((change) => [change.schoolId, change]));
      if (current.rows.some((row) => bySchool.has(row.schoolId))) {
        const rows = current.rows.map((row): RiskListRow => {
          const change = bySchool.get(row.schoolId);
          return change ? { ...row, level: change.to, previousLevel: change.from, score: change.score, contributions: change.contributions, levelSince: change.at, computedAt: change.at } : row;
        });
        list.value = { ...current, rows };
      }
    }
    for (const change of changes) levelChanges.emit(change);
    scheduleRefresh();
  }

  /** Sorts by a column: a second click on the score turns the order round. */
  function sortBy(column: 'score' | 'name' | 'district'): void {
    if (column === 'score') sort.value = sort.value === 'score_desc' ? 'score_asc' : 'score_desc';
    else sort.value = column;
  }

  return {
    filters, sort, list, rows, listError, listLoading, heat, heatCells, heatCellDegrees, heatError, levelChanges,
    loadList, loadHeat, watchList, unwatchList, watchHeat, unwatchHeat, applyLevels, sortBy,
  };
});
