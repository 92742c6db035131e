import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RiskLevelChange } from '../../shared/risk.js';
import { useRiskStore } from './risk.js';

/** How long a school's turn to red stays announced unless dismissed: long enough for someone to walk up to the wall. */
export const RISK_ANNOUNCE_MS = 10 * 60_000;
/** Announcements kept at once (newest first); older ones give way. */
export const RISK_ANNOUNCE_KEPT = 5;

/** One announcement: a school that turned red, with its reasons. */
export interface RiskAnnouncement {
  key: string;
  change: RiskLevelChange;
  /** When this screen got it (ms, page clock). */
  shownAt: number;
}

/**
 * The wall's announcements of schools turning red (`risk:levels` with `to: 'red'`): newest first,
 * each for RISK_ANNOUNCE_MS or until dismissed; a school leaving red takes its announcement
 * down. `start` subscribes (the wall and the kiosk), `stop` lets go.
 */
export const useRiskAnnounceStore = defineStore('riskAnnounce', () => {
  const items = ref<RiskAnnouncement[]>([]);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let unsubscribe: (() => void) | null = null;
  let serial = 0;

  function dismiss(key: string): void {
    items.value = items.value.filter((item) => item.key !== key);
    const timer = timers.get(key);
    if (timer) clearTimeout(timer);
    timers.delete(key);
  }

  function receive(change: RiskLevelChange): void {
    for (const item of items.value) if (item.change.schoolId === change.schoolId) dismiss(item.key);
    if (change.to !== 'red' || change.from === 'red') return;
    serial += 1;
    const key = `${change.schoolId}-${serial}`;
    items.value = [{ key, change, shownAt: Date.now() }, ...items.value].slice(0, RISK_ANNOUNCE_KEPT);
    timers.set(key, setTimeout(() => dismiss(key), RISK_ANNOUNCE_MS));
    for (const [kept, timer] of timers) {
      if (items.value.some((item) => item.key === kept)) continue;
      clearTimeout(timer);
      timers.delete(kept);
    }
  }

  function start(): void {
    unsubscribe ??= useRiskStore().levelChanges.add(receive);
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    items.value = [];
  }

  return { items, start, stop, dismiss, receive };
});
