/**
 * Chromium traces for the map tools (bench/map-pan.ts, bench/map-tasks.ts): what a renderer task
 * was made of beyond the CPU profile's `(program)` — style, layout, paint, script, parsing.
 */
import type { Browser, Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** The categories the tools record: timeline events with their details, top-level tasks, the compositor. */
export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'cc', 'blink', 'blink.user_timing'];

/** Starts a trace of `page`; the returned function stops it and gives its events. */
export async function startTrace(browser: Browser, page: Page): Promise<() => Promise<TraceEvent[]>> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  return async () => (JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
}

/** One task of the renderer's main thread: its start (trace µs), length (ms) and its events' self times by name (ms), longest first. */
export interface RendererTask {
  ts: number;
  ms: number;
  self: [string, number][];
}

const threadKey = (event: TraceEvent): string => `${event.pid}:${event.tid}`;

function threadNames(events: TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name) names.set(threadKey(event), event.args.name);
  return names;
}

/** The main thread's busy time (ms) and its tasks of at least `minMs`, each broken down by event self time. */
export function rendererTasks(events: TraceEvent[], minMs: number): { busyMs: number; count: number; tasks: RendererTask[] }[] {
  const names = threadNames(events);
  const main = [...names].filter(([, name]) => name === 'CrRendererMain').map(([key]) => key);
  return main.map((thread) => {
    const complete = events
      .filter((event) => event.ph === 'X' && threadKey(event) === thread && event.dur !== undefined)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    // Outermost tasks only (a task's name can nest in another's: ThreadControllerImpl::RunTask, RunTask).
    const outer: TraceEvent[] = [];
    for (const event of complete) {
      if (event.name !== 'ThreadControllerImpl::RunTask' && event.name !== 'RunTask') continue;
      const last = outer[outer.length - 1];
      if (!last || event.ts >= last.ts + (last.dur ?? 0)) outer.push(event);
    }
    const tasks: RendererTask[] = [];
    for (const task of outer) {
      const ms = (task.dur ?? 0) / 1000;
      if (ms < minMs) continue;
      const end = task.ts + (task.dur ?? 0);
      const inside = complete.filter((event) => event !== task && event.ts >= task.ts && event.ts + (event.dur ?? 0) <= end);
      // Self time: an event's duration less its direct children's (events nest on one thread).
      const self = new Map<string, number>();
      const stack: TraceEvent[] = [];
      for (const event of inside) {
        while (stack.length > 0 && event.ts >= stack[stack.length - 1]!.ts + (stack[stack.length - 1]!.dur ?? 0)) stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (event.dur ?? 0));
        self.set(event.name, (self.get(event.name) ?? 0) + (event.dur ?? 0));
        stack.push(event);
      }
      tasks.push({ ts: task.ts, ms, self: [...self].map(([name, us]): [string, number] => [name, us / 1000]).sort((a, b) => b[1] - a[1]) });
    }
    return { busyMs: outer.reduce((sum, task) => sum + (task.dur ?? 0), 0) / 1000, count: outer.length, tasks };
  });
}

/** A task's events with at least 2 ms of self time, the longest `n`. */
export function describeTask(task: RendererTask, n = 8): string {
  return task.self.filter(([, ms]) => ms >= 2).slice(0, n).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ');
}

/** What the renderer's other threads (the compositor, raster workers) did over the whole trace, inclusive. */
export function otherThreads(events: TraceEvent[]): string[] {
  const names = threadNames(events);
  const byThread = new Map<string, Map<string, number>>();
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined) continue;
    const thread = names.get(threadKey(event));
    if (!thread || !/^(Compositor|CompositorTileWorker|VizCompositorThread)/.test(thread)) continue;
    const key = thread.replace(/\d+$/, '');
    const totals = byThread.get(key) ?? byThread.set(key, new Map()).get(key)!;
    totals.set(event.name, (totals.get(event.name) ?? 0) + event.dur);
  }
  return [...byThread].map(([thread, totals]) => {
    const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 6);
    return `thread ${thread} (inclusive, whole trace): ${top.map(([name, us]) => `${name} ${(us / 1000).toFixed(0)}`).join(', ')}`;
  });
}

/** The trace time (µs) of the first user-timing mark named `name`, or undefined. */
export function markAt(events: TraceEvent[], name: string): number | undefined {
  return events.find((event) => event.name === name && (event.ph === 'R' || event.ph === 'I' || event.ph === 'i' || event.ph === 'b' || event.ph === 'n'))?.ts;
}
