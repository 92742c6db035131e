import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay over a stretch of time, milliseconds: a synchronous write that blocks the loop shows here. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What `span` readers ask of the monitor: the figures since the span began, and whether to begin a new one. */
export type SpanRequest = 'read' | 'restart';

/**
 * Samples the event-loop delay twice over: `read()` returns the figures since the previous
 * `read()` (the short window each `GET /health` reports), and `readSpan()` those since the span
 * was last restarted — one histogram over a whole measured phase, so its p99 is the phase's p99
 * rather than the worst of many short windows.
 */
export class EventLoopMonitor {
  private static readonly RESOLUTION_MS = 10;
  private readonly window: IntervalHistogram = monitorEventLoopDelay({ resolution: EventLoopMonitor.RESOLUTION_MS });
  private readonly span: IntervalHistogram = monitorEventLoopDelay({ resolution: EventLoopMonitor.RESOLUTION_MS });

  constructor() {
    this.window.enable();
    this.span.enable();
  }

  read(): EventLoopDelay {
    const reading = EventLoopMonitor.figures(this.window);
    this.window.reset();
    return reading;
  }

  /**
   * The figures since the span began; `restart` begins a new span after reading. (Node's
   * histogram takes its first sample one resolution tick after a reset: a stall in those first
   * 10 ms is not counted, in the span as in the window.)
   */
  readSpan(request: SpanRequest): EventLoopDelay {
    const reading = EventLoopMonitor.figures(this.span);
    if (request === 'restart') this.span.reset();
    return reading;
  }

  stop(): void {
    this.window.disable();
    this.span.disable();
  }

  private static figures(histogram: IntervalHistogram): EventLoopDelay {
    if (histogram.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    // The histogram measures whole sampling intervals; the delay is what exceeds the interval
    // (as fastify's under-pressure computes it).
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - EventLoopMonitor.RESOLUTION_MS) * 100) / 100);
    return { p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
  }
}
