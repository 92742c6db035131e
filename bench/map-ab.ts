/**
 * A/B of client builds on the province wall's load: `npx tsx bench/map-ab.ts <rounds> <build dir>…`
 * (each a `vite build --outDir` of one version; the `map` scenario's datasets imported first, as for
 * bench/map-tasks.ts). Round by round (`forEachBuildLoad`), a fresh server and Chromium load the
 * wall with each build in turn, and the line printed per load gives data →
 * painted, navigation → painted and the longest task around the data, then the load's marks
 * (`xiaoan:*`) and the wall requests' timings relative to the data's arrival. Alternating builds in
 * one run is what makes a comparison hold on a shared, noisy machine (docs/map-scale.md).
 * With `--screen console` or `--screen kiosk`, that screen's load instead of the wall's.
 * Not a scenario of `npm run bench`.
 */
import path from 'node:path';
import { forEachBuildLoad, screenOption } from './lib/map-builds.js';

const args = process.argv.slice(2);
const screen = screenOption(args);
const rounds = Number(args[0] ?? 3);
const builds = args.slice(1).map((dir) => path.resolve(dir));
if (!Number.isInteger(rounds) || rounds < 1 || builds.length === 0) throw new Error('usage: npx tsx bench/map-ab.ts <rounds> [--screen wall|console|kiosk] <build dir>…');
const lines = new Map<string, string[]>();
await forEachBuildLoad(rounds, builds, async ({ build, page, load }) => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const seen = await page.evaluate(() => ({
    tasks: (window as unknown as { __mapBench: { longTasks: { start: number; duration: number }[] } }).__mapBench.longTasks,
    marks: performance.getEntriesByType('mark').map((mark) => [mark.name, mark.startTime] as const),
    requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.name.includes('/api/v1/wall')).map((entry) => [entry.name.replace(/^.*\/api\/v1/, ''), entry.startTime, entry.responseEnd] as const),
  }));
  const around = seen.tasks.filter((task) => task.start + task.duration > load.arrivedAt - 1500);
  const since = (at: number) => (at - load.arrivedAt).toFixed(0);
  const line = `data → painted ${since(load.paintedAt)} ms, navigation → painted ${load.paintedAt.toFixed(0)} ms, longest task around the data ${Math.max(0, ...around.map((task) => task.duration)).toFixed(0)} ms`;
  (lines.get(build) ?? lines.set(build, []).get(build)!).push(line);
  console.log(`${path.basename(build)}: ${line}`);
  console.log(`   marks: ${seen.marks.map(([name, at]) => `${name.replace('xiaoan:', '')}@${since(at)}`).join(' ')}`);
  console.log(`   requests: ${seen.requests.map(([name, start, end]) => `${name} ${since(start)}→${since(end)}`).join(' | ')}`);
}, { screen });
for (const [build, measured] of lines) console.log(`${path.basename(build)}\n  ${measured.join('\n  ')}`);
