import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankCameras, videoLinkFor } from '../../shared/cameras.js';
import type { School } from '../../shared/domain/index.js';
import type { SchoolPlanView } from '../../shared/domain/school-plan.js';
import type { DeviceHealth } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signIn, signInContext, wallAs } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const docs = path.join(ROOT, 'docs/screenshots');
const VIDEO_TEMPLATE = 'https://video.example.cn/live?school={schoolId}&camera={cameraId}';
/** The confirm button answers only a deliberate click, not the first press's double click (SchoolSosButton ARM_MS). */
const DELIBERATE_MS = 500;

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('the school page’s 一键报警 and the alarm card’s cameras (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let schoolPage: Page;
  let consolePage: Page;
  let school: School;
  let devices: DeviceHealth[];
  let police: Session;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET, env: { XIAOAN_VIDEO_URL_TEMPLATE: VIDEO_TEMPLATE } });
    schoolPage = await newScreenPage(browser);
    consolePage = await newScreenPage(browser);
    for (const page of [schoolPage, consolePage]) await page.clock.install({ time: system.now() });
    const own = await wallAs(system.url, 'school', DEMO_PASSWORD);
    school = own.wall.schools[0]!;
    ({ session: police } = await wallAs(system.url, 'police', DEMO_PASSWORD));
    devices = ((await (await police.get(`/api/v1/schools/${school.id}/devices`)).json()) as { devices: DeviceHealth[] }).devices;
    // Every camera of the school reports, then its second camera reports a fault (video loss).
    const cameras = devices.filter((device) => device.kind === 'camera');
    const at = new Date(system.now() - 5_000).toISOString();
    await postEvent(system.url, cameras.map((camera) => ({ type: 'camera.heartbeat', deviceId: camera.id, at })));
    if (cameras[1]) await postEvent(system.url, { type: 'camera.fault', deviceId: cameras[1].id, at: new Date(system.now()).toISOString(), fault: 'video_loss' });
    mkdirSync(docs, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('takes a school user to its own page, whose 一键报警 asks first, backs out on Escape, and then reaches the console within a second', async () => {
    await signInContext(consolePage.context(), system.url, 'police', DEMO_PASSWORD);
    await consolePage.goto(`${system.url}/console`);
    await consolePage.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });

    await signIn(schoolPage, system.url, 'school', DEMO_PASSWORD);
    expect(new URL(schoolPage.url()).pathname).toBe('/school');
    await schoolPage.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await expect(schoolPage.getByTestId('school-page-name').innerText()).resolves.toBe(school.name);
    await schoolPage.getByTestId('camera-tile').first().waitFor({ timeout: 5_000 });
    // Its own people and plan, as the police see them on the alarm card.
    const view = (await (await police.get(`/api/v1/schools/${school.id}/plan`)).json()) as SchoolPlanView;
    const emergency = schoolPage.getByTestId('school-emergency-card');
    await expect(emergency.getAttribute('data-school-id')).resolves.toBe(school.id);
    if (view.people) await expect(emergency.getByTestId('principal').innerText({ timeout: 5_000 })).resolves.toContain(view.people.people.principal.name);
    if (view.plan) await expect(emergency.getByTestId('assembly-point').innerText({ timeout: 5_000 })).resolves.toBe(view.plan.plan.assemblyPoint);
    else await emergency.getByTestId('plan-missing').waitFor({ timeout: 5_000 });
    expect(view.people ?? view.plan).not.toBeNull();

    // A first press only asks; Escape backs out and nothing is raised.
    await schoolPage.getByTestId('school-sos-button').click();
    await schoolPage.getByTestId('school-sos-confirm').waitFor();
    await schoolPage.keyboard.press('Escape');
    await schoolPage.getByTestId('school-sos-confirm').waitFor({ state: 'detached' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(consolePage.locator('[data-testid="queue-row"]').filter({ hasText: school.name }).filter({ hasText: '一键报警' }).count()).resolves.toBe(0);

    // Pressed again and confirmed: on the console within a second.
    await schoolPage.getByTestId('school-sos-button').click();
    await schoolPage.getByTestId('school-sos-confirm').waitFor();
    await new Promise((resolve) => setTimeout(resolve, DELIBERATE_MS));
    const row = consolePage.locator('[data-testid="queue-row"][data-drill="false"]').filter({ hasText: school.name }).filter({ hasText: '一键报警' });
    const confirmedAt = Date.now();
    await schoolPage.getByTestId('school-sos-confirm-button').click();
    await row.waitFor({ timeout: 1_000 });
    expect(Date.now() - confirmedAt).toBeLessThan(1_000);
    await expect(row.getByTestId('queue-type').innerText()).resolves.toBe('一键报警');
    await expect(schoolPage.getByTestId('school-sos-outcome').getAttribute('data-phase')).resolves.toBe('sent');
    const progress = schoolPage.getByTestId('school-alarm').filter({ hasText: '一键报警' });
    await progress.waitFor({ timeout: 2_000 });
    await expect(progress.getByTestId('school-alarm-progress').innerText()).resolves.toContain('报警已送达公安指挥中心');
  }, 120_000);

  it('shows the school’s cameras on the alarm card, nearest first with their state, each linking to its live view; the school sees help coming', async () => {
    const row = consolePage.locator('[data-testid="queue-row"][data-drill="false"]').filter({ hasText: school.name }).filter({ hasText: '一键报警' });
    await row.click();
    const detail = consolePage.getByTestId('alarm-detail');
    const tiles = detail.getByTestId('camera-tile');
    await tiles.first().waitFor({ timeout: 5_000 });
    const sos = devices.find((device) => device.kind === 'sos' && device.place === 'gate_room') ?? devices.find((device) => device.kind === 'sos')!;
    const expected = rankCameras(devices, sos).shown.map(({ camera }) => camera);
    await expect(tiles.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-camera-id')))).resolves.toEqual(expected.map((camera) => camera.id));
    const first = tiles.first();
    await expect(first.getAttribute('href')).resolves.toBe(videoLinkFor(VIDEO_TEMPLATE, expected[0]!));
    await expect(first.getAttribute('target')).resolves.toBe('_blank');
    await expect(first.getAttribute('data-state')).resolves.toBe('online');
    await expect(first.getByTestId('camera-tile-seen').innerText()).resolves.toMatch(/^校门 · 心跳 \d{2}:\d{2}:\d{2}$/);
    const faulty = devices.filter((device) => device.kind === 'camera')[1];
    if (faulty && expected.some((camera) => camera.id === faulty.id)) {
      await expect(detail.locator(`[data-testid="camera-tile"][data-camera-id="${faulty.id}"]`).getAttribute('data-state')).resolves.toBe('fault');
    }
    // A camera's state moves: its tile follows at once (the school's pushed camera count), not at the next 30 s poll.
    const third = expected[2]!;
    await postEvent(system.url, { type: 'camera.fault', deviceId: third.id, at: new Date(system.now()).toISOString(), fault: 'tamper' });
    await expect.poll(() => detail.locator(`[data-testid="camera-tile"][data-camera-id="${third.id}"]`).getAttribute('data-state'), { timeout: 3_000 }).toBe('fault');

    // One click opens that camera's live view in a new tab (the video platform stood in for by the test).
    await consolePage.context().route('https://video.example.cn/**', (route) => route.fulfill({ contentType: 'text/html', body: '<p>live view</p>' }));
    const [opened] = await Promise.all([consolePage.context().waitForEvent('page'), first.click()]);
    await opened.waitForURL(videoLinkFor(VIDEO_TEMPLATE, expected[0]!), { timeout: 5_000 });
    await opened.close();

    // The operator acknowledges and dispatches: the school page says help is coming, and who.
    await consolePage.getByTestId('action-ack').click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('acknowledged');
    await consolePage.getByTestId('action-dispatch').click();
    const unit = consolePage.getByTestId('dispatch-unit').first();
    const unitName = await unit.locator('.dispatch__name').innerText();
    await unit.click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('dispatched');
    const progress = schoolPage.getByTestId('school-alarm').filter({ hasText: '一键报警' });
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 3_000 }).toBe('dispatched');
    const words = await progress.getByTestId('school-alarm-progress').innerText();
    expect(words).toBe(`已派警：${unitName} 正在赶来`);

    // At 1920×1080 the operator sees every tile without scrolling the card: above the fold, not under the emergency card.
    const pane = consolePage.getByTestId('console-detail');
    await expect(pane.evaluate((node) => node.scrollTop)).resolves.toBe(0);
    const paneBox = (await pane.boundingBox())!;
    const tileBoxes = await tiles.evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().bottom));
    expect(tileBoxes.length).toBe(expected.length);
    for (const bottom of tileBoxes) expect(bottom).toBeLessThanOrEqual(paneBox.y + paneBox.height);
    const cardTop = (await detail.getByTestId('school-emergency-card').boundingBox())!.y;
    expect(Math.max(...tileBoxes)).toBeLessThan(cardTop);

    await consolePage.mouse.move(0, 0);
    await consolePage.screenshot({ path: path.join(docs, 'alarm-card-cameras.png') });
    await schoolPage.screenshot({ path: path.join(docs, 'school-page.png') });
  }, 120_000);
});
