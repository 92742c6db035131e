import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { BulkAction, BulkResult } from '../../shared/console.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { Disposition } from '../../shared/rules/alarm-lifecycle.js';
import { activeFilterCount, isBulkable, noFilters, partitionQueue, passesFilters, type QueueFilters, type QueueTab } from '../console-queue.js';
import { nextTask } from '../reactive-bulk.js';
import { useAlarmStore } from './alarms.js';
import { useConnectionStore, type RequestOutcome } from './connection.js';
import { useShelfStore } from './shelves.js';

/** A bulk command may take this long: one write per alarm, 500 at most. */
const BULK_TIMEOUT_MS = 60_000;

/**
 * The console queue at volume: every open alarm, split into the working queue, drills (演练) and
 * shelved devices' alarms (搁置), filtered by priority, type and district, and the P3/P4 alarms
 * ticked for one bulk command.
 */
export const useConsoleQueueStore = defineStore('consoleQueue', () => {
  const alarms = useAlarmStore();
  const shelves = useShelfStore();
  const tab = ref<QueueTab>('alarms');
  const filters = reactive<QueueFilters>(noFilters());
  const checked = shallowRef<ReadonlySet<string>>(new Set());
  const bulkPending = ref(false);

  // After a snapshot (a province's thousands of open alarms at once) the queue follows in the next
  // task: the snapshot's own task holds the stores, the map and the figures, and the queue's tabs,
  // filters and first rows come in a task of their own (both in one held the console 200–250 ms).
  const settling = ref(false);
  alarms.onSnapshot(() => {
    settling.value = true;
    void nextTask().then(() => (settling.value = false));
  });
  const tabs = computed<Record<QueueTab, Alarm[]>>((previous) => (settling.value && previous ? previous : partitionQueue(alarms.queue, shelves.devices)));
  const counts = computed<Record<QueueTab, number>>(() => ({ alarms: tabs.value.alarms.length, drills: tabs.value.drills.length, shelved: tabs.value.shelved.length }));
  /** The rows of the current tab that pass the filters, in queue order. */
  const shown = computed<Alarm[]>(() => tabs.value[tab.value].filter((alarm) => passesFilters(alarm, filters)));
  const filtersActive = computed(() => activeFilterCount(filters));
  /** The rows shown that a bulk command may include (real open P3/P4). */
  const bulkableShown = computed(() => shown.value.filter(isBulkable));
  /** Ticked alarms still open and bulkable (an alarm closed meanwhile drops out by itself). */
  const checkedAlarms = computed(() => [...checked.value].map((id) => alarms.open.get(id)).filter((alarm): alarm is Alarm => alarm !== undefined && isBulkable(alarm)));

  function toggle(id: string): void {
    const next = new Set(checked.value);
    if (!next.delete(id)) next.add(id);
    checked.value = next;
  }
  /** Ticks every bulkable alarm the filter shows ("all shown"). */
  function checkAllShown(): void {
    checked.value = new Set(bulkableShown.value.map((alarm) => alarm.id));
  }
  function clearChecked(): void {
    checked.value = new Set();
  }
  function clearFilters(): void {
    Object.assign(filters, noFilters());
  }

  /** One action with one reason on every ticked alarm; the ones done are unticked. */
  async function runBulk(action: BulkAction, note: string, disposition?: Disposition): Promise<RequestOutcome<BulkResult> | null> {
    const ids = checkedAlarms.value.map((alarm) => alarm.id);
    if (ids.length === 0 || bulkPending.value) return null;
    bulkPending.value = true;
    try {
      const payload = { ids, action, note: note.trim(), ...(action === 'resolve' && disposition ? { disposition } : {}) };
      const outcome = await useConnectionStore().request('alarm:bulk', payload, BULK_TIMEOUT_MS);
      if (outcome.ok) {
        const done = new Set(outcome.data.results.filter((result) => result.ok).map((result) => result.id));
        checked.value = new Set([...checked.value].filter((id) => !done.has(id)));
      }
      return outcome;
    } finally {
      bulkPending.value = false;
    }
  }

  return { tab, filters, checked, bulkPending, tabs, counts, shown, filtersActive, bulkableShown, checkedAlarms, toggle, checkAllShown, clearChecked, clearFilters, runBulk };
});
