import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { WallSnapshot } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext, wallAs } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, ROOT, shanghaiInstant, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'docs/screenshots');
const ADMIN_PASSWORD = 'peak-e2e-admin-password';
/** How long the simulated city runs before anyone looks: a new user opening the product a little after `npm start`. */
const RUN_FOR_MS = 20_000;
/** "A handful of absences, not hundreds": at most this share of the city's 护学岗 posts have an open 脱岗 alarm. */
const FEW_ABSENT_SHARE = 0.05;
/** A screen of the full city dataset, signed in, live and painted, on a machine shared with other work. */
const SCREEN_MS = 180_000;
/** A page waits this long to go live: the full city dataset and the simulator share the machine with the browser. */
const LIVE_MS = 90_000;

/** The peaks a person lives in: the morning gate (07:35, Monday 2026-12-07) and the afternoon release (16:30). */
const PEAKS = [
  { name: '0735', local: '2026-12-07T07:35:00' },
  { name: '1630', local: '2026-12-07T16:30:00' },
] as const;

const runs = chromiumAvailable() && faketimeAvailable();

/** The digits of a figure as shown ("1,806 所" → 1806). */
const figure = (text: string): number => Number(text.replace(/[^\d]/g, ''));

describe.skipIf(!runs).each(PEAKS)('the screens at the $local peak, simulator on (e2e, libfaketime and Chromium)', ({ name, local }) => {
  let system: RunningSystem;
  let browser: Browser;
  let police: Session;
  let wall: WallSnapshot;
  let kioskUrl: string;

  /** A 1920×1080 page whose clock is the system's (pinned, running on), signed in as `username` unless null. */
  async function screen(username: string | null): Promise<Page> {
    const page = await newScreenPage(browser);
    await page.clock.install({ time: system.now() });
    if (username) await signInContext(page.context(), system.url, username, username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD);
    return page;
  }
  async function live(page: Page): Promise<void> {
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: LIVE_MS });
  }
  /** Lets the page paint what the last pushes brought (map tiles, coalesced pushes, chart animations). */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForTimeout(2_000);
  }
  const shot = (page: Page, screenName: string) => page.screenshot({ path: path.join(screenshots, `peak-${name}-${screenName}.png`) });

  beforeAll(async () => {
    ensureClientBuild();
    mkdirSync(screenshots, { recursive: true });
    system = await startSystem({ startAt: shanghaiInstant(local), env: { XIAOAN_SIMULATOR: 'on', XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await launchBrowser();
    ({ session: police, wall } = await wallAs(system.url, 'police', DEMO_PASSWORD));
    const admin = (await wallAs(system.url, 'admin', ADMIN_PASSWORD)).session;
    const created = await admin.send('POST', '/api/v1/admin/viewer-links', { name: `peak ${local}` });
    expect(created.status, await created.clone().text()).toBe(201);
    kioskUrl = ((await created.json()) as { url: string }).url;
    await new Promise((resolve) => setTimeout(resolve, RUN_FOR_MS));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('runs the system from the pinned local time (its clock running on)', () => {
    const startedAt = shanghaiInstant(local);
    expect(system.now()).toBeGreaterThanOrEqual(startedAt + RUN_FOR_MS);
    expect(system.now()).toBeLessThan(startedAt + 5 * 60_000);
  });

  it('the console is live and its open post-absence alarms are few', async () => {
    const page = await screen('police');
    await page.goto(`${system.url}/console`);
    await live(page);
    await settle(page);
    await shot(page, 'console');
    const { alarms } = (await (await police.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] };
    const absent = alarms.filter((a) => a.type === 'post_absent' && !a.drill).length;
    console.info(`  ${local}: ${alarms.length} open alarms, ${absent} of them 护学岗脱岗, ${wall.guardPosts.length} posts`);
    expect(figure(await page.getByTestId('queue-count-total').innerText())).toBeGreaterThan(0);
    expect(absent).toBeLessThanOrEqual(Math.max(3, Math.ceil(wall.guardPosts.length * FEW_ABSENT_SHARE)));
   }, SCREEN_MS);

  it('the wall is live and counts every school', async () => {
    const page = await screen('viewer');
    await page.goto(system.url);
    await live(page);
    await expect.poll(async () => figure(await page.getByTestId('school-count').innerText()), { timeout: 10_000 }).toBe(wall.schools.length);
    await settle(page);
    await shot(page, 'wall');
   }, SCREEN_MS);

  it('the kiosk signs itself in with its link, is live and counts every school', async () => {
    const page = await screen(null);
    // The city figures are the overview scene's. At a peak the simulator's SOS and intrusions pin the stage to
    // their school (and the rotation moves on): hold the rotation still and let a pin last 3 s, then read the
    // figure whenever the overview is on the stage.
    await page.goto(`${system.url}${kioskUrl}&interval=3600&pin=3`);
    await live(page);
    await page.locator('.leaflet-container').waitFor();
    const schools = page.getByTestId('kiosk-figure-schools').locator('dd');
    await expect
      .poll(async () => ((await schools.count()) > 0 ? figure(await schools.innerText({ timeout: 1_000 }).catch(() => '')) : null), { timeout: 60_000 })
      .toBe(wall.schools.length);
    await settle(page);
    await shot(page, 'kiosk');
   }, SCREEN_MS);

  it('the health screen shows the city camera rate and the open tickets', async () => {
    const page = await screen('police');
    await page.goto(`${system.url}/health`);
    await page.getByTestId('health').waitFor({ timeout: LIVE_MS });
    await expect.poll(() => page.getByTestId('health-camera-rate').innerText(), { timeout: 15_000 }).toMatch(/\d+(\.\d)?\s*%/);
    await expect(page.getByTestId('health-open-tickets').innerText()).resolves.toMatch(/^\d/);
    await settle(page);
    await shot(page, 'health');
   }, SCREEN_MS);
});
