import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { findDistrict } from '../../shared/domain/districts.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';

/** How often the console re-reads the alarm-load report. */
export const ALARM_LOAD_REFRESH_MS = 60_000;

/**
 * The alarm-load report (`GET /api/v1/alarms/stats`, last 24 h): how many operators share the
 * load (figures are per operator) and which district, if one, it is limited to.
 */
export const useAlarmLoadStore = defineStore('alarmLoad', () => {
  const report = shallowRef<AlarmLoadReport | null>(null);
  const error = ref<string | null>(null);
  const operators = ref(1);
  const districtCode = ref<string | null>(null);
  const loadedAt = ref<number | null>(null);
  const latest = latestRequest();

  async function load(): Promise<void> {
    const mine = latest.next();
    try {
      // A code the server does not know is no filter (the selector offers only known ones).
      const district = findDistrict(districtCode.value ?? '')?.code;
      const answer = await getRoute('alarms.stats', { query: { operators: operators.value, districtCode: district } }, mine.signal);
      report.value = answer;
      error.value = null;
      loadedAt.value = Date.now();
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure instanceof Error ? failure.message : String(failure);
    }
  }

  return { report, error, operators, districtCode, loadedAt, load };
});
