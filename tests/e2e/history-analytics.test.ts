import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/db/database.js';
import type { AlarmType, Device, School } from '../../shared/domain/index.js';
import type { AlarmAnalytics } from '../../shared/rules/alarm-analytics.js';
import { shanghaiDate } from '../../shared/time.js';
import { insertAlarms, seededAlarms, type SeedDevice } from '../helpers/alarm-seed.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, registry, registryDevices, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/history-analytics.png');
/** The machine running the suite may be loaded: answers and redraws get this long. */
const ON_SCREEN_MS = 20_000;
const TYPE_OF_KIND: Partial<Record<Device['kind'], AlarmType>> = { sos: 'sos', intrusion: 'intrusion', camera: 'camera_fault', access: 'access_anomaly' };

describe.skipIf(!chromiumAvailable())('history analytics (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let police: Session;
  let noisy: SeedDevice[] = [];

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    system = await startSystem();

    // Four weeks of closed alarms at devices of schools across the city, written while the system is down, as a history it lived.
    const { schools } = await registry<{ schools: School[] }>(system.url, '/api/v1/schools');
    const districtOf = new Map(schools.map((school) => [school.id, school.districtCode]));
    const devices: SeedDevice[] = [];
    for (const kind of ['sos', 'intrusion', 'camera', 'access'] as const) {
      const all = await registryDevices(system.url, `kind=${kind}`);
      for (let i = 0; i < all.length && devices.filter((d) => d.type === TYPE_OF_KIND[kind]).length < 30; i += Math.max(1, Math.floor(all.length / 30))) {
        const device = all[i]!;
        devices.push({ deviceId: device.id, schoolId: device.schoolId ?? '', districtCode: districtOf.get(device.schoolId ?? '') ?? '', type: TYPE_OF_KIND[kind]! });
      }
    }
    noisy = devices.filter((d) => d.type === 'camera_fault').slice(0, 3);
    const today = shanghaiDate(system.now());
    const fromMs = Date.parse(`${today}T00:00:00+08:00`) - 27 * 86_400_000;
    const alarms = seededAlarms({ count: 420, fromMs, days: 28, devices, noisy }).filter((alarm) => Date.parse(alarm.receivedAt) < system.now() - 600_000);
    await system.kill();
    const store = await openStore({ databaseUrl: null, dataDir: system.dataDir });
    await insertAlarms(store.db, alarms);
    await store.close();
    await system.restart();

    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    await signInContext(page.context(), system.url, 'police', DEMO_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('shows the last 30 days: the totals are the API’s, the noisy cameras head the nuisance list with the shelving at hand', async () => {
    const response = await police.get('/api/v1/analytics/alarms?preset=30d');
    expect(response.status).toBe(200);
    const expected = (await response.json()) as AlarmAnalytics;
    expect(expected.alarms).toBeGreaterThan(300);

    await page.goto(`${system.url}/console/history`);
    await page.getByTestId('history-pane-analytics').click();
    await expect.poll(() => page.getByTestId('analytics-total').innerText(), { timeout: ON_SCREEN_MS }).toContain(String(expected.alarms));
    await expect(page.getByTestId('analytics-drills').innerText()).resolves.toContain(String(expected.drills));
    const rows = page.getByTestId('analytics-nuisance-row');
    await rows.first().waitFor({ timeout: ON_SCREEN_MS });
    const topDevices = await rows.evaluateAll((list) => list.slice(0, 3).map((row) => row.getAttribute('data-device-id')));
    expect(topDevices.sort()).toEqual(noisy.map((d) => d.deviceId).sort());
    // A camera may be shelved from here by a person who acts on alarms (the console's own control).
    await expect(rows.first().getByTestId('shelve-open').isVisible()).resolves.toBe(true);
    await page.waitForTimeout(500); // the charts' first paint
    await page.screenshot({ path: path.join(screenshots, 'history-analytics.png') });
    copyFileSync(path.join(screenshots, 'history-analytics.png'), readmeScreenshot);
  });

  it('a click on the district with most alarms opens the list of that district’s real alarms in the range', async () => {
    const expected = (await (await police.get('/api/v1/analytics/alarms?preset=30d')).json()) as AlarmAnalytics;
    const top = expected.byDistrict[0]!;
    // The bars run top-down from the most; a point 22 % across the top band is on its blue part (the
    // district names take the first ~12 %), which opens all its real alarms (the amber end: its false alarms only).
    expect((top.alarms - top.falseAlarms) / top.alarms).toBeGreaterThan(0.25);
    const chart = page.getByTestId('analytics-districts');
    const box = await chart.boundingBox();
    if (!box) throw new Error('no district chart on screen');
    const band = (box.height - 8) / expected.byDistrict.length;
    await chart.click({ position: { x: box.width * 0.22, y: 4 + band / 2 } });

    await expect.poll(() => page.getByTestId('history-table').isVisible(), { timeout: ON_SCREEN_MS }).toBe(true);
    await expect(page.getByTestId('history-district').inputValue()).resolves.toBe(top.key);
    await expect(page.getByTestId('history-drill').inputValue()).resolves.toBe('real');
    await expect(page.getByTestId('history-outcome-filter').count()).resolves.toBe(0);
    // The list before the filter also has 50 rows: wait for the filtered answer (every row of the district), not a count.
    const rows = () => page.getByTestId('history-row').evaluateAll((list) => list.map((row) => [row.getAttribute('data-district'), row.getAttribute('data-drill')]));
    await expect.poll(async () => (await rows()).every(([district]) => district === top.key), { timeout: ON_SCREEN_MS }).toBe(true);
    await expect.poll(() => page.getByTestId('history-row').count(), { timeout: ON_SCREEN_MS }).toBe(Math.min(50, top.alarms));
    const districts = await rows();
    expect(districts.length).toBe(Math.min(50, top.alarms));
    expect(new Set(districts.map(([district]) => district))).toEqual(new Set([top.key]));
    expect(new Set(districts.map(([, drill]) => drill))).toEqual(new Set(['false']));
    await page.screenshot({ path: path.join(screenshots, 'history-analytics-district.png') });
  });

  it('a nuisance device’s row opens its alarms, and the filter can be taken off', async () => {
    await page.getByTestId('history-pane-analytics').click();
    const row = page.getByTestId('analytics-nuisance-row').first();
    const deviceId = await row.getAttribute('data-device-id');
    // The device by its registered name, in the row and on the filter's chip (its id in the tooltip).
    const named = row.getByTestId('device-name');
    await expect.poll(() => named.getAttribute('data-named'), { timeout: ON_SCREEN_MS }).toBe('true');
    const name = await named.innerText();
    expect(name).not.toContain(deviceId ?? '-');
    await row.locator('td').first().click();
    const chip = page.getByTestId('history-device-filter');
    await expect.poll(() => chip.innerText(), { timeout: ON_SCREEN_MS }).toContain(name);
    await expect(chip.getByTestId('device-name').getAttribute('title')).resolves.toBe(deviceId);
    const expected = (await (await police.get('/api/v1/analytics/alarms?preset=30d')).json()) as AlarmAnalytics;
    const device = expected.nuisance.find((d) => d.deviceId === deviceId)!;
    await expect.poll(() => page.getByTestId('history-row').count(), { timeout: ON_SCREEN_MS }).toBe(Math.min(50, device.alarms));
    await page.screenshot({ path: path.join(screenshots, 'history-analytics-device.png') });
    await page.getByTestId('history-device-filter').getByRole('button').click();
    await expect.poll(() => page.getByTestId('history-device-filter').count()).toBe(0);
  });

  it('a click on a heat-map cell opens the alarms of that weekday’s hour across the range', async () => {
    await page.getByTestId('history-pane-analytics').click();
    const chart = page.getByTestId('analytics-hours');
    await chart.waitFor({ timeout: ON_SCREEN_MS });
    const box = await chart.boundingBox();
    if (!box) throw new Error('no heat map on screen');
    // Thursday late morning: the middle of the map (whichever cell it is, the chip names it).
    await chart.click({ position: { x: box.width * 0.55, y: box.height * 0.45 } });
    const chip = await page.getByTestId('history-cell-filter').innerText({ timeout: ON_SCREEN_MS });
    const match = /周([一二三四五六日])\s*(\d{2}) 时/.exec(chip);
    if (!match) throw new Error(`the cell chip says ${chip}`);
    const weekday = '一二三四五六日'.indexOf(match[1]!) + 1;
    const hour = Number(match[2]);
    const expected = (await (await police.get('/api/v1/analytics/alarms?preset=30d')).json()) as AlarmAnalytics;
    const count = expected.byWeekdayHour[weekday - 1]![hour]!;
    await expect.poll(() => page.getByTestId('history-row').count(), { timeout: ON_SCREEN_MS }).toBe(Math.min(50, count));
    const received = await page.getByTestId('history-row').locator('td:first-child').allInnerTexts();
    expect(received.length).toBeGreaterThan(0);
    for (const text of received.slice(0, 5)) expect(text).toMatch(new RegExp(` ${String(hour).padStart(2, '0')}:`));
    await page.screenshot({ path: path.join(screenshots, 'history-analytics-cell.png') });
  });

  it('shelves a nuisance camera from its row, with the console’s own control; the shelf is the server’s', async () => {
    await page.getByTestId('history-pane-analytics').click();
    const row = page.getByTestId('analytics-nuisance-row').first();
    const deviceId = await row.getAttribute('data-device-id');
    await row.getByTestId('shelve-open').click();
    await row.getByTestId('shelve-minutes-60').click();
    await row.getByTestId('shelve-reason').fill('摄像头反复误报，已报修');
    await page.screenshot({ path: path.join(screenshots, 'history-analytics-shelve.png') });
    await row.getByTestId('shelve-submit').click();
    await expect.poll(() => row.getByTestId('shelve-state').innerText(), { timeout: ON_SCREEN_MS }).toMatch(/该设备已搁置，剩余 (59|60):/);
    // The pane stays on the analytics (a click in the shelving opens no drill-down).
    await expect(page.getByTestId('analytics').isVisible()).resolves.toBe(true);
    // After a reload the row says so again: the shelf came back in the server's snapshot.
    await page.reload();
    await page.getByTestId('history-pane-analytics').click();
    const again = page.locator(`[data-testid="analytics-nuisance-row"][data-device-id="${deviceId}"]`);
    await expect.poll(() => again.getByTestId('shelve-state').count(), { timeout: ON_SCREEN_MS }).toBe(1);
  });

  it('reads in English after the switch', async () => {
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('history-pane-analytics').innerText()).toBe('Analytics');
    await expect(page.getByTestId('analytics-preset-term').innerText()).resolves.toBe('This term');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'history-analytics-en.png') });
    await page.getByTestId('language-switch').click();
  });
});
