import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ComplianceMatrix, SchoolCompliance } from '../../shared/compliance.js';
import type { DistrictCode } from '../../shared/domain/districts.js';
import type { SchoolSetting, SchoolStage } from '../../shared/domain/entities.js';
import type { ComplianceRuleId } from '../../shared/rules/compliance/types.js';
import { queryString, type API, type QueryIn } from '../../shared/api/index.js';
import { failureWords, getRoute } from '../api.js';
import type { RefusalLike } from '../refusal-text.js';
import { todayInShanghai } from '../compliance-cells.js';
import { latestRequest } from '../latest.js';

/** The desk's filters: the as-of date (Asia/Shanghai), a stage and a city/town/rural setting ('' = all). */
export interface DeskFilters {
  asOf: string;
  stage: SchoolStage | '';
  setting: SchoolSetting | '';
}

/** The query every compliance answer (and the 附件4 export) takes: the as-of date and only the filters set. */
export function complianceQuery(filters: DeskFilters): QueryIn<(typeof API)['compliance.matrix']> {
  return {
    ...(filters.asOf ? { asOf: filters.asOf } : {}),
    ...(filters.stage ? { stage: filters.stage } : {}),
    ...(filters.setting ? { setting: filters.setting } : {}),
  };
}

/** A matrix cell a person opened: a district (null for the city total) and a requirement. */
export interface MatrixSelection {
  districtCode: DistrictCode | null;
  rule: ComplianceRuleId;
}

/**
 * The education-bureau desk's matrix (district × requirement as of a date) and its drill-down to
 * the failing schools of one cell, each with its reason.
 */
export const useComplianceStore = defineStore('compliance', () => {
  const asOf = ref(todayInShanghai());
  const stage = ref<SchoolStage | ''>('');
  const setting = ref<SchoolSetting | ''>('');
  const matrix = shallowRef<ComplianceMatrix | null>(null);
  const loading = ref(false);
  /** Why a load failed, in the server's words when it refused (429: too many reads): shown with useRefusalText. */
  const error = shallowRef<RefusalLike | null>(null);
  const selected = ref<MatrixSelection | null>(null);
  const failing = shallowRef<SchoolCompliance[]>([]);
  const failingLoading = ref(false);
  const failingError = shallowRef<RefusalLike | null>(null);
  const matrixRequest = latestRequest();
  const failingRequest = latestRequest();

  const filters = computed<DeskFilters>(() => ({ asOf: asOf.value, stage: stage.value, setting: setting.value }));
  /** Changes whenever an answer on screen would: the views watch it to reload. */
  const queryKey = computed(() => queryString(complianceQuery(filters.value)));

  function message(failure: unknown): RefusalLike {
    return failureWords(failure);
  }

  async function load(): Promise<void> {
    const mine = matrixRequest.next();
    loading.value = true;
    try {
      matrix.value = await getRoute('compliance.matrix', { query: complianceQuery(filters.value) }, mine.signal);
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = message(failure);
    } finally {
      if (matrixRequest.isLatest(mine)) loading.value = false;
    }
    if (!mine.signal.aborted && selected.value) await loadFailing();
  }

  async function loadFailing(): Promise<void> {
    const cell = selected.value;
    if (!cell) return;
    const mine = failingRequest.next();
    failingLoading.value = true;
    const query = { ...complianceQuery(filters.value), rule: cell.rule, status: 'fail' as const, ...(cell.districtCode ? { districtCode: cell.districtCode } : {}) };
    try {
      failing.value = (await getRoute('compliance.schools', { query }, mine.signal)).schools;
      failingError.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) failingError.value = message(failure);
    } finally {
      if (failingRequest.isLatest(mine)) failingLoading.value = false;
    }
  }

  /** Opens a cell: lists the failing schools of that district (or the city) and requirement. */
  function select(districtCode: DistrictCode | null, rule: ComplianceRuleId): Promise<void> {
    selected.value = { districtCode, rule };
    failing.value = [];
    return loadFailing();
  }

  function closeSelection(): void {
    failingRequest.abort();
    selected.value = null;
    failing.value = [];
  }

  return { asOf, stage, setting, filters, queryKey, matrix, loading, error, selected, failing, failingLoading, failingError, load, select, closeSelection };
});
