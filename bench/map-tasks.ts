/**
 * What each long task of a wall load ran: `npx tsx bench/map-tasks.ts [province|city]` over the
 * datasets the `map` scenario imported (`npm run bench -- --only map --data-dir .scratch/bench`
 * first; build the client with `npx vite build --sourcemap` for source names). It loads the wall
 * under the CPU profiler, started by the page as it asks for the wall's data, and for every
 * PerformanceObserver long task prints the functions with most self and inclusive time inside it.
 * With `--from-boot` the profile starts as the page's first script runs, so the app's boot (bundle
 * evaluation, router, first mount) is in it too.
 * With `--own`, each task also lists the inclusive time of the app's own functions (client/, shared/).
 * With `--alarms N` (province only), over a copy of the dataset with N open SOS alarms (made once);
 * the profile then runs until the page holds them all and their ring labels are placed.
 * With `--screen console` or `--screen kiosk`, that screen's load instead of the wall's (the
 * console as the demo police operator, the kiosk by a viewer link the administrator makes).
 * With `--trace`, the load is also recorded as a Chromium trace (from the screen's navigation to
 * the profile's end) and every renderer task of 50 ms or more is printed with the trace events
 * inside it by self time (style recalculation, layout, paint, script evaluation, parsing …): what
 * the profile's `(program)` was.
 * Every answer the page fetched of over 100 kB is listed first, with its timing and its size decoded
 * and on the wire (what the page's thread had to decode and parse).
 * Not a scenario of `npm run bench`: a tool for finding what to split next (docs/map-scale.md).
 */
import { MAP_SCREENS, screenOption, withOpenAlarms } from './lib/map-builds.js';
import { ServerUnderTest } from './lib/server.js';
import { viewerLink } from './lib/viewer-link.js';
import { instrumentMapPage, profileFromSnapshotRequest, waitForAlarms, waitForLoad } from './lib/map-page.js';
import { DEMO_PASSWORD, launchBrowser, signInContext } from '../tests/helpers/browser.js';
import { frameNames, type CpuProfile } from './lib/cpu-profile.js';
import { describeTask, markAt, rendererTasks, startTrace, type TraceEvent } from './lib/trace.js';

const args = process.argv.slice(2);
const screen = MAP_SCREENS[screenOption(args)];
const scale: 'province' | 'city' = args.includes('city') ? 'city' : 'province';
const fromBoot = args.includes('--from-boot');
const ownCode = args.includes('--own');
const traced = args.includes('--trace');
const alarmsAt = args.indexOf('--alarms');
const openAlarms = alarmsAt >= 0 ? Number(args[alarmsAt + 1]) : 0;
const dataDir = openAlarms > 0 && scale === 'province' ? await withOpenAlarms(openAlarms) : `.scratch/bench/map-${scale}`;
const server = await ServerUnderTest.start({ dataDir, scale, logFile: '/tmp/probe-server.log' });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  if (screen.user !== null) await signInContext(context, server.url, process.env.PROBE_USER ?? screen.user, DEMO_PASSWORD);
  const page = await context.newPage();
  await instrumentMapPage(page);
  if (!fromBoot) await profileFromSnapshotRequest(page);
  await page.addInitScript(`{ const p = console.profile.bind(console); console.profile = (n) => { window.__profileAt = performance.now(); p(n); }; }`);
  if (fromBoot) await page.addInitScript(`if (location.pathname === '${screen.path}') console.profile('wall')`);
  await page.goto(`${server.url}/api/v1/health`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const finished = new Promise<CpuProfile>((resolve) => cdp.once('Profiler.consoleProfileFinished', (e) => resolve(e.profile as CpuProfile)));
  const stopTrace = traced ? await startTrace(browser, page) : undefined;
  await page.goto(`${server.url}${screen.user === null ? await viewerLink(server.url, server.cookie, 'bench kiosk') : screen.path}`);
  const load = await waitForLoad(page, 60_000);
  if (openAlarms > 0) await waitForAlarms(page, openAlarms, 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  await page.evaluate(() => console.profileEnd('wall'));
  const profile = await finished;
  const traceEvents: TraceEvent[] = stopTrace ? await stopTrace() : [];
  type Probed = Window & { __mapBench: { longTasks: { start: number; duration: number }[] }; __profileAt: number };
  const { tasks, profileAt } = await page.evaluate(() => ({ tasks: (window as unknown as Probed).__mapBench.longTasks, profileAt: (window as unknown as Probed).__profileAt }));
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  for (const worker of page.workers()) {
    const seen = await worker.evaluate(() => ({ origin: performance.timeOrigin, entries: performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, end: (e as PerformanceResourceTiming).responseEnd })), marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime })) }));
    const shift = seen.origin - pageOrigin;
    for (const e of seen.entries) console.log(`worker fetch ${e.name.replace(/^https?:\/\/[^/]+/, '')}: ${(e.start + shift).toFixed(0)} → ${(e.end + shift).toFixed(0)}`);
    for (const m of seen.marks) console.log(`worker mark ${m.name}: ${(m.at + shift).toFixed(0)}`);
  }
  const fetched = await page.evaluate(() => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.decodedBodySize > 100_000).map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd, decoded: e.decodedBodySize, encoded: e.encodedBodySize })));
  for (const e of fetched) console.log(`page fetch ${e.name.replace(/^https?:\/\/[^/]+/, '')}: ${e.start.toFixed(0)} → ${e.end.toFixed(0)}, ${(e.decoded / 1e6).toFixed(2)} MB (${(e.encoded / 1e6).toFixed(2)} MB on the wire)`);
  console.log(`arrived ${load.arrivedAt.toFixed(0)} drawn ${load.drawnAt.toFixed(0)} painted ${load.paintedAt.toFixed(0)} (paint ${(load.paintedAt - load.arrivedAt).toFixed(0)} ms) profileAt ${profileAt.toFixed(0)}`);
  if (traced) {
    // The trace's clock against the page's: the bench's mark at the schools' paint is in both.
    const paintedMark = markAt(traceEvents, 'xiaoan-bench:schools-painted');
    const pageMs = (ts: number): number => paintedMark === undefined ? Number.NaN : load.paintedAt + (ts - paintedMark) / 1000;
    for (const thread of rendererTasks(traceEvents, 50)) {
      console.log(`\ntrace: main thread busy ${thread.busyMs.toFixed(0)} ms in ${thread.count} tasks`);
      for (const task of thread.tasks) console.log(`trace task at ${pageMs(task.ts).toFixed(0)} (${(pageMs(task.ts) - load.arrivedAt).toFixed(0)} after arrival), ${task.ms.toFixed(0)} ms: ${describeTask(task, 10)}`);
    }
  }
  type ProfileNode = CpuProfile['nodes'][number] & { children?: number[] };
  const parent = new Map<number, number>();
  for (const n of profile.nodes as ProfileNode[]) for (const c of n.children ?? []) parent.set(c, n.id);
  const { describe } = frameNames(profile, 'dist/client/assets');
  const nameOf = (id: number): string => describe(id).name;
  const deltas = profile.timeDeltas ?? [];
  const samples = profile.samples ?? [];
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of deltas) {
    t += d;
    times.push(t);
  }
  for (const task of tasks) {
    if (task.start + task.duration < profileAt) { console.log(`\n(before profile) task at ${task.start.toFixed(0)} ${task.duration.toFixed(0)} ms`); continue; }
    const from = profile.startTime + (task.start - profileAt) * 1000, to = from + task.duration * 1000;
    const self = new Map<string, number>(), incl = new Map<string, number>();
    for (let i = 0; i < times.length; i++) {
      if (times[i]! < from || times[i]! > to) continue;
      const dt = (deltas[i + 1] ?? 100) / 1000;
      let id: number | undefined = samples[i];
      const k = id === undefined ? '?' : nameOf(id); self.set(k, (self.get(k) ?? 0) + dt);
      const seen = new Set<string>();
      while (id !== undefined) {
        const kk = nameOf(id);
        if (!seen.has(kk)) {
          incl.set(kk, (incl.get(kk) ?? 0) + dt);
          seen.add(kk);
        }
        id = parent.get(id);
      }
    }
    const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' | ');
    console.log(`\n=== task at ${task.start.toFixed(0)} (${(task.start - load.arrivedAt).toFixed(0)} after arrival), ${task.duration.toFixed(0)} ms`);
    console.log(' self:', top(self, 10));
    console.log(' incl:', top(incl, 22));
    if (ownCode) console.log(' own code, incl:', top(new Map([...incl].filter(([name]) => /^(client|shared)\//.test(name))), 30));
  }
} finally {
  await browser.close();
  await server.stop();
}
