import { describe, expect, it } from 'vitest';
import { EventLoopMonitor } from '../../server/services/event-loop.js';

/** Holds the loop for `ms` (the thing the monitor exists to see), then lets it sample. */
async function block(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else may run
  }
  await new Promise((resolve) => setTimeout(resolve, 40));
}

describe(EventLoopMonitor.name, () => {
  it('keeps a blocked loop in the span after the short window has been read and reset', async () => {
    const monitor = new EventLoopMonitor();
    try {
      // Let the sampling timer start before the loop is held.
      await new Promise((resolve) => setTimeout(resolve, 50));
      monitor.readSpan('restart');
      await new Promise((resolve) => setTimeout(resolve, 30)); // the first sample after a reset
      await block(120);
      expect(monitor.read().maxMs).toBeGreaterThan(60);
      // The window starts again; the span still holds the block.
      expect(monitor.readSpan('read').maxMs).toBeGreaterThan(60);
      expect(monitor.readSpan('restart').maxMs).toBeGreaterThan(60);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(monitor.readSpan('read').maxMs).toBeLessThan(60);
    } finally {
      monitor.stop();
    }
  });
});
