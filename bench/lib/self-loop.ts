import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 5;

/**
 * The bench process's own event-loop delay: when the load generator or 200 socket clients keep
 * it busy, arrival times are late by this much, and the figures say so.
 */
export function watchOwnLoop(): { read(): { p99Ms: number; maxMs: number }; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // Node records the whole timer interval, resolution included: remove it to get the delay.
  const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    read: () => ({ p99Ms: delay(histogram.percentile(99)), maxMs: delay(histogram.max) }),
    stop: () => histogram.disable(),
  };
}

/** The bench process's own CPU use from now on, as a fraction of one core. */
export function watchOwnCpu(): { read(): number } {
  const startUsage = process.cpuUsage();
  const started = performance.now();
  return {
    read() {
      const used = process.cpuUsage(startUsage);
      return (used.user + used.system) / 1000 / (performance.now() - started);
    },
  };
}
