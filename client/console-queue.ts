import { isOpenState, type Alarm, type AlarmPriority, type AlarmType } from '../shared/domain/index.js';
import { isShelvedAlarm } from '../shared/rules/shelving.js';

/**
 * The console queue's rules at volume (issue 11), pure so they are tested without a screen: which
 * tab an open alarm is in, which filters it passes, what a bulk command may include, and which
 * alarm is selected when the operator has selected none.
 */

/** The queue's tabs: real alarms (the working queue), drill alarms (演练), and shelved devices' alarms (搁置). */
export const QUEUE_TABS = ['alarms', 'drills', 'shelved'] as const;
/** A queue tab. */
export type QueueTab = (typeof QUEUE_TABS)[number];

/** The filters above the list; an empty list or null means "any". */
export interface QueueFilters {
  priorities: AlarmPriority[];
  types: AlarmType[];
  districtCode: string | null;
}

/** No filter at all. */
export function noFilters(): QueueFilters {
  return { priorities: [], types: [], districtCode: null };
}

/** The open alarms split by tab, each keeping the queue's order (it comes sorted by `compareForQueue`). */
export function partitionQueue(queue: readonly Alarm[], shelvedDevices: ReadonlySet<string>): Record<QueueTab, Alarm[]> {
  const tabs: Record<QueueTab, Alarm[]> = { alarms: [], drills: [], shelved: [] };
  for (const alarm of queue) {
    if (alarm.drill) tabs.drills.push(alarm);
    else if (isShelvedAlarm(alarm, shelvedDevices)) tabs.shelved.push(alarm);
    else tabs.alarms.push(alarm);
  }
  return tabs;
}

/** Whether an alarm passes the filters. */
export function passesFilters(alarm: Alarm, filters: QueueFilters): boolean {
  return (
    (filters.priorities.length === 0 || filters.priorities.includes(alarm.priority)) &&
    (filters.types.length === 0 || filters.types.includes(alarm.type)) &&
    (filters.districtCode === null || alarm.districtCode === filters.districtCode)
  );
}

/** How many filters are set (the "clear" button shows when any is). */
export function activeFilterCount(filters: QueueFilters): number {
  return filters.priorities.length + filters.types.length + (filters.districtCode === null ? 0 : 1);
}

/** Whether an alarm may be in a bulk command: a real, open P3/P4 alarm (P1/P2 are handled one by one). */
export function isBulkable(alarm: Alarm): boolean {
  return !alarm.drill && alarm.priority >= 3 && isOpenState(alarm.state);
}

/**
 * The alarm to select when the operator has none: the newest real P1 still waiting for
 * acknowledgement. A selected alarm that is open is kept; one that has closed stays in view (its
 * outcome) until a P1 arrives after it closed. Null when the selection should stay as it is.
 */
export function autoSelection(open: Iterable<Alarm>, selected: Alarm | null): Alarm | null {
  if (selected && isOpenState(selected.state)) return null;
  let newest: Alarm | null = null;
  for (const alarm of open) {
    if (alarm.drill || alarm.priority !== 1 || alarm.state !== 'new') continue;
    if (selected && alarm.receivedAt <= selected.updatedAt) continue;
    if (!newest || alarm.receivedAt > newest.receivedAt || (alarm.receivedAt === newest.receivedAt && alarm.id > newest.id)) newest = alarm;
  }
  return newest && newest.id !== selected?.id ? newest : null;
}

/** More fresh rows than this at once is a flood: rows stop flashing, the count says enough. */
export const FLASH_AT_MOST = 10;

/**
 * Whether the fresh rows among those shown may flash (at most FLASH_AT_MOST of them). It reads the
 * few fresh ids, not every row shown: it is asked again every second, with thousands open.
 */
export function rowsMayFlash(freshIds: Iterable<string>, shownIds: ReadonlySet<string>): boolean {
  let count = 0;
  for (const id of freshIds) if (shownIds.has(id) && ++count > FLASH_AT_MOST) return false;
  return true;
}
