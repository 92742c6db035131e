/**
 * A/B of client builds on the province wall's pans: `npx tsx bench/map-pan.ts <rounds> [--trace] <build dir>…`
 * (each a `vite build --outDir` of one version; the `map` scenario's datasets imported first, as for
 * bench/map-ab.ts). Round by round (`forEachBuildLoad`), a fresh server and Chromium load the wall
 * with each build in turn, and the `map` scenario's four pans run (mouse drags and
 * `panBy` steps, at the opening view and at street zoom): one line per pan with the frames' p50 /
 * p95 / max and the longest task. With `--trace`, the opening view's drags and `panBy` steps are
 * also recorded as a Chromium trace, and the renderer's tasks over 40 ms are printed with what ran inside them (style,
 * layout, paint, script …): what a long frame was made of, beyond the CPU profile's `(program)`;
 * and the main thread's busy time over the pan (its tasks' sum), steadier than a frame's maximum.
 * With `--profile`, the opening view's pans (drags and `panBy`) run under the CPU profiler: the
 * page's script time over them and the functions with most self time (source names when the build
 * was made with `--sourcemap`).
 * With `--alarms N`, the wall carries N open SOS alarms (one per school, spread over the province):
 * the province data directory is copied once to `map-province-alarms-N` beside it and the alarms
 * posted there, so the `map` scenario's own directory stays as it was. With `--screen console` or
 * `--screen kiosk`, the same on that screen's map (the console signed in as the demo police operator).
 * Not a scenario of `npm run bench`.
 */
import path from 'node:path';
import { forEachBuildLoad, PROVINCE_DATA_DIR, screenOption, withOpenAlarms } from './lib/map-builds.js';
import { dragPan, measurePan, PAN_PX, PAN_STEPS, panBySteps, STREET_ZOOM, zoomTo } from './lib/map-page.js';
import { frameNames, selfTimes, type CpuProfile } from './lib/cpu-profile.js';
import { percentile, sleep } from './lib/stats.js';
import { describeTask, otherThreads, rendererTasks, startTrace, type TraceEvent } from './lib/trace.js';

/** Renderer tasks at least this long are broken down when tracing. */
const TRACED_TASK_MS = 40;

const args = process.argv.slice(2);
const screen = screenOption(args);
const trace = args.includes('--trace');
const profiled = args.includes('--profile');
const alarmsAt = args.indexOf('--alarms');
const alarms = alarmsAt >= 0 ? Number(args[alarmsAt + 1]) : 0;
if (alarmsAt >= 0) args.splice(alarmsAt, 2);
if (!Number.isInteger(alarms) || alarms < 0) throw new Error('--alarms takes a count');
const [roundsArg, ...buildArgs] = args.filter((arg) => arg !== '--trace' && arg !== '--profile');
const rounds = Number(roundsArg ?? 3);
const builds = buildArgs.map((dir) => path.resolve(dir));
if (!Number.isInteger(rounds) || rounds < 1 || builds.length === 0) throw new Error('usage: npx tsx bench/map-pan.ts <rounds> [--trace] [--profile] [--alarms N] [--screen wall|console|kiosk] <build dir>…');

/** The renderer's main-thread busy time over a pan and its tasks over TRACED_TASK_MS, then the other threads'. */
function longRendererTasks(events: TraceEvent[]): string[] {
  const lines: string[] = [];
  for (const thread of rendererTasks(events, TRACED_TASK_MS)) {
    lines.push(`main thread busy ${thread.busyMs.toFixed(0)} ms in ${thread.count} tasks`);
    for (const task of thread.tasks) lines.push(`task ${task.ms.toFixed(0)} ms: ${describeTask(task)}`);
  }
  return [...lines, ...otherThreads(events)];
}

/** Each function's inclusive time in the profile (ms): its own and that of everything it called, pseudo-frames left out. */
function inclusiveTimes(profile: CpuProfile, assetsDir: string): [string, number][] {
  const parent = new Map<number, number>();
  for (const node of profile.nodes as (CpuProfile['nodes'][number] & { children?: number[] })[]) for (const child of node.children ?? []) parent.set(child, node.id);
  const { describe } = frameNames(profile, assetsDir);
  const names = new Map<number, string>();
  const nameOf = (id: number): string => names.get(id) ?? names.set(id, describe(id).name).get(id)!;
  const inclusive = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const name = nameOf(id);
      if (name.startsWith('(') || seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  return [...inclusive].sort((a, b) => b[1] - a[1]);
}

const dataDir = alarms > 0 ? await withOpenAlarms(alarms) : PROVINCE_DATA_DIR;
const results = new Map<string, string[]>();
await forEachBuildLoad(rounds, builds, async ({ build, round, browser, page }) => {
  await sleep(3000);
  const line: string[] = [];
  const measure = async (name: string, pan: () => Promise<void>, traced = false, cpu = false): Promise<void> => {
    let events: TraceEvent[] = [];
    const cdp = cpu ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
    }
    let stopTrace: (() => Promise<TraceEvent[]>) | undefined;
    const tracing = {
      start: async () => {
        stopTrace = await startTrace(browser, page);
      },
      stop: async () => {
        events = (await stopTrace?.()) ?? [];
      },
    };
    const { frames, tasks } = await measurePan(page, pan, traced ? tracing : undefined);
    line.push(`${name}: ${percentile(frames, 50).toFixed(1)} / ${percentile(frames, 95).toFixed(1)} / ${Math.max(...frames).toFixed(1)} ms, longest task ${tasks.longestMs.toFixed(0)} ms`);
    for (const task of longRendererTasks(events)) line.push(`    ${task}`);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      await cdp.detach();
      const times = selfTimes(profile, path.join(build, 'assets'));
      const script = times.buckets.filter(({ name }) => !name.startsWith('(')).reduce((sum, { ms }) => sum + ms, 0);
      const gc = times.buckets.find(({ name }) => name === '(garbage collector)')?.ms ?? 0;
      line.push(`    script ${script.toFixed(0)} ms, garbage collector ${gc.toFixed(0)} ms of ${times.totalMs.toFixed(0)} ms profiled`);
      for (const row of times.functions.filter(({ name }) => !name.startsWith('(')).slice(0, 8)) line.push(`      ${row.ms.toFixed(1)} ms ${row.name}`);
      line.push(`    inclusive (with what they call): ${inclusiveTimes(profile, path.join(build, 'assets')).slice(0, 12).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(' | ')}`);
    }
  };
  await measure('opening, drags', () => dragPan(page, PAN_STEPS, PAN_PX), trace, profiled);
  await measure('opening, panBy', () => panBySteps(page, PAN_STEPS, PAN_PX), trace, profiled);
  await zoomTo(page, STREET_ZOOM);
  await sleep(2000);
  await measure('street, drags', () => dragPan(page, PAN_STEPS, PAN_PX));
  await measure('street, panBy', () => panBySteps(page, PAN_STEPS, PAN_PX));
  (results.get(build) ?? results.set(build, []).get(build)!).push(line.join('\n    '));
  console.log(`${path.basename(build)} (round ${round + 1})\n  ${line.join('\n  ')}`);
}, { dataDir, screen });
for (const [build, measured] of results) console.log(`${path.basename(build)}\n  ${measured.join('\n  ')}`);
