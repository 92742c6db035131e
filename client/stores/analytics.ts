import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import type { API, QueryIn } from '../../shared/api/index.js';
import { findDistrict, type AlarmType } from '../../shared/domain/index.js';
import type { AlarmAnalytics, AlarmOutcome, AnalyticsPreset } from '../../shared/rules/alarm-analytics.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';
import { useHistoryStore } from './history.js';

/** The analytics' range and filters: a preset (7 天, 30 天, 本学期) or custom Shanghai days, a district, a type. */
export interface AnalyticsForm {
  preset: AnalyticsPreset | 'custom';
  /** `YYYY-MM-DD`, both inclusive; read when `preset` is custom. */
  from: string;
  to: string;
  districtCode: string;
  type: AlarmType | '';
}

/** The form a screen opens with: the last 30 days, everywhere it may see, every type. */
export function defaultAnalyticsForm(): AnalyticsForm {
  return { preset: '30d', from: '', to: '', districtCode: '', type: '' };
}

/** The `GET /api/v1/analytics/alarms` query of a form (a custom range without both days is no range: the server's 30 days). */
export function analyticsQuery(form: AnalyticsForm): QueryIn<(typeof API)['analytics.alarms']> {
  const districtCode = findDistrict(form.districtCode)?.code;
  const custom = form.preset === 'custom' && form.from && form.to;
  return {
    ...(custom ? { from: form.from, to: form.to } : form.preset !== 'custom' ? { preset: form.preset } : {}),
    ...(districtCode ? { districtCode } : {}),
    ...(form.type ? { type: form.type } : {}),
  };
}

/** What a click on a chart or a nuisance row narrows the list to (with the analytics' own range and filters). */
export interface DrillTarget {
  districtCode?: string;
  type?: AlarmType;
  outcome?: AlarmOutcome;
  deviceId?: string;
  /** One day of the range instead of all of it. */
  date?: string;
  /** A heat-map cell: a weekday (1 Monday … 7 Sunday) and an hour of day, Shanghai time. */
  weekday?: number;
  hour?: number;
}

/** Alarm analytics of the history view (报警分析): the form, the answer, and drill-down into the list. */
export const useAnalyticsStore = defineStore('analytics', () => {
  const form = reactive(defaultAnalyticsForm());
  const result = shallowRef<AlarmAnalytics | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const latest = latestRequest();

  async function load(): Promise<void> {
    const mine = latest.next();
    loading.value = true;
    try {
      result.value = await getRoute('analytics.alarms', { query: analyticsQuery(form) }, mine.signal);
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (latest.isLatest(mine)) loading.value = false;
    }
  }

  function choose(preset: AnalyticsForm['preset']): Promise<void> {
    form.preset = preset;
    return preset === 'custom' && !(form.from && form.to) ? Promise.resolve() : load();
  }

  /**
   * Shows the closed alarms behind a figure in the history list: the same days, district and type
   * as the analytics, real alarms only (a drill is in no figure), narrowed by `target`.
   */
  function drillDown(target: DrillTarget): Promise<void> {
    const shown = result.value;
    if (!shown) return Promise.resolve();
    const type = target.type ?? form.type;
    const districtCode = target.districtCode ?? form.districtCode;
    return useHistoryStore().drillDown({
      drill: 'real',
      since: target.date ?? shown.from,
      until: target.date ?? shown.to,
      ...(type ? { type } : {}),
      ...(districtCode ? { districtCode } : {}),
      ...(target.outcome ? { outcome: target.outcome } : {}),
      ...(target.deviceId ? { deviceId: target.deviceId } : {}),
      ...(target.weekday !== undefined ? { weekday: target.weekday } : {}),
      ...(target.hour !== undefined ? { hour: target.hour } : {}),
    });
  }

  return { form, result, loading, error, load, choose, drillDown };
});
