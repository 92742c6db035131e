import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');

/**
 * The page boots in parts, one task each (client/main.ts): the API's contracts, Vue with the
 * messages, the app. A part that does not load (a server restarting, a build replaced meanwhile)
 * must not leave a wall screen blank for good.
 */
describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('the page boot (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET });
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('says plainly in both languages when a part of the page does not load, and loads the page again by itself', async () => {
    const page = await newScreenPage(browser);
    await page.clock.install({ time: system.now() });
    await signInContext(page.context(), system.url, 'viewer', DEMO_PASSWORD);
    let refused = 0;
    await page.route(/\/assets\/app-start-[^/]+\.js$/, (route) => {
      refused++;
      return route.abort('connectionrefused');
    });
    await page.goto(system.url);
    const notice = page.getByText('页面未能加载，10 秒后自动重试。');
    await notice.waitFor({ timeout: 15_000 });
    await expect(page.getByText('The page did not load; trying again in 10 s.').isVisible()).resolves.toBe(true);
    expect(refused).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(screenshots, 'boot-failed.png') });

    // Still refused ten seconds on: the next try waits twice as long (every screen asking every 10 s
    // would hammer a server that is in trouble).
    const reloaded = page.waitForEvent('load');
    await page.clock.runFor(10_000);
    await reloaded;
    const later = page.getByText('页面未能加载，20 秒后自动重试。');
    await later.waitFor({ timeout: 15_000 });
    await expect(page.getByText('The page did not load; trying again in 20 s.').isVisible()).resolves.toBe(true);

    // The part can be had again; twenty seconds on, the page loads itself and goes live.
    await page.unroute(/\/assets\/app-start-[^/]+\.js$/);
    await page.clock.runFor(20_000);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });
    await expect(later.count()).resolves.toBe(0);
    // Loaded: the count of failures in a row starts again.
    await expect(page.evaluate(() => sessionStorage.getItem('xiaoan:boot-failures'))).resolves.toBeNull();
    await page.context().close();
  });

  it('says the longer waits after more failures in a row in whole seconds or minutes', async () => {
    const page = await newScreenPage(browser);
    await signInContext(page.context(), system.url, 'viewer', DEMO_PASSWORD);
    await page.route(/\/assets\/app-start-[^/]+\.js$/, (route) => route.abort('connectionrefused'));
    await page.goto(`${system.url}/api/v1/health`);
    // Three failures in a row before this one: 80 s, not "1.33 分钟".
    await page.evaluate(() => sessionStorage.setItem('xiaoan:boot-failures', '3'));
    await page.goto(system.url);
    await page.getByText('页面未能加载，80 秒后自动重试。').waitFor({ timeout: 15_000 });
    await expect(page.getByText('The page did not load; trying again in 80 s.').isVisible()).resolves.toBe(true);
    // Many in a row: the wait stops growing at five minutes.
    await page.goto(`${system.url}/api/v1/health`);
    await page.evaluate(() => sessionStorage.setItem('xiaoan:boot-failures', '9'));
    await page.goto(system.url);
    await page.getByText('页面未能加载，5 分钟后自动重试。').waitFor({ timeout: 15_000 });
    await expect(page.getByText('The page did not load; trying again in 5 min.').isVisible()).resolves.toBe(true);
    await page.context().close();
  });
});
