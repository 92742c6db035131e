import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RiskSchool } from '../../shared/risk.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';
import { useRiskStore } from './risk.js';

/** Days of history the school's line shows. */
export const RISK_HISTORY_DAYS = 30;

/**
 * One school's risk (`risk.school`): its current level, score and contributions and its score
 * history. Read when the page opens the school and again when a `risk:levels` event names it.
 */
export const useRiskSchoolStore = defineStore('riskSchool', () => {
  const schoolId = ref<string | null>(null);
  const detail = shallowRef<RiskSchool | null>(null);
  const error = ref<unknown>(null);
  const request = latestRequest();
  let unsubscribe: (() => void) | null = null;

  async function load(): Promise<void> {
    const id = schoolId.value;
    if (!id) return;
    const mine = request.next();
    try {
      const answer = await getRoute('risk.school', { params: { id }, query: { days: RISK_HISTORY_DAYS } }, mine.signal);
      if (!request.isLatest(mine)) return;
      detail.value = answer;
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure;
    }
  }

  /** Shows `id`'s risk, following its level changes until `close`. */
  function open(id: string): void {
    if (schoolId.value !== id) detail.value = null;
    schoolId.value = id;
    unsubscribe ??= useRiskStore().levelChanges.add((change) => {
      if (change.schoolId === schoolId.value) void load();
    });
    void load();
  }

  function close(): void {
    request.abort();
    unsubscribe?.();
    unsubscribe = null;
    schoolId.value = null;
  }

  return { schoolId, detail, error, open, close, load };
});
