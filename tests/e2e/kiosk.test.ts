import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../shared/domain/index.js';
import type { DeviceHealth, WallSnapshot } from '../../shared/wall.js';
import { rankCameras } from '../../shared/cameras.js';
import { chromiumAvailable, launchBrowser, newScreenPage } from '../helpers/browser.js';
import { ensureClientBuild, postEvent, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const ADMIN_PASSWORD = 'kiosk-e2e-admin-password';
const screenshots = path.join(ROOT, 'docs/screenshots');

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface Admin {
  cookie: string;
  csrf: string;
}

async function signInAdmin(url: string): Promise<Admin> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const pairs = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  return { cookie: pairs.join('; '), csrf: pairs.find((p) => p.startsWith('xiaoan_csrf='))?.slice('xiaoan_csrf='.length) ?? '' };
}

async function adminSend(url: string, admin: Admin, pathname: string, body: unknown): Promise<Response> {
  return fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    body: JSON.stringify(body),
  });
}

async function adminGet<T>(url: string, admin: Admin, pathname: string): Promise<T> {
  const response = await fetch(`${url}${pathname}`, { headers: { cookie: admin.cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Every ancestor of the Leaflet container, up to the document: none may be transformed or zoomed (a scaled map blurs). */
function mapAncestorsUntransformed(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const offenders: string[] = [];
    for (let node = document.querySelector('.leaflet-container'); node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.transform !== 'none' || (style.zoom !== '' && style.zoom !== '1' && style.zoom !== 'normal')) offenders.push(`${node.className}: ${style.transform} zoom ${style.zoom}`);
    }
    return offenders;
  });
}

describe.skipIf(!chromiumAvailable())('kiosk (e2e, real system and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let admin: Admin;
  let link: { id: string | number; key: string; url: string };
  let wall: WallSnapshot;
  let sos: Device[];
  const contexts: BrowserContext[] = [];

  async function openKiosk(options: { width: number; height: number; scale?: number; query?: string; kioskUrl?: string }): Promise<Page> {
    const page = await newScreenPage(browser, { viewport: { width: options.width, height: options.height }, deviceScaleFactor: options.scale ?? 1 });
    contexts.push(page.context());
    await page.goto(`${system.url}${options.kioskUrl ?? link.url}${options.query ?? ''}`);
    return page;
  }

  async function live(page: Page): Promise<void> {
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 60_000 });
    await page.locator('.leaflet-container').waitFor();
  }

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await launchBrowser();
    admin = await signInAdmin(system.url);
    const created = await adminSend(system.url, admin, '/api/v1/admin/viewer-links', { name: 'e2e wall' });
    expect(created.status, await created.clone().text()).toBe(201);
    link = (await created.json()) as typeof link;
    expect(link.url).toBe(`/kiosk?key=${link.key}`);
    wall = await adminGet<WallSnapshot>(system.url, admin, '/api/v1/wall');
    sos = (await adminGet<{ devices: Device[] }>(system.url, admin, '/api/v1/devices?kind=sos')).devices;
    mkdirSync(screenshots, { recursive: true });
  });

  // A finished test's screen goes: half a dozen kiosks flying their maps at once starve the next test's page on a small runner.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await system?.kill();
  });

  it('signs itself in with its link and shows the stage with live figures, no cursor', async () => {
    const page = await openKiosk({ width: 1920, height: 1080, query: '&interval=600' });
    await live(page);
    await expect(page.locator('h1').innerText()).resolves.toBe('平顶山市校园安全指挥大屏');
    await expect(page.getByTestId('kiosk-scene').getAttribute('data-scene')).resolves.toBe('overview');
    const schools = await page.getByTestId('kiosk-figure-schools').locator('dd').innerText();
    expect(Number(schools.replace(/\D/g, ''))).toBe(wall.schools.length);
    await expect.poll(() => page.getByTestId('kiosk-hazards-open').innerText(), { timeout: 15_000 }).toMatch(/^\d/);
    await expect(page.getByTestId('kiosk-ticker-row').count()).resolves.toBe(5);
    await expect(page.locator('.leaflet-container').evaluate((node) => getComputedStyle(node).cursor)).resolves.toBe('none');
    await expect(page.getByTestId('kiosk-stage').getAttribute('data-scale')).resolves.toBe('1.0000');
    // The school-cluster worker got the schools' points once the link signed the page in (refused at the boot, signed out): its head start.
    const workerMarks = async () => (await Promise.all(page.workers().map((worker) => worker.evaluate(() => performance.getEntriesByType('mark').map((mark) => mark.name))))).flat();
    await expect.poll(workerMarks, { timeout: 10_000 }).toContain('xiaoan:worker-points');
  });

  it('a new real SOS pre-empts the scene and pins its school; it tops the ticker; a drill alarm is never counted', async () => {
    const page = await openKiosk({ width: 1920, height: 1080, query: '&interval=600&pin=600' });
    await live(page);
    const before = Number(await page.getByTestId('kiosk-open-p1').locator('span').first().innerText());
    const [drillButton, realButton] = [sos[30], sos[40]];
    if (!drillButton || !realButton) throw new Error('the dataset has too few SOS buttons');

    await postEvent(system.url, { type: 'alarm.sos', deviceId: drillButton.id, drill: true, at: new Date().toISOString() });
    await expect.poll(() => page.getByTestId('kiosk-ticker-row').first().locator('.ticker__drill').count(), { timeout: 10_000 }).toBe(1);
    await expect(page.getByTestId('kiosk-scene').getAttribute('data-scene')).resolves.toBe('overview');
    await expect(page.getByTestId('kiosk-open-p1').locator('span').first().innerText()).resolves.toBe(String(before));

    await postEvent(system.url, { type: 'alarm.sos', deviceId: realButton.id, at: new Date().toISOString() });
    await page.locator('[data-testid="kiosk-scene"][data-scene="alarm"]').waitFor({ timeout: 10_000 });
    const school = wall.schools.find((candidate) => candidate.id === realButton.schoolId);
    await expect(page.getByTestId('kiosk-pinned-school').innerText()).resolves.toBe(school?.name);
    await expect.poll(() => page.getByTestId('kiosk-open-p1').locator('span').first().innerText()).toBe(String(before + 1));
    const top = page.getByTestId('kiosk-ticker-row').first();
    await expect(top.innerText()).resolves.toContain(school?.name ?? '?');
    await expect(top.innerText()).resolves.toContain('一键报警');
    await expect(page.getByTestId('kiosk-ticker-row').count()).resolves.toBe(5);
    // The pinned alarm shows the same camera tiles as the console's card (nearest the button first, at most 4), state only:
    // nobody clicks a wall, so no live-view links; every tile on the screen.
    const devices = (await adminGet<{ devices: DeviceHealth[] }>(system.url, admin, `/api/v1/schools/${realButton.schoolId}/devices`)).devices;
    const expected = rankCameras(devices, realButton, 4).shown.map(({ camera }) => camera.id);
    expect(expected.length).toBeGreaterThan(0);
    const tiles = page.getByTestId('kiosk-scene-pinned').getByTestId('camera-tile');
    await expect.poll(() => tiles.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-camera-id'))), { timeout: 10_000 }).toEqual(expected);
    await expect(tiles.evaluateAll((nodes) => nodes.filter((node) => node.hasAttribute('href')).length)).resolves.toBe(0);
    await expect(tiles.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-state')))).resolves.toEqual(expected.map(() => expect.stringMatching(/^(online|offline|fault|unknown)$/)));
    const bottoms = await tiles.evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().bottom));
    for (const bottom of bottoms) expect(bottom).toBeLessThanOrEqual(1080);
    // The map flew to the school: it is in the middle of the map's box.
    await page.waitForTimeout(2_500);
    await page.screenshot({ path: path.join(screenshots, 'kiosk-pinned.png') });
  });

  it('1920×1080 at DSF 1 and a 4K wall (1920×1080 CSS at DSF 2) draw the same untransformed stage; screenshots', async () => {
    for (const [scale, file] of [[1, 'kiosk-1080.png'], [2, 'kiosk-4k.png']] as const) {
      const page = await openKiosk({ width: 1920, height: 1080, scale, query: '&interval=600' });
      await live(page);
      await expect(page.evaluate(() => window.devicePixelRatio)).resolves.toBe(scale);
      await expect(page.getByTestId('kiosk-stage').getAttribute('data-scale')).resolves.toBe('1.0000');
      expect(await mapAncestorsUntransformed(page)).toEqual([]);
      await page.waitForTimeout(2_000);
      const target = path.join(screenshots, file);
      await page.screenshot({ path: target });
      expect(pngSize(target)).toEqual({ width: 1920 * scale, height: 1080 * scale });
    }
  });

  it('letterboxes an odd size (1366×768): panels scaled as one stage, the map unscaled in real pixels, charts drawn as vectors', async () => {
    const page = await openKiosk({ width: 1366, height: 768, query: '&interval=3' });
    await live(page);
    const scale = Number(await page.getByTestId('kiosk-stage').getAttribute('data-scale'));
    expect(scale).toBeCloseTo(768 / 1080, 3);
    // The whole stage is on screen: the ticker's bottom edge and the right column's right edge inside the viewport.
    const ticker = await page.getByTestId('kiosk-ticker').boundingBox();
    const right = await page.getByTestId('kiosk-right').boundingBox();
    expect((ticker?.y ?? 0) + (ticker?.height ?? 0)).toBeLessThanOrEqual(768);
    expect((right?.x ?? 0) + (right?.width ?? 0)).toBeLessThanOrEqual(1366);
    // The map fills its slot of the stage, but is not itself transformed.
    const mapBox = await page.getByTestId('kiosk-map').boundingBox();
    expect(mapBox?.width).toBeCloseTo(976 * scale, -1);
    expect(mapBox?.height).toBeCloseTo(722 * scale, -1);
    expect(await mapAncestorsUntransformed(page)).toEqual([]);
    const size = await page.locator('.leaflet-container').evaluate((node) => ({ width: node.clientWidth, height: node.clientHeight }));
    expect(size.width).toBeCloseTo(976 * scale, -1);
    // The device-health scene's chart: an SVG drawn in the chart worker (vector: the stage's scale does not blur it), as wide as its box.
    await expect.poll(() => page.getByTestId('kiosk-scene').getAttribute('data-scene'), { timeout: 15_000 }).toBe('health');
    const chart = page.locator('[data-testid="district-camera-rates"] [data-drawn-by="worker"] > svg');
    await chart.waitFor();
    const fit = () => chart.evaluate((svg) => Number(svg.getAttribute('width')) - (svg.parentElement?.clientWidth ?? 0));
    await expect.poll(fit, { timeout: 5_000 }).toBe(0);
    await expect(chart.locator('text').allTextContents()).resolves.toEqual(expect.arrayContaining(['新华区']));
    await page.waitForTimeout(2_500); // the map's flight to the city ends
    await page.screenshot({ path: path.join(screenshots, 'kiosk-1366x768.png') });
  });

  it('rotates its scenes, and nothing moves while the page is hidden', async () => {
    const page = await openKiosk({ width: 1920, height: 1080, query: '&interval=3' });
    await live(page);
    const scene = () => page.getByTestId('kiosk-scene').getAttribute('data-scene');
    await expect.poll(scene, { timeout: 10_000 }).toBe('district');
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'hidden', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await expect(page.locator('.kiosk-stage--hidden').count()).resolves.toBe(1);
    const frozen = await scene();
    await page.waitForTimeout(7_000);
    await expect(scene()).resolves.toBe(frozen);
    await setHidden(false);
    await expect.poll(scene, { timeout: 10_000 }).not.toBe(frozen);
  });

  it('an unknown key shows the revoked screen in both languages', async () => {
    const page = await openKiosk({ width: 1920, height: 1080, kioskUrl: '/kiosk?key=not-a-real-key' });
    const revoked = page.getByTestId('kiosk-revoked');
    await revoked.waitFor({ timeout: 15_000 });
    await expect(revoked.innerText()).resolves.toContain('本屏幕的访问链接已被撤销或无效');
    await expect(revoked.innerText()).resolves.toContain('Ask the administrator for a new link');
  });

  it('revoking the link brings up the revoked screen on a running kiosk', async () => {
    const page = await openKiosk({ width: 1920, height: 1080, query: '&interval=600' });
    await live(page);
    const revoke = await adminSend(system.url, admin, `/api/v1/admin/viewer-links/${link.id}/revoke`, {});
    expect(revoke.status, await revoke.clone().text()).toBeLessThan(300);
    await page.getByTestId('kiosk-revoked').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('kiosk-stage').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'kiosk-revoked.png') });
  });
});
