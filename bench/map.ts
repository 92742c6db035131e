/**
 * Scenario `map` (issue 17, item 4): the map wall in headless
 * Chromium at 1920×1080 over the `city` and then the `province` dataset (3,130 and ≈ 50,000
 * schools), the same run, one real server per scale; at province scale the console's map and the
 * kiosk too (the same `WallMap` in a smaller place). In the page, without a change to the client:
 *   a. snapshot → schools painted: from the wall's data fully received (the last responseEnd of
 *      the parts of `GET /api/v1/wall/registry`, `GET /api/v1/wall?registry=omit&cameras=down` and `GET /api/v1/wall/school-points`) to the first task after the first frame that draws cluster bubbles or the
 *      schools' canvas (MutationObserver → requestAnimationFrame → setTimeout 0);
 *   b. frame times while panning — mouse drags as a person pans, and un-animated `map.panBy`
 *      steps one a frame (each a whole move: every `moveend` redraw in it) — at the opening view
 *      and at street zoom (13, past the last clustered zoom, every school a dot);
 *   c. long tasks (PerformanceObserver 'longtask') in each phase: count, total, longest;
 *   d. the JS heap after the load, after a full GC (CDP Runtime.getHeapUsage).
 * Then a CPU profile of a second province load (CDP Profiler) read as self time per function —
 * with source names when dist/client was built with `npx vite build --sourcemap` (the bundle is
 * the same; the .map files beside it are only read here), minified names otherwise.
 * Writes its own block of docs/benchmarks.md (`<!-- map:begin -->`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { chromiumAvailable, chromiumPath, DEMO_PASSWORD, launchBrowser, signInContext } from '../tests/helpers/browser.js';
import { ensureClientBuild } from '../tests/helpers/system.js';
import type { BenchContext } from './lib/context.js';
import { log } from './lib/context.js';
import { selfTimes, type CpuProfile } from './lib/cpu-profile.js';
import { describeMachine, writeScenarioSection } from './lib/docs.js';
import { MAP_SCREENS, type MapScreen } from './lib/map-builds.js';
import {
  dragPan, instrumentMapPage, longTasksBetween, mapReachable, measurePan, PAN_PX, PAN_STEPS, panBySteps, profileFromSnapshotRequest, STREET_ZOOM, waitForLoad, zoomTo,
  type LoadFigures, type LongTasks, type PanFigures,
} from './lib/map-page.js';
import { readMachine } from './lib/proc.js';
import type { Figure, ScenarioReport } from './lib/report.js';
import { repoRoot, ServerUnderTest } from './lib/server.js';
import { fmtMiB, fmtMs, percentile, sleep } from './lib/stats.js';
import { viewerLink } from './lib/viewer-link.js';

/** Issue 17's targets at province scale. */
const TARGET_FIRST_PAINT_MS = 500;
const TARGET_FRAME_MS = 50;
const TARGET_LONGEST_TASK_MS = 100;
/** The demo account that opens on the wall (`/`) with the whole city in scope. */
const VIEWER = 'viewer';

type Scale = 'city' | 'province';
/** The screens' names in the tables. */
const SCREEN_NAMES: Record<MapScreen, string> = { wall: 'wall (`/`)', console: 'console map (`/console`, police operator)', kiosk: 'kiosk (`/kiosk`, viewer link)' };

interface ScaleFigures {
  scale: Scale;
  screen: MapScreen;
  load: LoadFigures;
  loadTasks: LongTasks;
  heapBytes: number;
  pans: Map<string, PanFigures>;
  reachable: boolean;
  /** The whole machine's CPU busy during the scale's measurement, in cores (browser, server and anything else). */
  machineCores: number;
}

const PANS = ['opening view, mouse drags', 'opening view, panBy steps', `street zoom ${STREET_ZOOM}, mouse drags`, `street zoom ${STREET_ZOOM}, panBy steps`] as const;

async function signedInContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await signInContext(context, url, VIEWER, DEMO_PASSWORD);
  return context;
}

/** A context signed in for `screen` (the kiosk by a viewer link the administrator makes, as a real kiosk is) and the address to open. */
async function openScreen(browser: Browser, server: ServerUnderTest, screen: MapScreen): Promise<{ context: BrowserContext; address: string }> {
  const { path: route, user } = MAP_SCREENS[screen];
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  if (user !== null) await signInContext(context, server.url, user, DEMO_PASSWORD);
  return { context, address: `${server.url}${user === null ? await viewerLink(server.url, server.cookie, 'bench kiosk') : route}` };
}

async function measureScale(browser: Browser, server: ServerUnderTest, scale: Scale, timeoutMs: number, screen: MapScreen = 'wall'): Promise<ScaleFigures> {
  const { context, address } = await openScreen(browser, server, screen);
  const machineBefore = readMachine();
  try {
    const page = await context.newPage();
    await instrumentMapPage(page);
    await page.goto(address);
    const load = await waitForLoad(page, timeoutMs);
    // What the load left behind: settle, then the long tasks up to now and the heap after a full GC.
    await sleep(3000);
    const loadTasks = await longTasksBetween(page, 0);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const reachable = await mapReachable(page);
    const pans = new Map<string, PanFigures>();
    log(`  ${scale}, ${screen}: ${load.schools ?? '?'} schools, painted ${fmtMs(load.paintedAt - load.arrivedAt)} after the snapshot; panning`);
    pans.set(PANS[0], await measurePan(page, () => dragPan(page, PAN_STEPS, PAN_PX)));
    if (reachable) {
      pans.set(PANS[1], await measurePan(page, () => panBySteps(page, PAN_STEPS, PAN_PX)));
      await zoomTo(page, STREET_ZOOM);
      await sleep(2000);
      pans.set(PANS[2], await measurePan(page, () => dragPan(page, PAN_STEPS, PAN_PX)));
      pans.set(PANS[3], await measurePan(page, () => panBySteps(page, PAN_STEPS, PAN_PX)));
    }
    const machineAfter = readMachine();
    const machineCores = machineBefore && machineAfter ? (machineAfter.busySeconds - machineBefore.busySeconds) / ((machineAfter.at - machineBefore.at) / 1000) : Number.NaN;
    return { scale, screen, load, loadTasks, heapBytes: heap.usedSize, pans, reachable, machineCores };
  } finally {
    await context.close();
  }
}

/**
 * A second load, profiled from the page's request for the wall snapshot (a `console.profile` the
 * page starts itself) to 1 s after the schools are painted: the data's work, not the app's boot;
 * then the opening view's mouse drags, profiled on their own.
 */
async function profileLoad(browser: Browser, server: ServerUnderTest, timeoutMs: number): Promise<{ load: CpuProfile; drag: CpuProfile }> {
  const context = await signedInContext(browser, server.url);
  try {
    const page = await context.newPage();
    await instrumentMapPage(page);
    await profileFromSnapshotRequest(page);
    // A same-origin page first, so the profiled navigation stays in the renderer the session is attached to.
    await page.goto(`${server.url}/api/v1/health`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    const finished = new Promise<CpuProfile>((resolve) => cdp.once('Profiler.consoleProfileFinished', (event) => resolve(event.profile as CpuProfile)));
    await page.goto(`${server.url}/`);
    await waitForLoad(page, timeoutMs);
    await sleep(1000);
    await page.evaluate(() => console.profileEnd('wall'));
    const load = await Promise.race([finished, sleep(60_000).then(() => Promise.reject(new Error('no console profile came back from the page')))]);
    // Then the opening view's mouse drags, as measured unprofiled before.
    await sleep(1000);
    await cdp.send('Profiler.start');
    await dragPan(page, PAN_STEPS, PAN_PX);
    await sleep(500);
    const { profile: drag } = await cdp.send('Profiler.stop');
    return { load, drag: drag as CpuProfile };
  } finally {
    await context.close();
  }
}

const frameCell = (pan: PanFigures | undefined) => (pan ? `${fmtMs(percentile(pan.frames, 50))} / ${fmtMs(percentile(pan.frames, 95))} / ${fmtMs(Math.max(...pan.frames))} (${pan.frames.length} frames)` : 'n/a');
const taskCell = (tasks: LongTasks | undefined) => (tasks ? `${tasks.count} / ${fmtMs(tasks.totalMs)} / ${fmtMs(tasks.longestMs)}` : 'n/a');

export async function runMap(ctx: BenchContext, options: { write?: boolean }): Promise<ScenarioReport> {
  const started = performance.now();
  const machine = describeMachine();
  const report: ScenarioReport = {
    id: 'map',
    title: 'The map wall at city and province scale (issue 17 item 4)',
    requirement: 'Province scale in the browser: the wall, console map and kiosk stay responsive with the `province` dataset (50,000 schools) … first paint ≤ 0.5 s after the data arrives, panning ≤ 50 ms a frame, no long task over 100 ms (PerformanceObserver \'longtask\' in Chromium)',
    setup: `headless Chromium (${chromiumPath}, --disable-gpu) at 1920×1080, the wall (\`/\`) signed in as the demo \`${VIEWER}\` (the whole city), and at province scale also the console's map (\`/console\`, the demo police operator) and the kiosk (\`/kiosk\` by a viewer link); one server per scale (SQLite, simulator off, no traffic); pans: ${PAN_STEPS} steps of ${PAN_PX} px (right, down, left, up), by mouse drags and by un-animated \`map.panBy\` one a frame, at the opening view and at street zoom ${STREET_ZOOM}`,
    figures: [],
    notes: [],
  };
  if (!chromiumAvailable()) {
    report.notes.push('Chromium not found: scenario skipped.');
    return report;
  }
  ensureClientBuild();
  const browser = await launchBrowser();
  const results: ScaleFigures[] = [];
  /** The province's console map and kiosk. */
  const screens: ScaleFigures[] = [];
  let profile: ReturnType<typeof selfTimes> | null = null;
  let dragProfile: ReturnType<typeof selfTimes> | null = null;
  try {
    for (const scale of ['city', 'province'] as const) {
      const dataDir = path.join(ctx.options.dataDir, `map-${scale}`);
      fs.mkdirSync(dataDir, { recursive: true });
      log(`  ${scale}: starting the server over ${dataDir}`);
      const server = await ServerUnderTest.start({ dataDir, scale, logFile: ctx.options.logFile, nodeArgs: ctx.options.serverNodeArgs });
      try {
        results.push(await measureScale(browser, server, scale, 180_000));
        if (scale === 'province') {
          // The console's map and the kiosk draw the same WallMap, in a smaller place: measured too, same server.
          for (const screen of ['console', 'kiosk'] as const) screens.push(await measureScale(browser, server, scale, 180_000, screen));
          log('  province: a second load under the CPU profiler');
          const raw = await profileLoad(browser, server, 180_000);
          fs.writeFileSync(path.join(ctx.options.dataDir, 'map-province.cpuprofile'), JSON.stringify(raw.load));
          fs.writeFileSync(path.join(ctx.options.dataDir, 'map-province-drag.cpuprofile'), JSON.stringify(raw.drag));
          profile = selfTimes(raw.load, path.join(repoRoot, 'dist/client/assets'));
          dragProfile = selfTimes(raw.drag, path.join(repoRoot, 'dist/client/assets'));
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }

  const [city, province] = results;
  const both = (read: (figures: ScaleFigures) => string) => [city ? read(city) : 'n/a', province ? read(province) : 'n/a'];
  const rows: string[][] = [
    ['schools on the map', ...both((r) => `${r.load.schools?.toLocaleString('en-US') ?? 'n/a'} (${r.load.clusters} cluster bubbles, zoom ${r.load.zoom?.toFixed(1) ?? 'n/a'})`)],
    ['wall data (`GET /api/v1/wall?registry=omit&cameras=down` + the parts of `GET /api/v1/wall/registry` + `GET /api/v1/wall/school-points`) on the wire / decoded', ...both((r) => `${(r.load.snapshotBytes.encoded / 1e6).toFixed(2)} / ${(r.load.snapshotBytes.decoded / 1e6).toFixed(2)} MB`)],
    ['navigation → snapshot received', ...both((r) => fmtMs(r.load.arrivedAt))],
    ['snapshot received → clusters/canvas in the DOM', ...both((r) => fmtMs(r.load.drawnAt - r.load.arrivedAt))],
    ['snapshot received → schools painted (a)', ...both((r) => fmtMs(r.load.paintedAt - r.load.arrivedAt))],
    ['long tasks from navigation to 3 s after the paint: count / total / longest', ...both((r) => taskCell(r.loadTasks))],
    ['JS heap after the load (after a full GC)', ...both((r) => fmtMiB(r.heapBytes))],
    [`machine CPU busy during the scale's measurement (cores of ${machine.cores}: browser, server and any other work)`, ...both((r) => r.machineCores.toFixed(2))],
    ...PANS.flatMap((name) => [
      [`${name}: frame p50 / p95 / max`, ...both((r) => frameCell(r.pans.get(name)))],
      [`${name}: long tasks count / total / longest`, ...both((r) => taskCell(r.pans.get(name)?.tasks))],
    ]),
  ];
  report.tables = [{ caption: 'City vs province, same run', header: ['', 'city', 'province'], rows }];
  const atProvince = [...results.filter((r) => r.scale === 'province'), ...screens];
  const perScreen = (read: (figures: ScaleFigures) => string) => atProvince.map(read);
  report.tables.push({
    caption: 'The three screens with the map at province scale, same server, same run',
    header: ['', ...atProvince.map((r) => SCREEN_NAMES[r.screen])],
    rows: [
      ['snapshot received → schools painted', ...perScreen((r) => fmtMs(r.load.paintedAt - r.load.arrivedAt))],
      ['long tasks from navigation to 3 s after the paint: count / total / longest', ...perScreen((r) => taskCell(r.loadTasks))],
      ...PANS.map((name) => [`${name}: frame p50 / p95 / max`, ...perScreen((r) => frameCell(r.pans.get(name)))]),
      ['longest task in the pans', ...perScreen((r) => fmtMs(Math.max(0, ...[...r.pans.values()].map((pan) => pan.tasks.longestMs))))],
    ],
  });
  for (const r of [...results, ...screens]) {
    const label = r.screen === 'wall' ? r.scale : `${r.scale}, ${SCREEN_NAMES[r.screen]}`;
    const paint = r.load.paintedAt - r.load.arrivedAt;
    const frames = [...r.pans.values()].flatMap((pan) => pan.frames);
    const worstFrame = Math.max(...frames);
    const longest = Math.max(r.loadTasks.longestMs, ...[...r.pans.values()].map((pan) => pan.tasks.longestMs));
    const figures: Figure[] = [
      { metric: `${label}: snapshot received → schools painted`, value: fmtMs(paint), target: `≤ ${TARGET_FIRST_PAINT_MS} ms`, pass: paint <= TARGET_FIRST_PAINT_MS },
      { metric: `${label}: longest frame while panning (all pans)`, value: `${fmtMs(worstFrame)} (p95 ${fmtMs(percentile(frames, 95))})`, target: `≤ ${TARGET_FRAME_MS} ms`, pass: worstFrame <= TARGET_FRAME_MS },
      { metric: `${label}: longest task (load and pans)`, value: fmtMs(longest), target: `≤ ${TARGET_LONGEST_TASK_MS} ms`, pass: longest <= TARGET_LONGEST_TASK_MS },
      ...(r.screen === 'wall' ? [{ metric: `${label}: JS heap after the load`, value: fmtMiB(r.heapBytes) }] : []),
    ];
    report.figures.push(...figures);
  }
  if ([...results, ...screens].some((r) => !r.reachable)) report.notes.push('The Leaflet map could not be caught in the page (no `window.L` init hook): the panBy and street-zoom pans were skipped.');
  if (profile) {
    const top = profile.functions.filter((row) => !['(idle)', '(program)'].includes(row.name)).slice(0, 10);
    report.tables.push({
      caption: `Province load under the CPU profiler (250 µs sampling, ${fmtMs(profile.totalMs)} from the page's request for the wall snapshot to 1 s after the paint): the ten functions with most self time${profile.mapped ? '' : ' (minified names: build the client with `npx vite build --sourcemap` for source names)'}`,
      header: ['function (source:line name)', 'package', 'self time'],
      rows: top.map((row) => [row.name, row.bucket, fmtMs(row.ms)]),
    });
    report.tables.push({
      caption: 'The same profile by package (self time)',
      header: ['package', 'self time', 'share of the profile'],
      rows: profile.buckets.slice(0, 12).map((row) => [row.name, fmtMs(row.ms), `${((100 * row.ms) / profile.totalMs).toFixed(0)} %`]),
    });
  }
  if (dragProfile) {
    const drag = dragProfile;
    report.tables.push({
      caption: `The opening view's mouse drags at province scale under the CPU profiler (${fmtMs(drag.totalMs)}): the ten functions with most self time, then the packages`,
      header: ['function or package', 'package', 'self time'],
      rows: [
        ...drag.functions.filter((row) => !['(idle)', '(program)'].includes(row.name)).slice(0, 10).map((row) => [row.name, row.bucket, fmtMs(row.ms)]),
        ...drag.buckets.slice(0, 8).map((row) => [`**${row.name}**`, '', `${fmtMs(row.ms)} (${((100 * row.ms) / drag.totalMs).toFixed(0)} %)`]),
      ],
    });
  }
  report.notes.push(
    '“Snapshot received” is the last Resource Timing responseEnd of the requests that bring the wall’s data, asked at once: the 16 parts of `GET /api/v1/wall/registry?slice=i&slices=16` (REGISTRY_SLICES in shared/wall-registry.ts; the schools and 护学岗 in columns, police posts) `GET /api/v1/wall?registry=omit&cameras=down` (statuses, cameras) and `GET /api/v1/wall/school-points` (the cluster worker’s points, fetched as the page boots); “painted” is the first task after the first animation frame that has cluster bubbles or the schools’ canvas in the DOM, so parsing the JSON, the Vue watchers, the clusters (built in a Web Worker), the canvases, style, layout and paint of that frame are all inside it.',
    'Frame times are the deltas between requestAnimationFrame timestamps during the pan and 0.5 s after it (the redraw on `moveend` included); long tasks are those that started in the same window. Mouse drags are page.mouse moves, each sent once the previous one was handled; panBy steps are a whole move each, so every step pays the `moveend` redraw.',
    'The profile is started by the page itself (`console.profile`) as it requests the wall’s data, so the app’s boot (bundle evaluation, router, sign-in check) is not in it; the wait for the server’s answer is, as (idle).',
    `The profile of the province load is kept in the data directory (map-province.cpuprofile, and map-province-drag.cpuprofile for the drags; open it in Chromium’s DevTools, Performance tab); self time excludes (idle) and (program) (the latter is mostly style, layout and paint, outside JavaScript).`,
    `The server and the browser share the ${machine.cores}-core machine with whatever else runs on it (the row “machine CPU busy” says how busy it was, theirs included): on a busy machine every figure is longer; the city vs province comparison, same run, is the robust one.`,
  );
  const minutes = (performance.now() - started) / 60_000;
  if (options.write ?? !ctx.quick) {
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    log(`  wrote ${path.relative(process.cwd(), writeScenarioSection('map', report, { machine, command, minutes }))} (map section)`);
  }
  return report;
}
