import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Device, School } from '../../shared/domain/index.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, registryDevices, ROOT, shanghaiInstant, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const ADMIN_PASSWORD = 'labels-e2e-admin-password';
/** One district's schools nearest its middle: dozens of rings within a few kilometres. */
const DISTRICT = '410402';
const SOS_SCHOOLS = 34;
const INTRUSION_SCHOOLS = 10;

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
interface LabelRect extends Rect {
  alarmId: string;
  schoolId: string;
  /** Whether the label's own element is the topmost at its centre (nothing covers it: a click there picks it). */
  onTop: boolean;
}
interface Measure {
  panel: Rect;
  labels: LabelRect[];
  rings: number;
  unplaced: number;
  /** Whether the map's labels are laid out for the view it shows (ringLabels.ts: `data-labels="placed"` until the map moves). */
  placed: boolean;
}

/** The map panel's rectangle and every shown alarm label's, as the browser lays them out. */
function measure(page: Page, panelSelector: string): Promise<Measure> {
  return page.evaluate((selector) => {
    const box = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const panel = document.querySelector(selector);
    if (!panel) throw new Error(`no ${selector}`);
    const labels = [...panel.querySelectorAll<HTMLElement>('[data-testid="alarm-label"]')]
      .filter((label) => label.dataset.placed === 'true' && getComputedStyle(label).visibility === 'visible')
      .map((label) => {
        const r = label.getBoundingClientRect();
        const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        return { ...box(r), alarmId: label.dataset.alarmId ?? '', schoolId: label.dataset.schoolId ?? '', onTop: top !== null && label.contains(top) };
      });
    const overflow = panel.querySelector<HTMLElement>('[data-testid="alarm-label-overflow"]');
    const placed = panel.querySelector<HTMLElement>('.leaflet-container')?.dataset.labels === 'placed';
    return { panel: box(panel.getBoundingClientRect()), labels, rings: panel.querySelectorAll('[data-testid="alarm-ring"]').length, unplaced: Number(overflow?.dataset.count ?? 0), placed };
  }, panelSelector);
}

/**
 * Measures until the labels are laid out for the view shown and two measurements 600 ms apart
 * agree: the map has stopped flying. Equal measurements alone are not enough on a busy machine:
 * a flight's frames can stall for longer than that.
 */
async function atRest(page: Page, panelSelector: string, rings: number): Promise<Measure> {
  let last = '';
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const now = await measure(page, panelSelector);
    const key = JSON.stringify(now);
    if (now.rings === rings && now.placed && key === last) return now;
    last = key;
    await page.waitForTimeout(600);
  }
  throw new Error(`the map's labels did not come to rest: ${last}`);
}

function intersect(a: Rect, b: Rect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** No two labels overlap, each lies inside the map panel, and nothing covers any of them. */
function expectClean(result: Measure, minimumShown: number): void {
  expect(result.labels.length).toBeGreaterThanOrEqual(minimumShown);
  for (const [i, a] of result.labels.entries()) {
    for (const b of result.labels.slice(i + 1)) expect(intersect(a, b), `${a.schoolId} and ${b.schoolId} overlap`).toBe(false);
    expect(a.left).toBeGreaterThanOrEqual(result.panel.left - 0.5);
    expect(a.top).toBeGreaterThanOrEqual(result.panel.top - 0.5);
    expect(a.right).toBeLessThanOrEqual(result.panel.right + 0.5);
    expect(a.bottom).toBeLessThanOrEqual(result.panel.bottom + 0.5);
    expect(a.onTop, `${a.schoolId}'s label is covered`).toBe(true);
  }
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('alarm labels on every map never collide (e2e, Monday 07:35, real system and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let drillSchool: School;
  const rings = SOS_SCHOOLS + INTRUSION_SCHOOLS + 1;
  const contexts: BrowserContext[] = [];

  async function open(pathname: string, user: { username: string; password: string } | null): Promise<Page> {
    const page = await newScreenPage(browser, { viewport: { width: 1920, height: 1080 } });
    contexts.push(page.context());
    await page.clock.install({ time: system.now() });
    if (user) await signInContext(page.context(), system.url, user.username, user.password);
    await page.goto(`${system.url}${pathname}`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });
    return page;
  }

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem({ startAt: shanghaiInstant('2026-12-07T07:35:00'), env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });

    const session = await signInApi(system.url, 'police', DEMO_PASSWORD);
    const wall = (await (await fetch(`${system.url}/api/v1/wall`, { headers: session.headers() })).json()) as WallSnapshot;
    const sos = new Map((await registryDevices(system.url, 'kind=sos')).map((device: Device) => [device.schoolId, device]));
    const intrusion = new Map((await registryDevices(system.url, 'kind=intrusion')).map((device: Device) => [device.schoolId, device]));
    const inDistrict = wall.schools.filter((school) => school.districtCode === DISTRICT && sos.has(school.id));
    const lat = inDistrict.reduce((sum, school) => sum + school.lat, 0) / inDistrict.length;
    const lng = inDistrict.reduce((sum, school) => sum + school.lng, 0) / inDistrict.length;
    const nearest = [...inDistrict].sort((a, b) => Math.hypot(a.lat - lat, a.lng - lng) - Math.hypot(b.lat - lat, b.lng - lng) || (a.id < b.id ? -1 : 1));
    const withIntrusion = nearest.filter((school) => intrusion.has(school.id)).slice(0, INTRUSION_SCHOOLS);
    const sosOnly = nearest.filter((school) => !withIntrusion.includes(school)).slice(0, SOS_SCHOOLS + 1);
    // The drill at the edge of the crowd, where its ring can be clicked; the others around the middle.
    drillSchool = sosOnly.pop()!;
    const at = new Date(system.now()).toISOString();
    await postEvent(system.url, [
      ...sosOnly.map((school) => ({ type: 'alarm.sos', deviceId: sos.get(school.id)!.id, at })),
      ...withIntrusion.map((school) => ({ type: 'alarm.intrusion', deviceId: intrusion.get(school.id)!.id, at })),
      { type: 'alarm.sos', deviceId: sos.get(drillSchool.id)!.id, drill: true, at },
    ]);
  });

  // A finished test's screen goes: its map would go on drawing while the next test measures.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('the wall: labels apart and inside the map at the city view and zoomed in; a ring click marks its alarm', async () => {
    const page = await open('/', { username: 'police', password: DEMO_PASSWORD });
    const city = await atRest(page, '.wall-map', rings);
    expectClean(city, 5);
    // Dozens of rings within a few kilometres do not all fit at the city view: the rest are counted, not stacked.
    expect(city.unplaced).toBeGreaterThan(0);
    await expect(page.getByTestId('alarm-label-overflow').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'map-labels-wall-city.png') });

    const label = page.locator(`[data-testid="alarm-label"][data-placed="true"]`).first();
    const alarmId = await label.getAttribute('data-alarm-id');
    await label.click();
    await expect.poll(() => page.locator('[data-testid="alarm-row"][aria-current="true"]').getAttribute('data-alarm-id')).toBe(alarmId);
    const zoomed = await atRest(page, '.wall-map', rings);
    expectClean(zoomed, 12);
    await page.screenshot({ path: path.join(screenshots, 'map-labels-wall-zoomed.png') });
  });

  it('the kiosk: labels apart and inside its map panel', async () => {
    const admin = await signInApi(system.url, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${system.url}/api/v1/admin/viewer-links`, { method: 'POST', headers: { ...admin.headers(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'labels e2e' }) });
    expect(created.status, await created.clone().text()).toBe(201);
    const link = (await created.json()) as { url: string };
    const page = await open(link.url, null);
    const result = await atRest(page, '[data-testid="kiosk-map"]', rings);
    expectClean(result, 5);
    await page.screenshot({ path: path.join(screenshots, 'map-labels-kiosk.png') });
  });

  it('the console map: labels apart and inside; a label click and a drill ring click select that alarm', async () => {
    const page = await open('/console', { username: 'police', password: DEMO_PASSWORD });
    const result = await atRest(page, '.console__map', rings);
    expectClean(result, 3);
    await page.screenshot({ path: path.join(screenshots, 'map-labels-console.png') });

    const label = page.locator('.console__map [data-testid="alarm-label"][data-placed="true"]').last();
    const alarmId = await label.getAttribute('data-alarm-id');
    await label.click();
    await expect.poll(() => page.getByTestId('alarm-detail').getAttribute('data-alarm-id')).toBe(alarmId);

    // The drill's ring lies under the real ones at this zoom (real alarms are drawn on top): zoom in on it as an operator would.
    const drillRing = page.locator('.console__map .alarm-ring--drill');
    const drillAlarmId = await drillRing.getAttribute('data-alarm-id');
    expect(await drillRing.getAttribute('data-school-id')).toBe(drillSchool.id);
    const core = drillRing.locator('.alarm-ring__core');
    for (let step = 0; step < 3; step += 1) {
      await atRest(page, '.console__map', rings);
      const box = await core.boundingBox();
      if (!box) throw new Error('the drill ring is not drawn');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -240);
    }
    await atRest(page, '.console__map', rings);
    // A busy wall PC: right after the click the page gets no frame for 1.5 s, so the flight to the drill (at the
    // zoom the map is at) jumps from its first frame to its last. The rings and labels must end where the view says.
    await page.evaluate(() => {
      const busy = (): void => {
        const until = performance.now() + 1_500;
        while (performance.now() < until) {
          // The page's thread is taken.
        }
      };
      document.addEventListener('click', () => setTimeout(busy, 0), { capture: true, once: true });
    });
    await core.click();
    await expect.poll(() => page.getByTestId('alarm-detail').getAttribute('data-alarm-id')).toBe(drillAlarmId);
    await expect(page.getByTestId('drill-banner').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('detail-school').innerText()).resolves.toBe(drillSchool.name);
    const drilled = await atRest(page, '.console__map', rings);
    // Zoomed in on the drill at the crowd's edge, how many rings are in view depends on where the
    // schools stand; what must hold is that every ring in view is labelled, the drill's among them.
    expectClean(drilled, 1);
    expect(drilled.unplaced).toBe(0);
    expect(drilled.labels.map((l) => l.alarmId)).toContain(drillAlarmId);
    // The map flew to the drill: its ring is drawn in the middle of the map, where the view puts its school.
    const ringBox = await core.boundingBox();
    if (!ringBox) throw new Error('the drill ring is not drawn');
    expect(Math.abs(ringBox.x + ringBox.width / 2 - (drilled.panel.left + drilled.panel.right) / 2)).toBeLessThan(3);
    expect(Math.abs(ringBox.y + ringBox.height / 2 - (drilled.panel.top + drilled.panel.bottom) / 2)).toBeLessThan(3);
    await page.screenshot({ path: path.join(screenshots, 'map-labels-console-drill.png') });
  });
});
