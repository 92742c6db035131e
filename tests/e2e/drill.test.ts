import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, School } from '../../shared/domain/index.js';
import type { DrillAnswer } from '../../shared/drill.js';
import type { SchoolPlanView } from '../../shared/domain/school-plan.js';
import type { WallSnapshot } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, postEvent, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const docs = path.join(ROOT, 'docs/screenshots');
const SCENARIO = '持刀人员闯入校门';

describe.skipIf(!chromiumAvailable())('drill screen (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let context: BrowserContext;
  let drillPage: Page;
  let consolePage: Page;
  let police: Session;
  let school: School;
  let sos: Device;

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem();
    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    const wall = (await (await police.get('/api/v1/wall')).json()) as WallSnapshot;
    const { devices } = (await (await police.get('/api/v1/devices?kind=sos')).json()) as { devices: Device[] };
    sos = devices[7]!;
    school = wall.schools.find((s) => s.id === sos.schoolId)!;

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await context.addInitScript('window.__name = (f) => f');
    await signInContext(context, system.url, 'police', DEMO_PASSWORD);
    drillPage = await context.newPage();
    consolePage = await context.newPage();
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(docs, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('plans a drill, starts it, drives it by ingest and console actions, ends it and shows the score card', async () => {
    // Plan it on /drills.
    await drillPage.goto(`${system.url}/drills`);
    await drillPage.getByTestId('drill-school-search').fill(school.name);
    await expect.poll(() => drillPage.getByTestId('drill-school').inputValue()).toBe(school.id);
    await drillPage.getByTestId('drill-scenario').fill(SCENARIO);
    await drillPage.getByTestId('drill-participants').fill('门卫 2 人，初一年级');
    await drillPage.getByTestId('drill-plan-submit').click();
    await drillPage.waitForURL(/\/drills\/DRL-/);
    const drillId = decodeURIComponent(new URL(drillPage.url()).pathname.split('/').pop()!);
    await expect(drillPage.getByTestId('drill-school').innerText()).resolves.toBe(school.name);
    await expect(drillPage.getByTestId('drill-state').getAttribute('data-state')).resolves.toBe('planned');

    // Start it without raising the alarm: the school's own button will.
    await drillPage.getByTestId('drill-raise-alarm').uncheck();
    await drillPage.getByTestId('drill-start').click();
    await expect.poll(() => drillPage.getByTestId('drill-state').getAttribute('data-state')).toBe('running');
    await expect(drillPage.getByTestId('drill-clock-value').innerText()).resolves.toBe('T+--:--');

    // The school presses its one-key button (the ingest API); the clock starts from the stored step.
    await postEvent(system.url, { id: 'e2e-drill-sos', type: 'alarm.sos', deviceId: sos.id, at: new Date().toISOString(), drill: true });
    const initiated = drillPage.locator('[data-testid="drill-step"][data-milestone="initiated"]');
    await expect.poll(() => initiated.getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    // The device by its registered name, not its id.
    await expect.poll(() => initiated.getByTestId('drill-step-who').innerText()).toBe(`${sos.name} · 学校设备`);
    await expect.poll(() => drillPage.getByTestId('drill-clock-value').innerText()).toMatch(/^T\+00:0\d$/);
    const ackTimer = drillPage.locator('[data-testid="drill-timer"][data-milestone="acknowledged"]');
    await expect(ackTimer.getAttribute('data-phase')).resolves.toBe('running');
    await expect(ackTimer.getAttribute('data-level')).resolves.toBe('ok');
    const drill = (await (await police.get(`/api/v1/drills/${drillId}`)).json()) as DrillAnswer;
    const alarmId = drill.alarm!.id;
    expect(drill.alarm).toMatchObject({ drill: true, schoolId: school.id });

    // The school's people and its plan's SOS steps are on the drill screen, under the clock: scrolled to, and pictured.
    const view = (await (await police.get(`/api/v1/schools/${school.id}/plan`)).json()) as SchoolPlanView;
    const emergency = drillPage.getByTestId('school-emergency-card');
    await expect(emergency.getAttribute('data-school-id')).resolves.toBe(school.id);
    if (view.people) {
      await expect(emergency.getByTestId('principal').innerText({ timeout: 5_000 })).resolves.toContain(view.people.people.principal.name);
      await expect(emergency.getByTestId('principal').locator('a').getAttribute('href')).resolves.toBe(`tel:${view.people.people.principal.phone}`);
    }
    if (view.plan) {
      await expect.poll(() => emergency.getByTestId('plan-steps').locator('li').allInnerTexts(), { timeout: 5_000 }).toEqual(view.plan.plan.steps.sos);
      await expect(emergency.getByTestId('assembly-point').innerText()).resolves.toBe(view.plan.plan.assemblyPoint);
    } else {
      await emergency.getByTestId('plan-missing').waitFor({ timeout: 5_000 });
    }
    expect(view.people ?? view.plan).not.toBeNull(); // the seeded school has at least one of them
    await emergency.scrollIntoViewIfNeeded();
    const box = (await emergency.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(1080);
    await drillPage.screenshot({ path: path.join(docs, 'drill-plan.png') });
    await drillPage.locator('.drill-view__left').evaluate((node) => node.scrollTo(0, 0));

    // The console works the drill alarm (shown apart, marked 演练): acknowledge, dispatch, on scene, resolve.
    await consolePage.goto(`${system.url}/console`);
    await consolePage.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await consolePage.getByTestId('queue-tab-drills').click();
    const row = consolePage.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`);
    await expect(row.getAttribute('data-drill')).resolves.toBe('true');
    await row.click();
    const detail = consolePage.getByTestId('alarm-detail');
    await consolePage.getByTestId('action-ack').click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('acknowledged');
    await expect.poll(() => ackTimer.getAttribute('data-phase')).toBe('met'); // the drill screen froze it
    await drillPage.screenshot({ path: path.join(screenshots, 'drill-running.png') });
    await consolePage.getByTestId('action-dispatch').click();
    await consolePage.getByTestId('dispatch-unit').first().click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('dispatched');
    await consolePage.getByTestId('action-arrive').click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('on_scene');

    // The observer ticks what was seen, on the drill screen.
    for (const item of ['alarm_button', 'guards_in_place', 'gate_sealed', 'police_arrived']) {
      const check = drillPage.locator(`[data-testid="drill-check"][data-item="${item}"]`);
      await check.getByTestId('drill-check-toggle').click();
      await expect.poll(() => check.getByTestId('drill-check-toggle').getAttribute('aria-checked')).toBe('true');
    }
    await expect(drillPage.locator('[data-testid="drill-check"][data-item="gate_sealed"]').innerText()).resolves.toContain(police.user.displayName);

    await consolePage.getByTestId('action-resolve').click();
    await consolePage.locator('[data-testid="disposition"][data-disposition="handled_on_site"]').click();
    await consolePage.getByTestId('close-confirm').click();
    await expect.poll(() => detail.getAttribute('data-state')).toBe('resolved');

    // Every milestone reached on the drill screen, with who acted and from where.
    const handled = drillPage.locator('[data-testid="drill-step"][data-milestone="handled"]');
    await expect.poll(() => handled.getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    for (const milestone of ['acknowledged', 'dispatched', 'on_scene', 'handled']) {
      const who = drillPage.locator(`[data-testid="drill-step"][data-milestone="${milestone}"]`).getByTestId('drill-step-who');
      await expect(who.innerText()).resolves.toMatch(/ · 处置台$/);
    }

    // End it: the score card appears, the clock freezes, the report can be exported.
    await drillPage.getByTestId('drill-end').click();
    await drillPage.getByTestId('drill-end-confirm').click();
    await expect.poll(() => drillPage.getByTestId('drill-state').getAttribute('data-state')).toBe('ended');
    const card = drillPage.getByTestId('drill-score-card');
    await card.waitFor();
    // Four milestones on time (a person at the console takes seconds, the targets are minutes) and 27 checklist points (5 + 8 + 8 + 6).
    await expect(card.getByTestId('drill-score-total').innerText()).resolves.toBe('87/100');
    await expect(card.getByTestId('drill-score-row').allInnerTexts()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('达成')]));
    const frozen = await drillPage.getByTestId('drill-clock-value').innerText();
    await drillPage.waitForTimeout(1_500);
    await expect(drillPage.getByTestId('drill-clock-value').innerText()).resolves.toBe(frozen);
    await expect(drillPage.getByTestId('drill-export-pdf').getAttribute('href')).resolves.toBe(`/api/v1/drills/${drillId}/export.pdf`);
    const pdf = await context.request.get(`${system.url}/api/v1/drills/${drillId}/export.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');

    // It counts as the school's drill this term.
    const records = (await (await police.get(`/api/v1/schools/${school.id}/drills`)).json()) as { drills: { scenario: string }[] };
    expect(records.drills.map((d) => d.scenario)).toContain(SCENARIO);

    // Replay: step back through the stored milestones.
    await drillPage.getByTestId('replay-previous').click();
    await expect(drillPage.getByTestId('replay-step').innerText()).resolves.toBe('第 6 / 6 步');
    await drillPage.getByTestId('replay-previous').click();
    await expect(drillPage.getByTestId('drill-state').getAttribute('data-state')).resolves.toBe('ended');
    await expect(drillPage.locator('[data-testid="drill-step"][data-milestone="ended"]').getAttribute('data-done')).resolves.toBe('false');
    await drillPage.getByTestId('replay-live').click();

    await expect(drillPage.getByTestId('drill-recorded').isVisible()).resolves.toBe(true);

    // The pictures: 1920×1080, and a 3840×2160 wall (device scale factor 2 on the same layout).
    await drillPage.screenshot({ path: path.join(screenshots, 'drill-1080.png') });
    const wall4k = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 });
    await signInContext(wall4k, system.url, 'police', DEMO_PASSWORD);
    const page4k = await wall4k.newPage();
    await page4k.goto(`${system.url}/drills/${drillId}`);
    await page4k.getByTestId('drill-score-card').waitFor();
    await page4k.screenshot({ path: path.join(screenshots, 'drill-4k.png') });
    // The English switch: the same screen, every label translated.
    await page4k.evaluate(() => localStorage.setItem('xiaoan.locale', 'en'));
    await page4k.reload();
    await page4k.getByTestId('drill-score-card').waitFor();
    await expect(page4k.getByTestId('drill-state').innerText()).resolves.toBe('Ended');
    await expect(page4k.locator('[data-testid="drill-step"][data-milestone="on_scene"]').innerText()).resolves.toContain('On scene');
    await page4k.screenshot({ path: path.join(screenshots, 'drill-en.png') });
    await wall4k.close();
    mkdirSync(docs, { recursive: true });
    copyFileSync(path.join(screenshots, 'drill-1080.png'), path.join(docs, 'drill-1080.png'));
    copyFileSync(path.join(screenshots, 'drill-4k.png'), path.join(docs, 'drill-4k.png'));

    // The list: the drill ended, at its school.
    await drillPage.goto(`${system.url}/drills`);
    const listed = drillPage.locator(`[data-testid="drill-row"][data-drill-id="${drillId}"]`);
    // The school's name comes with the registry, which the page reads beside the drill list.
    await expect.poll(() => listed.innerText(), { timeout: 10_000 }).toContain(school.name);
    await expect(listed.innerText()).resolves.toContain('已结束');
    await drillPage.screenshot({ path: path.join(screenshots, 'drills-list.png') });
  }, 180_000);
});
