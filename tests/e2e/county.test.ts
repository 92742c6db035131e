import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeBounds } from '../../client/geo.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, registryDevices, ROOT, shanghaiInstant, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const ON_SCREEN_MS = 15_000;
const ADMIN_PASSWORD = 'county-e2e-admin-password';
/** 新华区, the demo county-level accounts' district. */
const XINHUA = '410402';
const shapes = JSON.parse(readFileSync(path.join(ROOT, 'assets/geo/pingdingshan-districts.geojson'), 'utf8')) as FeatureCollection;
const [[south, west], [north, east]] = scopeBounds(XINHUA, shapes, []);

/** What the map shows (`south,west,north,east`), once it has been drawn. */
async function mapView(page: Page): Promise<[number, number, number, number]> {
  const map = page.locator('.wall-map').first();
  await expect.poll(() => map.getAttribute('data-view'), { timeout: ON_SCREEN_MS }).toMatch(/^[\d.]+,/);
  const view = (await map.getAttribute('data-view')) ?? '';
  return view.split(',').map(Number) as [number, number, number, number];
}

/** Whether the view holds all of 新华区 (the district polygon arrives after the schools: the map refits once then). */
function holdsXinhua([viewSouth, viewWest, viewNorth, viewEast]: [number, number, number, number]): boolean {
  return viewSouth <= south && viewWest <= west && viewNorth >= north && viewEast >= east;
}

/** The map comes to show all of 新华区 and not much more: nowhere near the whole city (about 1.2° × 1.4°). */
async function expectFittedToXinhua(page: Page): Promise<void> {
  await expect.poll(async () => holdsXinhua(await mapView(page)), { timeout: ON_SCREEN_MS }).toBe(true);
  const [viewSouth, viewWest, viewNorth, viewEast] = await mapView(page);
  expect(viewSouth).toBeLessThanOrEqual(south);
  expect(viewWest).toBeLessThanOrEqual(west);
  expect(viewNorth).toBeGreaterThanOrEqual(north);
  expect(viewEast).toBeGreaterThanOrEqual(east);
  // The district's own height is ~0.15°: a fitted view keeps it filling a good part of the map.
  expect(viewNorth - viewSouth).toBeLessThan((north - south) * 3);
}

/** Every key-figure tile shows its whole content: nothing clipped or spilling into the next tile. */
function clippedTiles(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((tiles) => {
    const offenders: string[] = [];
    for (const tile of document.querySelectorAll<HTMLElement>(tiles)) {
      const box = tile.getBoundingClientRect();
      for (const part of tile.querySelectorAll<HTMLElement>('*')) {
        const inner = part.getBoundingClientRect();
        if (inner.width === 0) continue;
        if (inner.right > box.right + 1 || inner.left < box.left - 1) offenders.push(`${tile.innerText.replace(/\s+/g, ' ')}: "${part.innerText}" outside`);
      }
    }
    return offenders;
  }, selector);
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('a county user sees a county (e2e, Monday 07:35 Shanghai)', () => {
  let system: RunningSystem;
  let browser: Browser;

  async function pageAs(username: string, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<Page> {
    const page = await newScreenPage(browser);
    await page.clock.install({ time: system.now() });
    await page.addInitScript(`localStorage.setItem('xiaoan.locale', '${locale}')`);
    await signInContext(page.context(), system.url, username, DEMO_PASSWORD);
    return page;
  }

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    system = await startSystem({ startAt: shanghaiInstant('2026-12-07T07:35:00'), env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it("opens the 新华区 operator's wall and console map on 新华区, with one district in the load chart", async () => {
    const page = await pageAs('police-xinhua');
    await page.goto(`${system.url}/`);
    await expectFittedToXinhua(page);
    await page.getByTestId('key-figures').waitFor();
    await expect(clippedTiles(page, '[data-testid="key-figures"] .figure')).resolves.toEqual([]);
    await page.screenshot({ path: path.join(screenshots, 'county-wall.png') });

    await page.getByTestId('nav-console').click();
    await page.waitForURL((url) => url.pathname === '/console');
    await expectFittedToXinhua(page);
    await expect.poll(() => page.getByTestId('alarm-load-chart').getAttribute('data-districts'), { timeout: ON_SCREEN_MS }).toBe('1');
    await page.screenshot({ path: path.join(screenshots, 'county-console.png') });
    // A police operator has no administration screen.
    await expect(page.getByTestId('nav-admin').count()).resolves.toBe(0);
    await page.context().close();
  }, 120_000);

  it("lists 新华区 only on device health, and names its total after the district", async () => {
    const page = await pageAs('edu-xinhua');
    await page.goto(`${system.url}/health`);
    await expect.poll(() => page.locator('[data-testid="district-camera-rates"] [data-bars]').getAttribute('data-bars'), { timeout: ON_SCREEN_MS }).toBe('1');
    await expect.poll(() => page.getByTestId('coverage-total-label').innerText(), { timeout: ON_SCREEN_MS }).toBe('新华区合计');
    await expect(page.getByTestId('health-scope-name').innerText()).resolves.toBe('新华区');
    await expect(clippedTiles(page, '[data-testid="health-figures"] .health-figure')).resolves.toEqual([]);
    // Education staff do not act on alarms: no console link.
    await expect(page.getByTestId('nav-console').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'county-health.png') });
    await page.context().close();
  }, 120_000);

  it('shows a school user only its screens, and sends a direct visit to the console home with a plain notice', async () => {
    const page = await pageAs('school');
    await page.goto(`${system.url}/`);
    await page.getByTestId('nav-wall').waitFor({ timeout: ON_SCREEN_MS });
    const links = await page.locator('[data-testid^="nav-"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')));
    expect(links).toEqual(['nav-wall', 'nav-school', 'nav-desk-school', 'nav-drills']);

    await page.goto(`${system.url}/console`);
    await page.waitForURL((url) => url.pathname === '/school', { timeout: ON_SCREEN_MS });
    await expect(page.getByTestId('refused-notice').innerText()).resolves.toContain('处置台');
    await expect(page.getByTestId('desk-tab-matrix').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'school-refused.png') });
    await page.context().close();
  }, 120_000);

  it('gives the viewer no console, and the city wall its whole city', async () => {
    const page = await pageAs('viewer', 'en');
    await page.goto(`${system.url}/`);
    await page.getByTestId('nav-wall').waitFor({ timeout: ON_SCREEN_MS });
    await expect(page.getByTestId('nav-console').count()).resolves.toBe(0);
    const [viewSouth, , viewNorth] = await mapView(page);
    expect(viewNorth - viewSouth).toBeGreaterThan(1);
    // In English too, every tile holds its figures.
    await expect(clippedTiles(page, '[data-testid="key-figures"] .figure')).resolves.toEqual([]);
    await page.screenshot({ path: path.join(screenshots, 'city-wall-en.png') });
    await page.context().close();
  }, 120_000);

  it('holds two-digit 迟到 counts whole in their tiles: wall, device health and the kiosk stage', async () => {
    // Twelve posts check in now, 35 minutes into their 07:00 window: late (迟到), not on time.
    const posts = (await registryDevices(system.url, 'kind=post')).slice(0, 12);
    expect(posts).toHaveLength(12);
    const at = new Date(system.now()).toISOString();
    await postEvent(system.url, posts.map((post, index) => ({ id: `late-${index}`, type: 'post.checkin', deviceId: post.id, at })));

    const page = await pageAs('police');
    await page.goto(`${system.url}/`);
    await expect.poll(() => page.getByTestId('posts-late').innerText(), { timeout: ON_SCREEN_MS }).toMatch(/迟到 \d{2,}/);
    await expect(clippedTiles(page, '[data-testid="key-figures"] .figure')).resolves.toEqual([]);
    await page.goto(`${system.url}/health`);
    await expect.poll(() => page.getByTestId('health-posts-late').innerText(), { timeout: ON_SCREEN_MS }).toMatch(/迟到 \d{2,}/);
    await expect(clippedTiles(page, '[data-testid="health-figures"] .health-figure')).resolves.toEqual([]);
    await page.context().close();

    const login = await fetch(`${system.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const pairs = login.headers.getSetCookie().map((cookie) => cookie.split(';')[0] ?? '');
    const csrf = pairs.find((pair) => pair.startsWith('xiaoan_csrf='))?.slice('xiaoan_csrf='.length) ?? '';
    const created = await fetch(`${system.url}/api/v1/admin/viewer-links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: pairs.join('; '), 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'county e2e' }),
    });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { url: string };
    const kiosk = await newScreenPage(browser);
    await kiosk.clock.install({ time: system.now() });
    await kiosk.goto(`${system.url}${link.url}`);
    await expect.poll(() => kiosk.getByTestId('kiosk-posts-late').innerText(), { timeout: 60_000 }).toMatch(/迟到 \d{2,}/);
    // The tile's panel clips what spills over: the late count must lie wholly inside it.
    const inside = await kiosk.evaluate(() => {
      const panel = document.querySelector('[data-testid="kiosk-posts"]')?.getBoundingClientRect();
      const late = document.querySelector('[data-testid="kiosk-posts-late"]')?.getBoundingClientRect();
      return Boolean(panel && late && late.right <= panel.right && late.bottom <= panel.bottom);
    });
    expect(inside).toBe(true);
    await kiosk.screenshot({ path: path.join(screenshots, 'kiosk-late-posts.png') });
    await kiosk.context().close();
  }, 180_000);
});
