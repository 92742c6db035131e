import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay since the last reading, milliseconds: a synchronous write that blocks the loop shows here. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Samples the event-loop delay; each `read()` returns the figures since the previous one. */
export class EventLoopMonitor {
  private static readonly RESOLUTION_MS = 10;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: EventLoopMonitor.RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  read(): EventLoopDelay {
    // The histogram measures whole sampling intervals; the delay is what exceeds the interval
    // (as fastify's under-pressure computes it).
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - EventLoopMonitor.RESOLUTION_MS) * 100) / 100);
    const reading = { p50Ms: ms(this.histogram.percentile(50)), p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
    this.histogram.reset();
    return reading;
  }

  stop(): void {
    this.histogram.disable();
  }
}
