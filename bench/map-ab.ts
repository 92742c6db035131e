/**
 * A/B of client builds on the province wall's load: `npx tsx bench/map-ab.ts <rounds> <build dir>…`
 * (each a `vite build --outDir` of one version; the `map` scenario's datasets imported first, as for
 * bench/map-tasks.ts). Round by round, each build in turn is put in dist/client (restored at the
 * end), a fresh server and Chromium load the wall, and the line printed per load gives data →
 * painted, navigation → painted and the longest task around the data, then the load's marks
 * (`xiaoan:*`) and the wall requests' timings relative to the data's arrival. Alternating builds in
 * one run is what makes a comparison hold on a shared, noisy machine (docs/map-scale.md).
 * Not a scenario of `npm run bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServerUnderTest } from './lib/server.js';
import { instrumentMapPage, waitForLoad } from './lib/map-page.js';
import { DEMO_PASSWORD, launchBrowser, signInContext } from '../tests/helpers/browser.js';

const rounds = Number(process.argv[2] ?? 3);
const builds = process.argv.slice(3).map((dir) => path.resolve(dir));
if (!Number.isInteger(rounds) || rounds < 1 || builds.length === 0) throw new Error('usage: npx tsx bench/map-ab.ts <rounds> <build dir>…');
const live = path.resolve('dist/client');
const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-ab-'));
if (fs.existsSync(live)) fs.cpSync(live, kept, { recursive: true });
const lines = new Map<string, string[]>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const build of builds) {
      fs.rmSync(live, { recursive: true, force: true });
      fs.cpSync(build, live, { recursive: true });
      const server = await ServerUnderTest.start({ dataDir: '.scratch/bench/map-province', scale: 'province', logFile: path.join(os.tmpdir(), 'xiaoan-ab-server.log') });
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        await signInContext(context, server.url, 'viewer', DEMO_PASSWORD);
        const page = await context.newPage();
        await instrumentMapPage(page);
        await page.goto(`${server.url}/`);
        const load = await waitForLoad(page, 60_000);
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
      } finally {
        await browser.close();
        await server.stop();
      }
    }
  }
} finally {
  fs.rmSync(live, { recursive: true, force: true });
  if (fs.readdirSync(kept).length > 0) fs.cpSync(kept, live, { recursive: true });
  fs.rmSync(kept, { recursive: true, force: true });
}
for (const [build, measured] of lines) console.log(`${path.basename(build)}\n  ${measured.join('\n  ')}`);
