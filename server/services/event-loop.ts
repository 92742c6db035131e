import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay since the last reading, milliseconds: a synchronous write that blocks the loop shows here. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Samples the event-loop delay; each `read()` returns the figures since the previous one. */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  read(): EventLoopDelay {
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    const reading = { p50Ms: ms(this.histogram.percentile(50)), p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
    this.histogram.reset();
    return reading;
  }

  stop(): void {
    this.histogram.disable();
  }
}
