/**
 * What the `map` scenario measures inside the wall's page, without a change to the client: an init
 * script records long tasks, catches the Leaflet map as it is created (an init hook on `L.Map`,
 * set as the bundle assigns `window.L`), and marks the first frame that paints school clusters or
 * the schools' canvas; the functions below read those records and pan the map.
 */
import type { Page } from 'playwright-core';

/** The page-side records, on `window.__mapBench`. */
interface MapBench {
  longTasks: { start: number; duration: number }[];
  /** When the first cluster bubble entered the DOM or the schools' canvas first drew dots. */
  drawnAt: number | null;
  /** The next animation frame's callback (its rendering follows)… */
  frameAt: number | null;
  /** …and the first task after that frame's rendering: the schools are on screen. */
  paintedAt: number | null;
  map: { panBy(offset: [number, number], options: { animate: boolean }): void; setView(center: unknown, zoom: number, options: { animate: boolean }): void; getCenter(): unknown; getZoom(): number } | null;
  frames: number[] | null;
}
type BenchWindow = Window & { __mapBench: MapBench; L?: { Map?: { addInitHook(fn: () => void): void } } };

/** Runs in the page before its own scripts (passed to `addInitScript` as source). */
function instrument(): void {
  // The requests that bring the wall's data (inside: the function's source is injected as it is).
  const WALL_DATA = ['/api/v1/wall', '/api/v1/wall/registry', '/api/v1/wall/school-points'];
  const bench: MapBench = { longTasks: [], drawnAt: null, frameAt: null, paintedAt: null, map: null, frames: null };
  const w = window as unknown as BenchWindow;
  w.__mapBench = bench;
  // Map tiles would fill the default 250 entries: the wall snapshot's entry must stay readable.
  performance.setResourceTimingBufferSize(10_000);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  let leaflet: BenchWindow['L'];
  Object.defineProperty(window, 'L', {
    configurable: true,
    get: () => leaflet,
    set: (value: BenchWindow['L']) => {
      leaflet = value;
      value?.Map?.addInitHook(function (this: MapBench['map']) {
        bench.map ??= this;
      });
    },
  });
  // With `window.__mapBenchProfile` set (a second init script), the page itself starts a console
  // profile as it asks for the wall snapshot: the profile then holds the wall's data work, not the boot.
  const fetchBefore = window.fetch.bind(window);
  let profiling = false;
  window.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (WALL_DATA.includes(url.pathname) && !profiling && (window as unknown as { __mapBenchProfile?: boolean }).__mapBenchProfile) {
      profiling = true;
      console.profile('wall');
    }
    return fetchBefore(input, init);
  };
  const observer = new MutationObserver(() => {
    // Cluster bubbles, or school dots drawn on the schools' canvas (the pane's `data-drawn` count; the canvas itself is there before any data).
    if (!document.querySelector('.leaflet-schoolClusters-pane .school-cluster, .leaflet-schools-pane[data-drawn]:not([data-drawn="0"])')) return;
    observer.disconnect();
    bench.drawnAt = performance.now();
    requestAnimationFrame(() => {
      bench.frameAt = performance.now();
      setTimeout(() => {
        bench.paintedAt = performance.now();
        performance.mark('xiaoan-bench:schools-painted');
      }, 0);
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
}

/** Installs the records; call before the page's first navigation. */
export async function instrumentMapPage(page: Page): Promise<void> {
  await page.addInitScript('window.__name = (f) => f');
  await page.addInitScript(`(${instrument.toString()})()`);
}

/** Makes the page start a console profile named `wall` when it asks for the wall snapshot (end it with `console.profileEnd('wall')`). */
export async function profileFromSnapshotRequest(page: Page): Promise<void> {
  await page.addInitScript('window.__mapBenchProfile = true');
}

/**
 * Waits until the page holds at least `count` open alarms (Pinia's `alarms` store) and the map's
 * ring labels are placed: on the console the alarm snapshot comes by socket after the schools
 * paint, so a profile ended at the paint would miss its tasks.
 */
export async function waitForAlarms(page: Page, count: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction((wanted) => {
    type App = { config: { globalProperties: { $pinia?: { _s: Map<string, { open?: Map<string, unknown> }> } } } };
    const app = (document.querySelector('#app') as (Element & { __vue_app__?: App }) | null)?.__vue_app__;
    const open = app?.config.globalProperties.$pinia?._s.get('alarms')?.open;
    return open !== undefined && open.size >= wanted && document.querySelector('[data-labels="moving"]') === null;
  }, count, { timeout: timeoutMs, polling: 100 });
}

/** Long tasks in a window of page time: count, total and longest (ms). */
export interface LongTasks {
  count: number;
  totalMs: number;
  longestMs: number;
}

/** What the first load of the wall took, in page time (ms since navigation start). */
export interface LoadFigures {
  /** The wall's data fully received: the last responseEnd of `GET /api/v1/wall` and the parts of `GET /api/v1/wall/registry`. */
  arrivedAt: number;
  drawnAt: number;
  frameAt: number;
  paintedAt: number;
  snapshotBytes: { encoded: number; decoded: number };
  schools: number | null;
  clusters: number;
  zoom: number | null;
}

/** Waits for the schools' first paint, then reads the load's records. */
export async function waitForLoad(page: Page, timeoutMs: number): Promise<LoadFigures> {
  await page.waitForFunction(() => (window as unknown as BenchWindow).__mapBench.paintedAt !== null, null, { timeout: timeoutMs, polling: 250 });
  return page.evaluate(() => {
    const bench = (window as unknown as BenchWindow).__mapBench;
    // The wall's data: its snapshot and (since the registry travels in columns) the registry, both
    // asked at once, and the schools' points the page fetches for the cluster worker as it boots.
    const data = performance.getEntriesByType('resource').filter((entry) => ['/api/v1/wall', '/api/v1/wall/registry', '/api/v1/wall/school-points'].includes(new URL(entry.name).pathname)) as PerformanceResourceTiming[];
    const wall = data.length === 0 ? undefined : {
      responseEnd: Math.max(...data.map((entry) => entry.responseEnd)),
      encodedBodySize: data.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
      decodedBodySize: data.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
    };
    // Pinia's store of the wall, for the count of schools the page holds (n/a if it cannot be reached).
    type App = { config: { globalProperties: { $pinia?: { _s: Map<string, { schools?: unknown[] }> } } } };
    const app = (document.querySelector('#app') as (Element & { __vue_app__?: App }) | null)?.__vue_app__;
    return {
      arrivedAt: wall?.responseEnd ?? Number.NaN,
      drawnAt: bench.drawnAt ?? Number.NaN,
      frameAt: bench.frameAt ?? Number.NaN,
      paintedAt: bench.paintedAt ?? Number.NaN,
      snapshotBytes: { encoded: wall?.encodedBodySize ?? Number.NaN, decoded: wall?.decodedBodySize ?? Number.NaN },
      schools: app?.config.globalProperties.$pinia?._s.get('wall')?.schools?.length ?? null,
      clusters: document.querySelectorAll('.leaflet-schoolClusters-pane .school-cluster').length,
      zoom: bench.map?.getZoom() ?? null,
    };
  });
}

/** The long tasks that started in `[from, to)` of page time. */
export async function longTasksBetween(page: Page, from: number, to = Number.POSITIVE_INFINITY): Promise<LongTasks> {
  const tasks = await page.evaluate(() => (window as unknown as BenchWindow).__mapBench.longTasks);
  const inside = tasks.filter((task) => task.start >= from && task.start < to);
  return { count: inside.length, totalMs: inside.reduce((sum, task) => sum + task.duration, 0), longestMs: inside.reduce((max, task) => Math.max(max, task.duration), 0) };
}

export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Whether the init hook caught the Leaflet map (panBy and the street zoom need it). */
export function mapReachable(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as BenchWindow).__mapBench.map !== null);
}

/** Starts recording requestAnimationFrame deltas (ms) until `stopFrames`. */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const bench = (window as unknown as BenchWindow).__mapBench;
    const frames: number[] = [];
    bench.frames = frames;
    let last: number | null = null;
    const tick = (time: number): void => {
      if (bench.frames !== frames) return;
      if (last !== null) frames.push(time - last);
      last = time;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const bench = (window as unknown as BenchWindow).__mapBench;
    const frames = bench.frames ?? [];
    bench.frames = null;
    return frames;
  });
}

/** `steps` un-animated `map.panBy` of `px`, one per animation frame: right, down, left, up in quarters (the map ends where it began). */
export async function panBySteps(page: Page, steps: number, px: number): Promise<void> {
  await page.evaluate(
    async ({ steps, px }) => {
      const map = (window as unknown as BenchWindow).__mapBench.map;
      if (!map) throw new Error('the Leaflet map was not caught');
      const directions: [number, number][] = [[px, 0], [0, px], [-px, 0], [0, -px]];
      for (let i = 0; i < steps; i++) {
        map.panBy(directions[Math.floor((i * 4) / steps)] ?? [px, 0], { animate: false });
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    },
    { steps, px },
  );
}

/** `steps` mouse moves of `px` in four drags (right, down, left, up) from the map's centre, as a person pans. */
export async function dragPan(page: Page, steps: number, px: number): Promise<void> {
  const box = await page.locator('.wall-map__leaflet').boundingBox();
  if (!box) throw new Error('no map on the page');
  const directions: [number, number][] = [[px, 0], [0, px], [-px, 0], [0, -px]];
  const perDrag = Math.ceil(steps / directions.length);
  for (const [dx, dy] of directions) {
    let x = box.x + box.width / 2 - (dx * perDrag) / 2;
    let y = box.y + box.height / 2 - (dy * perDrag) / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 0; i < perDrag; i++) {
      x += dx;
      y += dy;
      await page.mouse.move(x, y);
    }
    await page.mouse.up();
  }
}

/** Zooms the map to `zoom` at its centre without animation (the street view: no clusters past zoom 12). */
export async function zoomTo(page: Page, zoom: number): Promise<void> {
  await page.evaluate((zoom) => {
    const map = (window as unknown as BenchWindow).__mapBench.map;
    if (!map) throw new Error('the Leaflet map was not caught');
    map.setView(map.getCenter(), zoom, { animate: false });
  }, zoom);
}

/** The `map` scenario's pans (bench/map.ts, bench/map-pan.ts): this many moves of this many pixels… */
export const PAN_STEPS = 60;
export const PAN_PX = 24;
/** …at the opening view and at this zoom, past CLUSTER_MAX_ZOOM (12): every school drawn on its own. */
export const STREET_ZOOM = 13;

/** A pan's frames and the long tasks that started during it. */
export interface PanFigures {
  frames: number[];
  tasks: LongTasks;
}

/**
 * Measures one pan: a second of rest, then the frames from its start to 0.5 s after it (the move's
 * end — the clusters' redraw, the canvases' update — belongs to the pan) and the long tasks begun
 * in that time. `during` wraps the recording (e.g. a Chromium trace).
 */
export async function measurePan(page: Page, pan: () => Promise<void>, during?: { start(): Promise<void>; stop(): Promise<void> }): Promise<PanFigures> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const from = await pageNow(page);
  await during?.start();
  await startFrames(page);
  await pan();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const frames = await stopFrames(page);
  await during?.stop();
  return { frames, tasks: await longTasksBetween(page, from) };
}
