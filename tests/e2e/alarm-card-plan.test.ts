import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../shared/domain/index.js';
import type { SchoolPlanView } from '../../shared/domain/school-plan.js';
import type { WallSnapshot } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext, wallAs } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const docs = path.join(ROOT, 'docs/screenshots');

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('the school on the alarm card and its plan editor (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let api: Session;
  let wall: WallSnapshot;
  let schoolId = '';
  let plan: SchoolPlanView;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET });
    await page.clock.install({ time: system.now() });
    ({ session: api, wall } = await wallAs(system.url, 'police', DEMO_PASSWORD));
    mkdirSync(docs, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('an SOS on the console shows the school’s principal and the plan’s SOS steps on its card', async () => {
    const { devices } = (await (await api.get('/api/v1/devices?kind=sos')).json()) as { devices: Device[] };
    // The first SOS button at a school with a current plan and its people (the seeded city has a few without).
    for (const device of devices.slice(5, 60)) {
      const view = (await (await api.get(`/api/v1/schools/${device.schoolId}/plan`)).json()) as SchoolPlanView;
      if (view.plan && view.people && !view.finding) {
        schoolId = device.schoolId!;
        plan = view;
        await postEvent(system.url, { id: 'e2e-plan-sos', type: 'alarm.sos', deviceId: device.id, at: new Date(system.now()).toISOString() });
        break;
      }
    }
    expect(schoolId).not.toBe('');

    // Tall enough for the docs' picture to hold the alarm's header and the school's card together.
    await page.setViewportSize({ width: 1920, height: 1500 });
    await signInContext(page.context(), system.url, 'police', DEMO_PASSWORD);
    await page.goto(`${system.url}/console`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    const schoolName = wall.schools.find((school) => school.id === schoolId)!.name;
    const row = page.locator('[data-testid="queue-row"]').filter({ hasText: schoolName });
    await row.waitFor({ timeout: 5_000 });
    await row.click();
    const card = page.getByTestId('alarm-detail').getByTestId('school-emergency-card');
    await card.getByTestId('plan-steps').waitFor({ timeout: 5_000 });
    await expect(card.getAttribute('data-school-id')).resolves.toBe(schoolId);

    const principal = card.getByTestId('principal');
    await expect(principal.innerText()).resolves.toContain(plan.people!.people.principal.name);
    await expect(principal.locator('a').getAttribute('href')).resolves.toBe(`tel:${plan.people!.people.principal.phone}`);
    await expect(card.getByTestId('principal').innerText()).resolves.toContain('校长（第一责任人）');
    const steps = await card.getByTestId('plan-steps').locator('li').allInnerTexts();
    expect(steps).toEqual(plan.plan!.plan.steps.sos);
    await expect(card.getByTestId('assembly-point').innerText()).resolves.toBe(plan.plan!.plan.assemblyPoint);
    await expect(card.getByTestId('hospital').innerText()).resolves.toContain(plan.plan!.plan.nearestHospital.name);
    await expect(card.getByTestId('plan-stale').count()).resolves.toBe(0);
    await expect(card.getByTestId('plan-missing').count()).resolves.toBe(0);
    await page.waitForTimeout(800); // the map's district shapes drawn, for the picture
    await page.screenshot({ path: path.join(docs, 'alarm-card-plan.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('the education bureau saves a new version of the plan from the desk’s school page, a wrong phone refused beside its field', async () => {
    await signInContext(page.context(), system.url, 'edu', DEMO_PASSWORD);
    await page.goto(`${system.url}/desk/schools/${schoolId}`);
    await page.getByTestId('open-plan-editor').click();
    const editor = page.getByTestId('plan-editor');
    await editor.getByTestId('plan-form').waitFor({ timeout: 10_000 });
    await expect(editor.getByTestId('assembly-point-input').inputValue()).resolves.toBe(plan.plan!.plan.assemblyPoint);

    // A wrong phone is refused beside its field, nothing saved.
    await editor.getByTestId('principal-phone').fill('12345');
    await editor.getByTestId('save-people').click();
    await expect(editor.getByTestId('people-form').getByRole('alert').first().innerText()).resolves.toContain('电话须为手机号');
    await expect(editor.getByTestId('save-people-outcome').innerText()).resolves.toBe('未保存：请改正标红的 1 处');
    await editor.getByTestId('principal-phone').fill(plan.people!.people.principal.phone);
    await editor.getByTestId('securityChief-phone').fill('0375-2345678');
    await editor.getByTestId('save-people').click();
    await expect.poll(() => editor.getByTestId('save-people-outcome').innerText()).toBe(`已保存为第 ${plan.people!.version + 1} 版`);

    await editor.getByTestId('assembly-point-input').fill('田径场南侧空地');
    await editor.getByTestId('save-plan').click();
    const version = plan.plan!.version + 1;
    await expect.poll(() => editor.getByTestId('save-plan-outcome').innerText()).toBe(`已保存为第 ${version} 版`);
    await expect.poll(async () => (await editor.getByTestId('plan-history').locator('li').first().innerText())).toContain(`第 ${version} 版`);
    // The plan's column from its top (typing in the assembly point scrolled it).
    await editor.getByTestId('plan-form').evaluate((form) => form.parentElement?.scrollTo(0, 0));
    await page.screenshot({ path: path.join(docs, 'plan-editor.png') });

    const saved = (await (await api.get(`/api/v1/schools/${schoolId}/plan`)).json()) as SchoolPlanView;
    expect(saved.plan).toMatchObject({ version, savedBy: '市教体局值班员', plan: { assemblyPoint: '田径场南侧空地' } });
  });
});
