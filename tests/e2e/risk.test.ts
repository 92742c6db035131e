import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, School } from '../../shared/domain/index.js';
import type { RiskHeat, RiskSchool } from '../../shared/risk.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, registryDevices, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'docs/screenshots');
const ADMIN_PASSWORD = 'risk-e2e-admin-password';
/** The gate camera goes offline 26 hours before the quiet school-day hour the test runs at (Sunday 08:00 → Monday 10:00). */
const OFFLINE_HOURS = 26;
const CAMERA_OFF_AT = SCHOOL_DAY_QUIET - OFFLINE_HOURS * 3_600_000;
/** A level change reaches the screens within this (the risk service recomputes on the alarm, then pushes). */
const ON_SCREEN_MS = 15_000;

/** What the heat canvas holds at the map's centre (device pixels around it): its alpha and colour. */
function heatAtMapCentre(page: Page): Promise<{ alpha: number; red: number; green: number; blue: number }> {
  return page.evaluate(() => {
    const map = document.querySelector('.wall__map .leaflet-container, .leaflet-container')?.getBoundingClientRect();
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="risk-heat-layer"] canvas');
    if (!map || !canvas) return { alpha: 0, red: 0, green: 0, blue: 0 };
    const box = canvas.getBoundingClientRect();
    const x = Math.round(((map.left + map.width / 2 - box.left) * canvas.width) / box.width);
    const y = Math.round(((map.top + map.height / 2 - box.top) * canvas.height) / box.height);
    const data = canvas.getContext('2d')?.getImageData(x - 2, y - 2, 5, 5).data ?? new Uint8ClampedArray(4);
    let best = { alpha: 0, red: 0, green: 0, blue: 0 };
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] ?? 0) > best.alpha) best = { alpha: data[i + 3] ?? 0, red: data[i] ?? 0, green: data[i + 1] ?? 0, blue: data[i + 2] ?? 0 };
    }
    return best;
  });
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('school risk: list, heat, announcement (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let police: Session;
  let school: School;
  let gateCamera: Device;
  let intrusions: Device[];
  let wallPage: Page;

  async function page(username: string | null, viewport = { width: 1920, height: 1080 }, scale = 1): Promise<Page> {
    const created = await newScreenPage(browser, { viewport, deviceScaleFactor: scale });
    await created.clock.install({ time: system.now() });
    if (username) await signInContext(created.context(), system.url, username, DEMO_PASSWORD);
    return created;
  }

  async function riskOf(schoolId: string): Promise<RiskSchool> {
    const response = await police.get(`/api/v1/risk/schools/${encodeURIComponent(schoolId)}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as RiskSchool;
  }

  /** The heat cell nearest the school: the one it falls in. */
  async function heatAtSchool(): Promise<number> {
    const response = await police.get('/api/v1/risk/heat');
    expect(response.status).toBe(200);
    const heat = (await response.json()) as RiskHeat;
    const near = heat.cells.filter((cell) => Math.abs(cell.lat - school.lat) <= heat.cellLat / 2 + 1e-9 && Math.abs(cell.lng - school.lng) <= heat.cellLng / 2 + 1e-9);
    return near.reduce((max, cell) => Math.max(max, cell.score), 0);
  }

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(path.join(ROOT, 'tests/e2e/__screenshots__'), { recursive: true });

    // Sunday 08:00: the school's gate camera goes offline (a video-loss fault) and stays so.
    const before = await startSystem({ startAt: CAMERA_OFF_AT, env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    const cameras = await registryDevices(before.url, 'kind=camera');
    const sensors = await registryDevices(before.url, 'kind=intrusion');
    const withTwoSensors = new Set(sensors.map((device) => device.schoolId).filter((id, i, all) => id && all.indexOf(id) !== i));
    const gate = cameras.find((device) => device.place === 'gate' && device.schoolId && withTwoSensors.has(device.schoolId));
    if (!gate?.schoolId) throw new Error('no school with a gate camera and two intrusion sensors in the dataset');
    gateCamera = gate;
    intrusions = sensors.filter((device) => device.schoolId === gate.schoolId).slice(0, 2);
    await postEvent(before.url, [{ id: 'e2e-risk-gate-off', type: 'camera.fault', deviceId: gateCamera.id, at: new Date(before.now()).toISOString(), fault: 'video_loss' }]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    // Monday 10:00, 26 hours on: the same data, the camera still offline (no heartbeat since).
    const port = Number(new URL(before.url).port);
    await before.kill();
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET, dataDir: before.dataDir, port, env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    const wall = (await (await police.get('/api/v1/wall')).json()) as { schools: School[] };
    const found = wall.schools.find((candidate) => candidate.id === gateCamera.schoolId);
    if (!found) throw new Error(`no school ${gateCamera.schoolId} on the wall`);
    school = found;
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('scores the offline gate camera before any alarm, short of red', async () => {
    const { risk } = await riskOf(school.id);
    const camera = risk.contributions.find((contribution) => contribution.factor === 'camera_downtime' && contribution.figures.place === 'gate');
    expect(camera, JSON.stringify(risk.contributions)).toBeDefined();
    expect(camera?.figures.hours).toBeGreaterThanOrEqual(OFFLINE_HOURS - 1);
    expect(risk.level).not.toBe('red');
  });

  it('turns red on two intrusion alarms: the wall announces it with the reasons, and its heat shows it', async () => {
    wallPage = await page('viewer');
    await wallPage.goto(system.url);
    await wallPage.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });
    await wallPage.getByTestId('layer-toggle-heat').click();
    await expect.poll(() => wallPage.getByTestId('risk-heat-layer').getAttribute('data-cells'), { timeout: 10_000 }).toMatch(/^[1-9]/);
    await wallPage.getByTestId('risk-heat-legend').waitFor();
    const heatBefore = await heatAtSchool();

    await postEvent(system.url, intrusions.map((device, i) => ({ id: `e2e-risk-intrusion-${i}`, type: 'alarm.intrusion', deviceId: device.id, at: new Date(system.now()).toISOString() })));
    const banner = wallPage.locator(`[data-testid="risk-red-banner"][data-school-id="${school.id}"]`);
    await banner.waitFor({ timeout: ON_SCREEN_MS });
    const words = await banner.innerText();
    expect(words).toContain('风险升级为红色');
    expect(words).toContain(school.name);
    expect(words).toMatch(/14天内2次入侵报警 \(\+\d+\)/);
    expect(words).toMatch(/校门摄像机离线2[5-7](\.\d)?小时 \(\+\d+\)/);
    // The school bubbles off, the heat alone under the banner (the heat re-read after the change is debounced).
    const schoolsToggle = wallPage.getByTestId('layer-toggles').locator('button').first();
    await schoolsToggle.click();
    await wallPage.waitForTimeout(2_000);
    await wallPage.screenshot({ path: path.join(screenshots, 'risk-wall-heat.png') });
    await schoolsToggle.click();
    // In English too.
    await wallPage.getByTestId('language-switch').click();
    await expect.poll(() => banner.innerText()).toContain('Risk raised to RED');
    expect(await banner.innerText()).toMatch(/Intrusion: 2 alarms in 14 days \(\+\d+\)/);
    expect(await banner.innerText()).toMatch(/Gate camera offline 2[5-7](\.\d)? h \(\+\d+\)/);
    await wallPage.getByTestId('language-switch').click();
    await expect.poll(() => banner.innerText()).toContain('风险升级为红色');

    const { risk } = await riskOf(school.id);
    expect(risk.level).toBe('red');
    // The heat grid is the server's: the school's cell weighs more than before.
    await expect.poll(() => heatAtSchool(), { timeout: ON_SCREEN_MS }).toBeGreaterThan(heatBefore);
    // The banner flies the map to the school: the heat is drawn there.
    await banner.getByTestId('risk-banner-school').click();
    await expect.poll(async () => (await heatAtMapCentre(wallPage)).alpha, { timeout: 10_000 }).toBeGreaterThan(60);
    await wallPage.screenshot({ path: path.join(ROOT, 'tests/e2e/__screenshots__/risk-wall-heat-school.png') });
  });

  it('lists the school at red on the desk with its reasons in words, filterable and sortable, linking to its page', async () => {
    const desk = await page('police');
    await desk.goto(`${system.url}/desk/risk`);
    await desk.getByTestId('risk-row').first().waitFor({ timeout: 15_000 });
    await desk.getByTestId('risk-filter-level-red').click();
    const row = desk.locator(`[data-testid="risk-row"][data-school-id="${school.id}"]`);
    await row.waitFor({ timeout: ON_SCREEN_MS });
    await expect(row.getAttribute('data-level')).resolves.toBe('red');
    await expect(row.getByTestId('risk-level').innerText()).resolves.toBe('红');
    await expect(row.getByTestId('risk-reasons').innerText()).resolves.toMatch(/14天内2次入侵报警 \(\+\d+\)/);
    const levels = await desk.getByTestId('risk-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.level));
    expect(new Set(levels)).toEqual(new Set(['red']));
    expect(Number(await desk.getByTestId('risk-count-red').innerText())).toBeGreaterThanOrEqual(1);

    // All levels, lowest score first: the order turns round.
    await desk.getByTestId('risk-filter-level-red').click();
    await expect.poll(() => desk.getByTestId('risk-row').count()).toBeGreaterThan(levels.length);
    const scores = async () => desk.getByTestId('risk-row').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.score)));
    const descending = await scores();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await desk.screenshot({ path: path.join(screenshots, 'risk-list.png') });
    await desk.getByTestId('risk-sort-score').click();
    await expect.poll(async () => { const ascending = await scores(); return ascending.length > 0 && ascending.every((s, i) => i === 0 || s >= ascending[i - 1]!); }).toBe(true);

    // The school's page: its level, its contributions and its score line.
    await desk.getByTestId('risk-sort-score').click();
    await desk.getByTestId('risk-filter-level-red').click();
    await row.getByTestId('risk-school-link').click();
    const panel = desk.getByTestId('risk-school');
    await expect.poll(() => panel.getAttribute('data-level'), { timeout: 10_000 }).toBe('red');
    await expect(panel.getByTestId('risk-contributions').innerText()).resolves.toMatch(/校门摄像机离线/);
    await expect.poll(() => desk.getByTestId('risk-history-chart').locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await desk.screenshot({ path: path.join(screenshots, 'risk-school-history.png') });
    await desk.context().close();
  });

  it('shows the risk list on the console', async () => {
    const consolePage = await page('police');
    await consolePage.goto(`${system.url}/console`);
    await consolePage.getByTestId('panel-tab-risk').click();
    await consolePage.locator(`[data-testid="risk-row"][data-school-id="${school.id}"][data-level="red"]`).waitFor({ timeout: 15_000 });
    await consolePage.screenshot({ path: path.join(screenshots, 'risk-console.png') });
    await consolePage.context().close();
  });

  async function kioskLink(): Promise<string> {
    const admin = await signInApi(system.url, 'admin', ADMIN_PASSWORD);
    const created = await admin.send('POST', '/api/v1/admin/viewer-links', { name: 'risk e2e wall' });
    expect(created.status, await created.clone().text()).toBe(201);
    return ((await created.json()) as { url: string }).url;
  }

  // A 4K wall runs the kiosk at device scale factor 2 (README): 3840×2160 device pixels.
  for (const [name, scale] of [['risk-kiosk', 1], ['risk-kiosk-4k', 2]] as const) {
    it(`has a kiosk scene of its own: the heat on the map and the highest-risk schools (${1920 * scale}×${1080 * scale})`, async () => {
      const kiosk = await page(null, { width: 1920, height: 1080 }, scale);
      await kiosk.goto(`${system.url}${await kioskLink()}&interval=10&pin=3`);
      // The fifth scene of the playlist, 10 s each: there within a minute of going live, and up for 10 s.
      await kiosk.locator('[data-testid="kiosk-scene"][data-scene="risk"]').waitFor({ timeout: 150_000 });
      await kiosk.locator(`[data-testid="kiosk-risk-row"][data-school-id="${school.id}"][data-level="red"]`).waitFor({ timeout: 5_000 });
      await expect.poll(() => kiosk.getByTestId('risk-heat-layer').getAttribute('data-cells'), { timeout: 5_000 }).toMatch(/^[1-9]/);
      // The school bubbles give way to the heat in this scene.
      await expect(kiosk.getByTestId('school-cluster').count()).resolves.toBe(0);
      await kiosk.waitForTimeout(1_000); // the heat's frame is drawn
      await expect(kiosk.getByTestId('kiosk-scene').getAttribute('data-scene')).resolves.toBe('risk');
      await kiosk.screenshot({ path: path.join(screenshots, `${name}.png`) });
      await kiosk.context().close();
    }, 240_000);
  }
});
