import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, School } from '../../shared/domain/index.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, signInApi, signInContext } from '../helpers/browser.js';
import { freePort, ROOT } from '../helpers/system.js';

const root = ROOT;
const screenshots = path.join(root, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(root, 'docs/screenshots/health.png');
const INGEST_TOKEN = 'e2e-health-token';
/** Coalesced pushes go out at most 4 times a second: a change is on screen well within this. */
const ON_SCREEN_MS = 3_000;
/** Two schools in the dense city centre (新华区): at city zoom both are inside a cluster. */
const FAULT_SCHOOL = 'S0002';
const ALARM_SCHOOL = 'S0001';

async function waitForWall(baseUrl: string, server: ChildProcess, log: () => string): Promise<WallSnapshot> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${baseUrl}/api/v1/health`)).ok) {
        const response = await (await signInApi(baseUrl, 'police', DEMO_PASSWORD)).get('/api/v1/wall');
        if (response.ok) return (await response.json()) as WallSnapshot;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server did not answer /api/v1/wall in 90 s:\n${log()}`);
}

async function postEvents(baseUrl: string, events: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
    body: JSON.stringify(events),
  });
  expect(response.status, await response.text()).toBe(202);
}

async function devices(baseUrl: string, query: string): Promise<Device[]> {
  // The registry, read as an integrator would: with the ingest token.
  const response = await fetch(`${baseUrl}/api/v1/devices?${query}`, { headers: { authorization: `Bearer ${INGEST_TOKEN}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { devices: Device[] }).devices;
}

/**
 * The colour of the school dot drawn at the centre of the map (where a fly-to puts the school):
 * the schools canvas read at that point, a few pixels around it.
 */
function dotColourAtMapCentre(page: Page): Promise<'amber' | 'green' | 'red' | 'none'> {
  return page.evaluate(() => {
    const map = document.querySelector('.leaflet-container')?.getBoundingClientRect();
    const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-schools-pane canvas');
    if (!map || !canvas) return 'none';
    const box = canvas.getBoundingClientRect();
    const x = Math.round(((map.left + map.width / 2 - box.left) * canvas.width) / box.width);
    const y = Math.round(((map.top + map.height / 2 - box.top) * canvas.height) / box.height);
    const data = canvas.getContext('2d')?.getImageData(x - 3, y - 3, 7, 7).data ?? new Uint8ClampedArray();
    const seen = { amber: 0, green: 0, red: 0 };
    for (let i = 0; i < data.length; i += 4) {
      const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
      if (r > 220 && g > 140 && g < 200 && b < 90) seen.amber += 1;
      else if (g > 150 && r < 120 && b < 140) seen.green += 1;
      else if (r > 220 && g < 90 && b < 90) seen.red += 1;
    }
    const [colour, count] = Object.entries(seen).sort(([, a], [, b]) => b - a)[0] ?? ['none', 0];
    return count > 0 ? (colour as 'amber' | 'green' | 'red') : 'none';
  });
}

describe.skipIf(!chromiumAvailable())('device health (e2e, real server and Chromium)', () => {
  let server: ChildProcess;
  let serverLog = '';
  let dataDir: string;
  let baseUrl: string;
  let wall: WallSnapshot;
  let browser: Browser;
  let page: Page;

  function school(id: string): School {
    const found = wall.schools.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no school ${id} in the dataset`);
    return found;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'dist/client/index.html'))) {
      const build = spawnSync('npx', ['vite', 'build'], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}${build.stderr}`);
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript('window.__name = (f) => f');

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(path.join(tmpdir(), 'xiaoan-e2e-health-'));
    // node --import tsx (not npx) so that SIGKILL reaches the server itself, not a wrapper.
    server = spawn(process.execPath, ['--import', 'tsx', 'bin/xiaoan.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), XIAOAN_DATA_DIR: dataDir, XIAOAN_SIMULATOR: 'off', XIAOAN_INGEST_TOKEN: INGEST_TOKEN, XIAOAN_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    wall = await waitForWall(baseUrl, server, () => serverLog);
    // A city-level duty operator: device health of every district.
    await signInContext(page.context(), baseUrl, 'police', DEMO_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a camera going offline changes the school's colour on the wall", async () => {
    const target = school(FAULT_SCHOOL);
    const cameras = await devices(baseUrl, `kind=camera&schoolId=${target.id}`);
    const camera = cameras[0];
    if (!camera) throw new Error(`${target.id} has no camera`);

    await page.goto(baseUrl);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('school-cluster').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="school-cluster"]:not([data-status="normal"])').count()).toBe(0);

    await postEvents(baseUrl, [{ id: 'e2e-fault-1', type: 'camera.fault', deviceId: camera.id, at: new Date().toISOString(), fault: 'video_loss' }]);
    const postedAt = Date.now();
    // At city zoom the school is inside a bubble: the bubble turns amber and names it.
    const bubble = page.locator(`[data-testid="school-cluster"][data-flagged~="${target.id}"]`);
    await bubble.waitFor({ timeout: ON_SCREEN_MS });
    console.info(`  camera fault on the wall ${Date.now() - postedAt} ms after ingest`);
    await expect(bubble.getAttribute('data-status')).resolves.toBe('fault');
    await expect(bubble.getByTestId('cluster-badge').innerText()).resolves.toBe('1');

    // Opened from the alarm list, the map flies to the school: its dot and its card are amber.
    await page.getByTestId('alarm-row').filter({ hasText: target.name }).click();
    const card = page.getByTestId('school-card');
    await card.waitFor();
    await expect(card.getAttribute('class')).resolves.toContain('school-card--fault');
    await expect.poll(() => card.getByTestId('school-cameras').innerText(), { timeout: ON_SCREEN_MS }).toContain(`${cameras.length - 1}/${cameras.length}`);
    await expect(card.getByTestId('school-fault-ticket').innerText()).resolves.toMatch(/视频丢失[\s\S]*剩余\s*(23:5\d:\d\d|24:00:00)/); // 24:00:00 in the very second the ticket opened
    await expect.poll(() => dotColourAtMapCentre(page), { timeout: 5_000 }).toBe('amber');
  });

  it('opens a fault ticket in /health with a live countdown to the 24 h deadline', async () => {
    // A few more faults across the city, two of them restored, so the page has something to show.
    const spread = wall.schools.filter((_, i) => i % 190 === 95).slice(0, 8);
    const reasons = ['tamper', 'storage', 'video_loss', 'other'];
    const faulty: Device[] = [];
    for (const other of spread) {
      const [camera] = await devices(baseUrl, `kind=camera&schoolId=${other.id}`);
      if (camera) faulty.push(camera);
    }
    await postEvents(baseUrl, faulty.map((camera, i) => ({ id: `e2e-fault-more-${i}`, type: 'camera.fault', deviceId: camera.id, at: new Date().toISOString(), fault: reasons[i % reasons.length] })));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await postEvents(baseUrl, faulty.slice(0, 2).map((camera) => ({ type: 'camera.heartbeat', deviceId: camera.id, at: new Date().toISOString() })));

    await page.getByTestId('nav-health').click();
    await page.getByTestId('health').waitFor();
    const [camera] = await devices(baseUrl, `kind=camera&schoolId=${FAULT_SCHOOL}`);
    const ticket = page.locator(`[data-testid="fault-ticket"][data-device-id="${camera?.id}"]`);
    await ticket.waitFor({ timeout: ON_SCREEN_MS });
    await expect(ticket.getByTestId('fault-ticket-school').innerText()).resolves.toBe(school(FAULT_SCHOOL).name);
    await expect(ticket.innerText()).resolves.toContain('视频丢失');
    await expect(ticket.innerText()).resolves.toContain('新华区');
    const countdown = ticket.getByTestId('fault-countdown');
    const first = await countdown.innerText();
    expect(first).toMatch(/剩余\s*(23:5\d:\d\d|24:00:00)/);
    await expect(countdown.getAttribute('data-tone')).resolves.toBe('ok');
    await expect.poll(() => countdown.innerText(), { timeout: 3_000 }).not.toBe(first);

    await expect.poll(() => page.getByTestId('fault-ticket').count(), { timeout: ON_SCREEN_MS }).toBe(1 + faulty.length - 2);
    for (const restored of faulty.slice(0, 2)) {
      await page.locator(`[data-testid="closed-ticket"][data-device-id="${restored.id}"]`).waitFor({ timeout: ON_SCREEN_MS });
    }
    // Sorted by deadline: the first fault (posted first) has the nearest deadline.
    await expect(page.getByTestId('fault-ticket').first().getAttribute('data-device-id')).resolves.toBe(camera?.id);
    await expect(page.getByTestId('health-open-tickets').innerText()).resolves.toBe(String(1 + faulty.length - 2));
    await page.locator('[data-testid="coverage-setup-rate"]').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);

    await page.screenshot({ path: path.join(screenshots, 'health.png') });
    mkdirSync(path.dirname(readmeScreenshot), { recursive: true });
    copyFileSync(path.join(screenshots, 'health.png'), readmeScreenshot);
  });

  it('colours the cluster holding an alarm school red at city zoom, with a badge, on top', async () => {
    const target = school(ALARM_SCHOOL);
    const [button] = await devices(baseUrl, `kind=sos&schoolId=${target.id}`);
    if (!button) throw new Error(`${target.id} has no SOS button`);

    await page.goto(baseUrl);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('school-cluster').first().waitFor({ timeout: 10_000 });
    await postEvents(baseUrl, [{ id: 'e2e-sos-cluster', type: 'alarm.sos', deviceId: button.id, at: new Date().toISOString() }]);

    const bubble = page.locator(`[data-testid="school-cluster"][data-flagged~="${target.id}"]`);
    await expect.poll(() => bubble.getAttribute('data-status'), { timeout: ON_SCREEN_MS }).toBe('alarm');
    await expect(bubble.getByTestId('cluster-badge').innerText()).resolves.toBe('1');
    await expect(bubble.evaluate((element) => getComputedStyle(element).backgroundColor)).resolves.toBe('rgb(255, 59, 48)');
    // A red bubble is never under another one.
    const stacking = await page.$$eval('[data-testid="school-cluster"]', (bubbles) =>
      bubbles.map((element) => ({ status: (element as HTMLElement).dataset.status, z: Number(element.closest<HTMLElement>('.leaflet-marker-icon')?.style.zIndex) })),
    );
    const red = stacking.filter((entry) => entry.status === 'alarm').map((entry) => entry.z);
    const others = stacking.filter((entry) => entry.status !== 'alarm').map((entry) => entry.z);
    expect(Math.min(...red)).toBeGreaterThan(Math.max(...others));
    // The flashing ring still marks the school itself.
    await page.locator(`[data-testid="alarm-ring"][data-school-id="${target.id}"] .alarm-ring__core`).waitFor({ state: 'visible' });

    await page.screenshot({ path: path.join(screenshots, 'wall-clusters.png') });
  });
});
