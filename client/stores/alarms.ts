import { defineStore } from 'pinia';
import { computed, ref, shallowReactive } from 'vue';
import { isOpenState, type Alarm, type AlarmPriority } from '../../shared/domain/index.js';
import type { AlarmChange, AlarmSnapshot } from '../../shared/events.js';
import { drillsUnderway, realOpenByPriority } from '../../shared/figures.js';
import { Listeners } from '../listeners.js';
import { replaceEntries } from '../reactive-bulk.js';

/** Closed alarms kept for the "closed" tab; older ones drop off (the server keeps them all). */
export const CLOSED_ALARMS_KEPT = 50;
/** How long an alarm counts as just arrived: its row and its school flash for this long. */
export const FRESH_FOR_MS = 15_000;

/**
 * The wall's order: real alarms above drills, then by priority (an SOS is never buried under
 * camera faults), then newest first by the server's receipt time.
 */
export function compareForWall(a: Alarm, b: Alarm): number {
  if (a.drill !== b.drill) return a.drill ? 1 : -1;
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}

/**
 * The console's queue order: real alarms above drills (a drill never pushes a real alarm down),
 * then by priority, then oldest first: within a priority, the alarm that has waited longest is
 * handled first. Ties (same receipt instant) fall back to the id, so the order is stable.
 */
export function compareForQueue(a: Alarm, b: Alarm): number {
  if (a.drill !== b.drill) return a.drill ? 1 : -1;
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** An alarm change this screen applied (never a duplicate or a stale one): the alarm now, and as the screen held it before. */
export interface AlarmChanged {
  seq: number;
  alarm: Alarm;
  /** The alarm before this change, open or recently closed; undefined when it is new to this screen. */
  previous: Alarm | undefined;
}

/**
 * Alarms of this screen, keyed by id, fed by the socket (via stores/connection.ts) in `seq`
 * order. A change whose `seq` is not above the last one applied is a duplicate and is ignored.
 */
export const useAlarmStore = defineStore('alarms', () => {
  const open = shallowReactive(new Map<string, Alarm>());
  const closed = ref<Alarm[]>([]);
  /** Client time at which an alarm first reached this screen live; drives the flashing. */
  const arrivedAt = shallowReactive(new Map<string, number>());
  const lastSeq = ref<number | null>(null);
  /** True between `alarm:live` and the next disconnect: the list is complete and current. */
  const live = ref(false);

  const openAlarms = computed(() => [...open.values()].sort(compareForWall));
  /** The operator console's queue: the same open alarms in working order. */
  const queue = computed(() => [...open.values()].sort(compareForQueue));
  const realOpenAlarms = computed(() => openAlarms.value.filter((alarm) => !alarm.drill));
  /** Open drill alarms (a drill may raise several). */
  const drillOpenCount = computed(() => openAlarms.value.length - realOpenAlarms.value.length);
  /** Drills under way: schools running one (shared/figures.ts), the figure screens show. */
  const drillsUnderwayCount = computed(() => drillsUnderway(openAlarms.value));
  const openCountByPriority = computed<Record<AlarmPriority, number>>(() => realOpenByPriority(openAlarms.value));
  const changed = new Listeners<AlarmChanged>();
  const replaced = new Listeners<void>();

  function place(alarm: Alarm): void {
    closed.value = closed.value.filter((kept) => kept.id !== alarm.id);
    if (isOpenState(alarm.state)) {
      open.set(alarm.id, alarm);
      return;
    }
    open.delete(alarm.id);
    closed.value = [alarm, ...closed.value].sort(compareForWall).slice(0, CLOSED_ALARMS_KEPT);
  }

  /** An alarm this screen holds, open or among the recently closed; undefined otherwise. */
  function find(id: string): Alarm | undefined {
    return open.get(id) ?? closed.value.find((alarm) => alarm.id === id);
  }

  /** One `alarm` change. Returns false when it was a duplicate or stale (`seq` ≤ lastSeq). */
  function applyChange(change: AlarmChange, now = Date.now()): boolean {
    if (lastSeq.value !== null && change.seq <= lastSeq.value) return false;
    const previous = find(change.alarm.id);
    if (!previous && isOpenState(change.alarm.state)) arrivedAt.set(change.alarm.id, now);
    lastSeq.value = change.seq;
    place(change.alarm);
    forgetOldArrivals(now);
    changed.emit({ seq: change.seq, alarm: change.alarm, previous });
    return true;
  }

  /** Calls `listener` after each change applied; returns the function that stops it. */
  function onChange(listener: (event: AlarmChanged) => void): () => void {
    return changed.add(listener);
  }

  /** Calls `listener` after a snapshot replaced everything; returns the function that stops it. */
  function onSnapshot(listener: () => void): () => void {
    return replaced.add(listener);
  }

  /**
   * A full picture from the server. Replaces everything; on a screen that had data before (a
   * reconnect too far behind to replay), open alarms it had not seen flash as new.
   */
  function applySnapshot(snapshot: AlarmSnapshot, now = Date.now()): void {
    const hadData = lastSeq.value !== null;
    const seen = new Set([...open.keys(), ...closed.value.map((alarm) => alarm.id)]);
    // Gathered first, then put in each map at once (one notification, not one per alarm: a
    // province's snapshot holds thousands of open alarms), and the closed list made once.
    const openNow = new Map<string, Alarm>();
    const closedNow = new Map<string, Alarm>();
    const arrivedNow = new Map<string, number>();
    for (const alarm of snapshot.alarms) {
      closedNow.delete(alarm.id);
      if (isOpenState(alarm.state)) {
        if (hadData && !seen.has(alarm.id)) arrivedNow.set(alarm.id, now);
        openNow.set(alarm.id, alarm);
      } else {
        openNow.delete(alarm.id);
        arrivedNow.delete(alarm.id);
        closedNow.set(alarm.id, alarm);
      }
    }
    replaceEntries(open, openNow);
    replaceEntries(arrivedAt, arrivedNow);
    closed.value = [...closedNow.values()].sort(compareForWall).slice(0, CLOSED_ALARMS_KEPT);
    lastSeq.value = snapshot.seq;
    replaced.emit();
  }

  /** The server finished the catch-up: from now on every change arrives as it happens. */
  function markLive(seq: number): void {
    if (lastSeq.value === null || seq > lastSeq.value) lastSeq.value = seq;
    live.value = true;
  }

  function markNotLive(): void {
    live.value = false;
  }

  /** The alarms that arrived live less than FRESH_FOR_MS before `now`: a few, however many are open. */
  function freshIds(now: number): string[] {
    const ids: string[] = [];
    for (const [id, at] of arrivedAt) if (now - at < FRESH_FOR_MS) ids.push(id);
    return ids;
  }

  function isFresh(id: string, now: number): boolean {
    const at = arrivedAt.get(id);
    return at !== undefined && now - at < FRESH_FOR_MS;
  }

  function forgetOldArrivals(now: number): void {
    for (const [id, at] of arrivedAt) if (now - at >= FRESH_FOR_MS) arrivedAt.delete(id);
  }

  return {
    open, closed, arrivedAt, lastSeq, live,
    openAlarms, queue, realOpenAlarms, drillOpenCount, drillsUnderwayCount, openCountByPriority,
    find, applyChange, applySnapshot, markLive, markNotLive, isFresh, freshIds, onChange, onSnapshot,
  };
});
