/**
 * The wall's page thread at rest, build against build: `npx tsx bench/page-idle.ts <rounds>
 * [--alarms N] [--seconds S] [--screen wall|console|kiosk] <build dir>…` (each a `vite build --outDir` of one version; the `map`
 * scenario's province dataset imported first, as for bench/map-pan.ts). Round by round
 * (`forEachBuildLoad`), a fresh server and Chromium load the province wall, let it settle, then
 * profile S seconds (default 6) in which nobody touches it: how long the page's thread was busy
 * (every sample that is not idle: script, style, layout, paint, collection), the three largest
 * parts, its long tasks, and the animations running. A screen left alone all day should cost
 * almost nothing: every busy millisecond at rest is one an alarm or a pan has to share.
 * Not a scenario of `npm run bench`.
 */
import path from 'node:path';
import { selfTimes, type CpuProfile } from './lib/cpu-profile.js';
import { forEachBuildLoad, PROVINCE_DATA_DIR, screenOption, withOpenAlarms } from './lib/map-builds.js';
import { longTasksBetween, pageNow } from './lib/map-page.js';
import { sleep } from './lib/stats.js';

const args = process.argv.slice(2);
/** The value after `--name`, taken out of the arguments. */
function option(name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  args.splice(at, 2);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} takes a number`);
  return value;
}
const screen = screenOption(args);
const alarms = option('--alarms', 0);
const seconds = option('--seconds', 6);
const [roundsArg, ...buildArgs] = args;
const rounds = Number(roundsArg ?? 3);
const builds = buildArgs.map((dir) => path.resolve(dir));
if (!Number.isInteger(rounds) || rounds < 1 || builds.length === 0) throw new Error('usage: npx tsx bench/page-idle.ts <rounds> [--alarms N] [--seconds S] [--screen wall|console|kiosk] <build dir>…');

const dataDir = alarms > 0 ? await withOpenAlarms(alarms) : PROVINCE_DATA_DIR;
await forEachBuildLoad(
  rounds,
  builds,
  async ({ build, round, page }) => {
    await sleep(4000);
    const animations = await page.evaluate(() =>
      document.getAnimations().map((animation) => (animation instanceof CSSAnimation ? animation.animationName.replace(/-[0-9a-f]{8}$/, '') : animation.constructor.name)),
    );
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    const from = await pageNow(page);
    await cdp.send('Profiler.start');
    await sleep(seconds * 1000);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const tasks = await longTasksBetween(page, from);
    const { buckets, totalMs } = selfTimes(profile, path.join(build, 'assets'));
    const busy = buckets.filter((bucket) => bucket.name !== '(idle)');
    const busyMs = busy.reduce((sum, bucket) => sum + bucket.ms, 0);
    const top = busy.slice(0, 3).map((bucket) => `${bucket.name} ${bucket.ms.toFixed(0)}`).join(', ');
    const running = [...new Set(animations)].map((name) => `${name} ×${animations.filter((each) => each === name).length}`).join(', ') || 'none';
    console.log(
      `${path.basename(build)} (round ${round + 1}): page thread busy ${busyMs.toFixed(0)} ms of ${totalMs.toFixed(0)} (${((100 * busyMs) / totalMs).toFixed(1)} %): ${top}; ` +
        `long tasks ${tasks.count} (longest ${tasks.longestMs.toFixed(0)} ms); animations: ${running}`,
    );
  },
  { dataDir, screen },
);
