import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { DistrictCode } from '../../shared/domain/index.js';
import { DEFAULT_COVERAGE_RULE, type CoverageReport, type CoverageRule, type SchoolCoverage } from '../../shared/rules/coverage.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';

/** Reaches a person can pick (metres): the defaults are 500 m for a 护学岗 and 1 km for a police post. */
export const GUARD_POST_REACHES = [300, 500, 800] as const;
export const POLICE_POST_REACHES = [500, 1000, 2000] as const;

const STORAGE_KEY = 'xiaoan.coverage';

interface CoverageSettings {
  rule: CoverageRule;
  /** The map layer marking schools without a 护学岗 / police post in reach. */
  showGaps: boolean;
}

function rememberedSettings(): CoverageSettings {
  const settings: CoverageSettings = { rule: { ...DEFAULT_COVERAGE_RULE }, showGaps: false };
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as { rule?: Partial<Record<keyof CoverageRule, unknown>>; showGaps?: unknown };
    const guard = stored.rule?.guardPostM;
    const police = stored.rule?.policePostM;
    if (GUARD_POST_REACHES.some((reach) => reach === guard)) settings.rule.guardPostM = guard as number;
    if (POLICE_POST_REACHES.some((reach) => reach === police)) settings.rule.policePostM = police as number;
    if (typeof stored.showGaps === 'boolean') settings.showGaps = stored.showGaps;
  } catch {
    // Nothing remembered: the defaults.
  }
  return settings;
}

/** Schools of one district lacking a 护学岗 or a police post within reach. */
export interface DistrictGaps {
  districtCode: DistrictCode;
  noGuardPost: SchoolCoverage[];
  noPolicePost: SchoolCoverage[];
}

/**
 * 护学岗 and police-post coverage (`GET /api/v1/coverage`) for the reaches chosen on this screen
 * (remembered), and whether the wall marks the gaps. The registry does not change while the
 * server runs, so a report is loaded when asked for or when the reaches change.
 */
export const useCoverageStore = defineStore('coverage', () => {
  const settings = reactive(rememberedSettings());
  const report = shallowRef<CoverageReport | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const latest = latestRequest();

  const gapsByDistrict = computed(() => {
    const gaps = new Map<DistrictCode, DistrictGaps>();
    for (const row of report.value?.byDistrict ?? []) gaps.set(row.districtCode, { districtCode: row.districtCode, noGuardPost: [], noPolicePost: [] });
    for (const school of report.value?.schools ?? []) {
      const district = gaps.get(school.districtCode);
      if (!district) continue;
      if (!school.guardPost) district.noGuardPost.push(school);
      if (!school.policePost) district.noPolicePost.push(school);
    }
    return gaps;
  });

  async function load(): Promise<void> {
    const mine = latest.next();
    loading.value = true;
    const { guardPostM, policePostM } = settings.rule;
    try {
      const answer = await getRoute('field.coverage', { query: { guardPostM, policePostM } }, mine.signal);
      if (mine.signal.aborted) return;
      report.value = answer;
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (latest.isLatest(mine)) loading.value = false;
    }
  }

  /** Loads the report unless one for the current reaches is there already. */
  function ensureLoaded(): void {
    const current = report.value?.rule;
    if (loading.value || (current && current.guardPostM === settings.rule.guardPostM && current.policePostM === settings.rule.policePostM)) return;
    void load();
  }

  function setRule(rule: Partial<CoverageRule>): void {
    Object.assign(settings.rule, rule);
    void load();
  }

  function toggleGaps(): void {
    settings.showGaps = !settings.showGaps;
  }

  watch(settings, (value) => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // The choice lasts for this page only.
    }
  });

  return { settings, report, loading, error, gapsByDistrict, load, ensureLoaded, setRule, toggleGaps };
});
