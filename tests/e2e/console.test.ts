import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, Device, School } from '../../shared/domain/index.js';
import { nearest } from '../../shared/geo.js';
import type { WallSnapshot } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext, wallAs } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/console.png');
const ADMIN_PASSWORD = 'e2e-admin-password';
/** Two city-level operators: the demo account `police` and the administrator (who may command alarms too). */
const ACCOUNT_A = { username: 'police', password: DEMO_PASSWORD };
const ACCOUNT_B = { username: 'admin', password: ADMIN_PASSWORD };
/** Their display names, as the console shows them and the server records them: read at sign-in. */
let OPERATOR_A = '';

/** The test's own API session (operator A's account), for reading what the server stored. */
let api: Session | null = null;

async function getJson<T>(url: string): Promise<T> {
  if (!api) throw new Error('not signed in to the API yet');
  const response = await fetch(url, { headers: api.headers() });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Signs a duty operator in and opens the console; waits until it is live; answers the name the header shows. */
async function openConsoleAs(page: Page, baseUrl: string, account: { username: string; password: string }): Promise<string> {
  await signInContext(page.context(), baseUrl, account.username, account.password);
  await page.goto(`${baseUrl}/console`);
  await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  const name = await page.getByTestId('user-name').innerText();
  expect(name).not.toBe('');
  return name;
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('operator console (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let baseUrl: string;
  let wall: WallSnapshot;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;
  let sosSchool: School;
  let sosAlarmId: string;
  /** Operator B's server → browser socket frames, held back while `holdB` is set (a slow network). */
  let holdB = false;
  let heldForB: (() => void)[] = [];
  let framesToB = 0;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    pageA = await newScreenPage(browser);
    pageB = await newScreenPage(browser);
    await pageB.routeWebSocket(/\/socket\.io\//, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((message) => {
        framesToB += 1;
        if (holdB) heldForB.push(() => ws.send(message));
        else ws.send(message);
      });
    });

    // At a quiet hour of a school day: at a gate peak every 护学岗 post of the city (nobody checks in
    // without the simulator) would fill the queue. The browsers keep the system's clock.
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET, env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    for (const page of [pageA, pageB]) await page.clock.install({ time: system.now() });
    baseUrl = system.url;
    ({ session: api, wall } = await wallAs(baseUrl, ACCOUNT_A.username, ACCOUNT_A.password));
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('an SOS posted to the ingest API is acknowledged and resolved through the console UI', async () => {
    const { devices: sosButtons } = await getJson<{ devices: Device[] }>(`${baseUrl}/api/v1/devices?kind=sos`);
    const { devices: sensors } = await getJson<{ devices: Device[] }>(`${baseUrl}/api/v1/devices?kind=intrusion`);
    const [sosDevice, drillDevice, intrusionDevice] = [sosButtons[12], sosButtons[40], sensors[25]];
    if (!sosDevice?.schoolId || !drillDevice || !intrusionDevice) throw new Error('the dataset has too few devices');
    const school = wall.schools.find((candidate) => candidate.id === sosDevice.schoolId);
    if (!school) throw new Error(`no school ${sosDevice.schoolId}`);
    sosSchool = school;

    // Before anyone clicks, the browser will not play sound: the console says so; a click anywhere arms it.
    OPERATOR_A = await openConsoleAs(pageA, baseUrl, ACCOUNT_A);
    await expect(pageA.getByTestId('sound-control').getAttribute('data-sound')).resolves.toBe('locked');
    await expect(pageA.getByTestId('sound-state').innerText()).resolves.toBe('点击启用声音');
    await pageA.getByTestId('alarm-queue').click();
    await expect.poll(() => pageA.getByTestId('sound-control').getAttribute('data-sound')).toBe('armed');
    const operatorB = await openConsoleAs(pageB, baseUrl, ACCOUNT_B);
    expect(operatorB).not.toBe(OPERATOR_A);

    await postEvent(baseUrl, { id: 'e2e-console-drill', type: 'alarm.sos', deviceId: drillDevice.id, at: new Date(system.now()).toISOString(), drill: true });
    await postEvent(baseUrl, { id: 'e2e-console-intrusion', type: 'alarm.intrusion', deviceId: intrusionDevice.id, at: new Date(system.now()).toISOString() });
    await postEvent(baseUrl, { id: 'e2e-console-sos', type: 'alarm.sos', deviceId: sosDevice.id, at: new Date(system.now()).toISOString() });

    // The SOS tops the queue (priority 1, real), with its acknowledge timer running; the drill is apart and marked.
    const rowA = pageA.locator('[data-testid="queue-row"][data-drill="false"]').filter({ hasText: school.name });
    await rowA.waitFor({ timeout: 5_000 });
    sosAlarmId = (await rowA.getAttribute('data-alarm-id')) ?? '';
    expect(sosAlarmId).not.toBe('');
    await expect(pageA.getByTestId('queue-row').first().getAttribute('data-alarm-id')).resolves.toBe(sosAlarmId);
    await expect(rowA.getByTestId('queue-type').innerText()).resolves.toBe('一键报警');
    await expect(rowA.getByTestId('queue-state').innerText()).resolves.toBe('待确认');
    const ackTimer = rowA.getByTestId('response-timer').first();
    await expect(ackTimer.getAttribute('data-phase')).resolves.toBe('running');
    await expect(ackTimer.innerText()).resolves.toMatch(/确认\s*0:[0-5]\d/); // running, well inside the 1-minute target
    // The drill is in its own section, one click away and counted; the working queue holds real alarms only.
    await expect(pageA.locator('[data-testid="queue-row"][data-drill="true"]').count()).resolves.toBe(0);
    await expect(pageA.getByTestId('queue-tab-count-drills').innerText()).resolves.toBe('1');
    await pageA.getByTestId('queue-tab-drills').click();
    const drillRow = pageA.locator('[data-testid="queue-row"][data-drill="true"]');
    await expect(drillRow.getByTestId('drill-badge').innerText()).resolves.toBe('演练');
    await pageA.getByTestId('queue-tab-alarms').click();
    await expect.poll(() => pageA.getByTestId('sound-control').getAttribute('data-sound')).toBe('alerting');

    // Clicking it opens the alarm and its school: address, guards, gate cameras, nearest police.
    await rowA.click();
    const detailA = pageA.getByTestId('alarm-detail');
    await expect(detailA.getAttribute('data-alarm-id')).resolves.toBe(sosAlarmId);
    const card = pageA.getByTestId('console-school-card');
    await expect(card.getAttribute('data-school-id')).resolves.toBe(school.id);
    await expect(card.getByTestId('school-address').innerText()).resolves.toContain(school.address);
    await expect(card.getByTestId('school-guards').innerText()).resolves.toMatch(/专职保安 \d+ 名 \/ 应配 \d+ 名/);
    await detailA.getByTestId('camera-tile').first().waitFor({ timeout: 5_000 });
    // No video platform configured here: the tiles show state and last keepalive, and link nowhere.
    await expect(detailA.locator('a[data-testid="camera-tile"]').count()).resolves.toBe(0);
    await expect(detailA.getByTestId('camera-tiles-no-video').innerText()).resolves.toContain('未接入视频平台');
    await expect(card.getByTestId('school-nearest-police').count()).resolves.toBe(3);
    await pageA.locator(`[data-testid="alarm-ring"][data-school-id="${school.id}"] .alarm-ring__core`).waitFor({ timeout: 5_000 });

    // Operator B has the same alarm open; then B's network stalls (frames from the server held back).
    await pageB.locator(`[data-testid="queue-row"][data-alarm-id="${sosAlarmId}"]`).click();
    const ackB = pageB.getByTestId('action-ack');
    await expect(ackB.isEnabled()).resolves.toBe(true);
    expect(framesToB).toBeGreaterThan(0); // B's socket runs over the routed WebSocket, so holding works.
    holdB = true;

    // A acknowledges.
    await pageA.getByTestId('action-ack').click();
    await expect.poll(() => detailA.getAttribute('data-state')).toBe('acknowledged');
    await expect(pageA.getByTestId('action-feedback').getAttribute('data-kind')).resolves.toBe('ok');
    await expect(pageA.getByTestId('action-ack').isDisabled()).resolves.toBe(true);
    await expect(detailA.getByTestId('response-timer').first().getAttribute('data-phase')).resolves.toBe('met');

    // B, still seeing it unacknowledged, tries too: the server refuses, and B is told who was first.
    await ackB.click();
    await expect.poll(() => heldForB.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    holdB = false;
    for (const send of heldForB) send();
    heldForB = [];
    const feedbackB = pageB.getByTestId('action-feedback');
    await expect.poll(() => feedbackB.getAttribute('data-kind'), { timeout: 5_000 }).toBe('refused');
    await expect(feedbackB.innerText()).resolves.toContain('操作未成功');
    await expect(feedbackB.getByTestId('feedback-state').innerText()).resolves.toMatch(new RegExp(`${OPERATOR_A} 已于 .*「确认接警」，该报警当前为「已确认」`));
    // The server's own reason, in the screen's language (the English stays the API's `error`).
    await expect(feedbackB.getByTestId('feedback-server').innerText()).resolves.toContain('无法确认：该报警已确认');
    await expect(pageB.getByTestId('detail-state').innerText()).resolves.toBe('已确认');
    await expect(ackB.isDisabled()).resolves.toBe(true);
    await pageB.screenshot({ path: path.join(screenshots, 'console-conflict.png') });

    // A dispatches the nearest unit, offered first.
    const expectedUnit = nearest(school, wall.policePosts, 1)[0]?.item;
    if (!expectedUnit) throw new Error('no police post in the dataset');
    await pageA.getByTestId('action-dispatch').click();
    const firstUnit = pageA.getByTestId('dispatch-unit').first();
    await expect(firstUnit.getAttribute('data-unit-id')).resolves.toBe(expectedUnit.id);
    await expect(firstUnit.innerText()).resolves.toMatch(/\d+\.\d 公里/);
    await firstUnit.click();
    await expect.poll(() => detailA.getAttribute('data-state')).toBe('dispatched');
    await expect(detailA.innerText()).resolves.toContain(`出警单位：${expectedUnit.name}`);

    // The picture for the README: a live queue, a dispatched SOS, its school, the load figures.
    await pageA.getByTestId('panel-tab-log').click();
    await pageA.getByTestId('panel-tab-load').click();
    await expect.poll(() => pageA.getByTestId('load-alarms').innerText(), { timeout: 5_000 }).toBe('2');
    // Drawn in the chart worker, not on the page: its SVG, with the districts' names as text.
    await pageA.locator('[data-testid="alarm-load-chart"][data-drawn-by="worker"] svg').waitFor();
    await expect(pageA.getByTestId('alarm-load-chart').locator('svg text').allTextContents()).resolves.toEqual(expect.arrayContaining(['卫东', '每人每10分钟', '各区县报警数']));
    await pageA.waitForTimeout(1_300); // The map's fly-to takes 1.2 s.
    await pageA.screenshot({ path: path.join(screenshots, 'console.png') });
    mkdirSync(path.dirname(readmeScreenshot), { recursive: true });
    copyFileSync(path.join(screenshots, 'console.png'), readmeScreenshot);

    // On scene, then resolved with a disposition.
    await pageA.getByTestId('action-arrive').click();
    await expect.poll(() => detailA.getAttribute('data-state')).toBe('on_scene');
    await expect(detailA.getByTestId('response-timer').nth(1).getAttribute('data-phase')).resolves.toBe('met');
    await pageA.getByTestId('action-resolve').click();
    await expect(pageA.getByTestId('close-confirm').isDisabled()).resolves.toBe(true);
    await pageA.locator('[data-testid="disposition"][data-disposition="handled_on_site"]').click();
    await pageA.getByTestId('close-note').fill('门卫与民警现场处置，学生安全');
    await pageA.getByTestId('close-confirm').click();
    await expect.poll(() => detailA.getAttribute('data-state')).toBe('resolved');
    await expect(pageA.locator(`[data-testid="queue-row"][data-alarm-id="${sosAlarmId}"]`).count()).resolves.toBe(0);

    // The timeline on screen: every step with who did it.
    const steps = detailA.getByTestId('timeline-step');
    await expect(steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-action')))).resolves.toEqual([
      'raise', 'ack', 'dispatch', 'arrive', 'resolve',
    ]);
    // The button by its registered name, as on the detail's facts (its id stays in the tooltip).
    await expect(steps.getByTestId('timeline-actor').allInnerTexts()).resolves.toEqual([sosDevice.name, OPERATOR_A, OPERATOR_A, OPERATOR_A, OPERATOR_A]);
    const named = detailA.locator('.detail__facts').getByTestId('device-name');
    await expect(named.innerText()).resolves.toBe(sosDevice.name);
    await expect(named.getAttribute('title')).resolves.toBe(sosDevice.id);
    await expect(steps.last().innerText()).resolves.toContain('现场处置完毕');
    await pageA.screenshot({ path: path.join(screenshots, 'console-resolved.png') });

    // And as stored.
    const stored = await getJson<Alarm>(`${baseUrl}/api/v1/alarms/${sosAlarmId}`);
    expect(stored.state).toBe('resolved');
    expect(stored.disposition).toBe('handled_on_site');
    expect(stored.unitId).toBe(expectedUnit.id);
    expect(stored.transitions.map((step) => [step.action, step.actor])).toEqual([
      ['raise', `device:${sosDevice.id}`],
      ['ack', OPERATOR_A],
      ['dispatch', OPERATOR_A],
      ['arrive', OPERATOR_A],
      ['resolve', OPERATOR_A],
    ]);
    expect(stored.transitions.at(-1)?.note).toBe('门卫与民警现场处置，学生安全');
  }, 120_000); // Two browsers and a whole case from SOS to closed: longer than one check.


  it('keeps a muted console plainly marked, and sounds again when unmuted', async () => {
    const sound = pageA.getByTestId('sound-control');
    await expect(sound.getAttribute('data-sound')).resolves.toBe('alerting'); // The intrusion is still unacknowledged.
    await sound.click();
    await expect(sound.getAttribute('data-sound')).resolves.toBe('muted');
    await expect(pageA.getByTestId('sound-state').innerText()).resolves.toBe('声音已关闭');
    await expect(sound.evaluate((element) => getComputedStyle(element).backgroundColor)).resolves.toBe('rgb(255, 59, 48)');
    await sound.click();
    await expect(sound.getAttribute('data-sound')).resolves.toBe('alerting');

    // It sounds until the last real priority 1–2 alarm is acknowledged (the drill never sounds).
    await pageA.locator('[data-testid="queue-row"][data-drill="false"][data-state="new"]').first().click();
    await pageA.getByTestId('action-ack').click();
    await expect.poll(() => sound.getAttribute('data-sound')).toBe('armed');
  });

  it('says after a reconnect how long the screen was stale, and logs it', async () => {
    await system.kill();
    await pageA.locator('[data-testid="connection-indicator"][data-state="disconnected"]').waitFor({ timeout: 10_000 });
    await pageA.getByTestId('stale-banner').waitFor({ state: 'visible' });
    await expect(pageA.getByTestId('console').getAttribute('class')).resolves.toContain('console--stale');

    await system.restart();
    await pageA.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 20_000 });
    const summary = pageA.getByTestId('recovery-summary');
    await expect(summary.innerText()).resolves.toMatch(/^数据中断 (\d+分)?\d+秒（\d\d:\d\d:\d\d–\d\d:\d\d:\d\d），已补齐$/);
    await pageA.getByTestId('panel-tab-log').click();
    await expect(pageA.getByTestId('connection-log').innerText()).resolves.toMatch(/恢复：中断 (\d+分)?\d+秒/);
    await pageA.screenshot({ path: path.join(screenshots, 'console-recovered.png') });
    await pageA.getByTestId('panel-tab-load').click();
  });

  it('finds the closed alarm in the history and shows its whole timeline', async () => {
    await pageA.getByTestId('nav-history').click();
    await pageA.getByTestId('history-filters').waitFor();
    await pageA.getByTestId('history-q').fill(sosSchool.name);
    await pageA.getByTestId('history-drill').selectOption('real');
    await pageA.getByTestId('history-search').click();
    const row = pageA.locator(`[data-testid="history-row"][data-alarm-id="${sosAlarmId}"]`);
    await row.waitFor({ timeout: 5_000 });
    await expect(pageA.getByTestId('history-row').count()).resolves.toBe(1);
    await row.click();
    const detail = pageA.getByTestId('history-detail');
    await expect(detail.getByTestId('timeline-step').count()).resolves.toBe(5);
    await expect(detail.innerText()).resolves.toContain(OPERATOR_A);
    await pageA.screenshot({ path: path.join(screenshots, 'console-history.png') });

    await pageA.getByTestId('nav-console').click();
    await pageA.getByTestId('alarm-queue').waitFor();
    await expect(pageA.getByTestId('user-name').innerText()).resolves.toBe(OPERATOR_A);
  });

  it('names a sensor that keeps raising alarms in the load figures, by its registered name with its id in the tooltip', async () => {
    const { devices: sensors } = await getJson<{ devices: Device[] }>(`${baseUrl}/api/v1/devices?kind=intrusion`);
    const chatty = sensors[31];
    if (!chatty) throw new Error('the dataset has too few intrusion sensors');
    // Five activations from one sensor within the hour make it chattering (shared/rules/alarm-load.ts).
    for (let i = 0; i < 5; i++) {
      await postEvent(baseUrl, { id: `e2e-console-chatter-${i}`, type: 'alarm.intrusion', deviceId: chatty.id, at: new Date(system.now() - (5 - i) * 20_000).toISOString() });
    }
    await pageA.getByTestId('panel-tab-log').click();
    await pageA.getByTestId('panel-tab-load').click();
    const figure = pageA.getByTestId('load-chattering');
    const name = figure.getByTestId('device-name');
    await expect.poll(() => name.getAttribute('data-named'), { timeout: 10_000 }).toBe('true');
    await expect(name.innerText()).resolves.toBe(chatty.name);
    await expect(name.getAttribute('title')).resolves.toBe(chatty.id);
    const tooltip = (await figure.getAttribute('title')) ?? '';
    expect(tooltip.split('\n').some((line) => line.startsWith(`${chatty.name} ×`)), tooltip).toBe(true);
    await pageA.waitForTimeout(1_300); // The map's fly-to to the new alarm takes 1.2 s.
    await pageA.screenshot({ path: path.join(screenshots, 'console-chattering.png') });
  });
});
