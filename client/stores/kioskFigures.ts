import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ComplianceMatrix, HazardCountsAnswer } from '../../shared/compliance.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { getRoute } from '../api.js';
import { latestRequest, type LatestRequest } from '../latest.js';

/** How often each figure the socket does not push is read again. */
export const KIOSK_POLL_MS = { stats: 60_000, hazards: 120_000, compliance: 600_000 } as const;
type Source = keyof typeof KIOSK_POLL_MS;

/**
 * The kiosk's polled figures: response times (`/alarms/stats`, last 24 h, drills never counted),
 * open hazards (`/hazards/counts`) and the compliance matrix's city total. Each keeps its last
 * answer on failure (the screen shows the last picture). Polling stops while the page is hidden
 * and reads everything once on return.
 */
export const useKioskFiguresStore = defineStore('kioskFigures', () => {
  const stats = shallowRef<AlarmLoadReport | null>(null);
  const hazards = shallowRef<HazardCountsAnswer | null>(null);
  const compliance = shallowRef<ComplianceMatrix | null>(null);
  const loadedAt = ref<Record<Source, number | null>>({ stats: null, hazards: null, compliance: null });
  const timers = new Map<Source, ReturnType<typeof setInterval>>();
  const requests: Record<Source, LatestRequest> = { stats: latestRequest(), hazards: latestRequest(), compliance: latestRequest() };

  const readers: Record<Source, (signal: AbortSignal) => Promise<void>> = {
    stats: async (signal) => {
      stats.value = await getRoute('alarms.stats', {}, signal);
    },
    hazards: async (signal) => {
      hazards.value = await getRoute('hazards.counts', {}, signal);
    },
    compliance: async (signal) => {
      compliance.value = await getRoute('compliance.matrix', {}, signal);
    },
  };

  async function read(source: Source): Promise<void> {
    const controller = requests[source].next();
    try {
      await readers[source](controller.signal);
      loadedAt.value = { ...loadedAt.value, [source]: Date.now() };
    } catch {
      // The last answer stays on screen; the next poll tries again.
    }
  }

  /** Reads everything now (at start, on return to visible, after a reconnect). */
  function refresh(): void {
    for (const source of Object.keys(KIOSK_POLL_MS) as Source[]) void read(source);
  }

  function start(): void {
    if (timers.size > 0) return;
    refresh();
    for (const source of Object.keys(KIOSK_POLL_MS) as Source[]) timers.set(source, setInterval(() => void read(source), KIOSK_POLL_MS[source]));
  }

  function stop(): void {
    for (const timer of timers.values()) clearInterval(timer);
    timers.clear();
    for (const request of Object.values(requests)) request.abort();
  }

  return { stats, hazards, compliance, loadedAt, refresh, start, stop };
});
