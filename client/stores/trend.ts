import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ComplianceTrend } from '../../shared/compliance.js';
import { COMPLIANCE_RULES, type ComplianceRuleId } from '../../shared/rules/compliance/types.js';
import { failureWords, getRoute } from '../api.js';
import type { RefusalLike } from '../refusal-text.js';
import { monthStartBefore, ratePercent, todayInShanghai } from '../compliance-cells.js';
import { complianceQuery, useComplianceStore } from './compliance.js';
import { latestRequest } from '../latest.js';

/** How many requirements the chart shows at first: the weakest ones at the latest point. */
export const FIRST_SHOWN = 5;

/** The `count` requirements with the lowest rate at the trend's last point (unjudged ones last), in the desk's order. */
export function weakestRules(trend: ComplianceTrend, count: number = FIRST_SHOWN): ComplianceRuleId[] {
  const last = trend.points.at(-1);
  if (!last) return COMPLIANCE_RULES.slice(0, count);
  const ranked = [...COMPLIANCE_RULES].sort((a, b) => (ratePercent(last.cells[a].rate) ?? 101) - (ratePercent(last.cells[b].rate) ?? 101));
  const chosen = new Set(ranked.slice(0, count));
  return COMPLIANCE_RULES.filter((rule) => chosen.has(rule));
}

/** Rates per requirement over time (`GET /api/v1/compliance/trend`), under the desk's stage and setting filters. */
export const useTrendStore = defineStore('trend', () => {
  const to = ref(todayInShanghai());
  const from = ref(monthStartBefore(to.value, 11));
  const step = ref<'month' | 'week'>('month');
  const trend = shallowRef<ComplianceTrend | null>(null);
  /** Null until the person picks: then the weakest requirements are shown first. */
  const shown = ref<ComplianceRuleId[] | null>(null);
  const loading = ref(false);
  /** Why the last load failed, in the server's words when it refused (429: too many reads): shown with useRefusalText. */
  const error = shallowRef<RefusalLike | null>(null);
  const latest = latestRequest();

  async function load(): Promise<void> {
    const mine = latest.next();
    loading.value = true;
    const { stage, setting } = useComplianceStore().filters;
    const query = { ...complianceQuery({ asOf: '', stage, setting }), from: from.value, to: to.value, step: step.value };
    try {
      trend.value = await getRoute('compliance.trend', { query }, mine.signal);
      shown.value ??= weakestRules(trend.value);
      error.value = null;
    } catch (failure) {
      if (!mine.signal.aborted) error.value = failureWords(failure);
    } finally {
      if (latest.isLatest(mine)) loading.value = false;
    }
  }

  function toggle(rule: ComplianceRuleId): void {
    const current = new Set(shown.value ?? []);
    if (current.has(rule)) current.delete(rule);
    else current.add(rule);
    shown.value = COMPLIANCE_RULES.filter((r) => current.has(r));
  }

  function showAll(all: boolean): void {
    shown.value = all ? [...COMPLIANCE_RULES] : [];
  }

  return { from, to, step, trend, shown, loading, error, load, toggle, showAll };
});
