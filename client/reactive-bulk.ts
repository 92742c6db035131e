import { toRaw } from 'vue';

/**
 * Yields to the browser: what follows runs in a task of its own, after input and painting. Work
 * on a province's registry split this way never holds the page for one long task.
 */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    // Not setTimeout: nested timeouts are clamped to 4 ms and more.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** If frames do not come (a hidden tab), `afterFrame` goes on after this long all the same, ms. */
const FRAME_WAIT_MS = 100;

/**
 * Calls `then` in a task after the next frame is rendered: work that reads the page's layout
 * (a list's scroll box) finds it laid out by the frame, instead of laying it out inside the task
 * that just changed the page.
 */
export function afterFrame(then: () => void): void {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    clearTimeout(fallback);
    setTimeout(then, 0);
  };
  const fallback = setTimeout(start, FRAME_WAIT_MS);
  requestAnimationFrame(start);
}

/**
 * Replaces every entry of a `shallowReactive` map at the cost of one notification instead of one
 * per entry (a province's 50,000 school statuses in an outage, or its 12,818 护学岗 states, took
 * ≈ 60 ms of the page's thread as reactive sets). It is one `clear()` through Vue's proxy, which
 * tells every reader of the map (each key read, sizes, iteration) once the raw map's own `clear()`
 * has returned; for this one call that `clear()` puts the new entries in, so no reader, even one
 * that runs at once, sees the map empty in between. `entries` is read inside: it must not read `map`. An empty map is given one entry first, because
 * clearing an empty map tells no one.
 */
export function replaceEntries<K, V>(map: Map<K, V>, entries: Iterable<readonly [K, V]>): void {
  const raw = toRaw(map);
  if (raw === map) throw new Error('replaceEntries: the map is not reactive');
  if (raw.size === 0) raw.set(PLACEHOLDER as K, undefined as V);
  // `entries` is read here, inside the call: it must not read the map it replaces.
  raw.clear = function refill(this: Map<K, V>): void {
    Map.prototype.clear.call(this);
    for (const [key, value] of entries) Map.prototype.set.call(this, key, value);
  };
  try {
    map.clear();
  } finally {
    delete (raw as { clear?: unknown }).clear;
  }
}

const PLACEHOLDER: unique symbol = Symbol('replaceEntries');
