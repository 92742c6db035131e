import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionList } from '../../shared/inspections.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, ROOT, startSystem, SYSTEM_TOKEN, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'docs/screenshots');
const ON_SCREEN_MS = 20_000;

describe.skipIf(!chromiumAvailable())('city/county inspections on the desk and the 1-3-5 attainment on the console (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let edu: Session;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    system = await startSystem();
    edu = await signInApi(system.url, 'edu', DEMO_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('shows last term’s duties from the seeded campaigns, records a city inspection and publishes and shows its circular', async () => {
    await signInContext(page.context(), system.url, 'edu', DEMO_PASSWORD);
    await page.goto(`${system.url}/desk/inspections`);
    const duties = page.getByTestId('inspection-duties');
    await duties.locator('tbody tr').nth(10).waitFor({ timeout: ON_SCREEN_MS });
    // The city and its ten districts, each with its education and police duty.
    await expect(duties.locator('tbody tr').count()).resolves.toBe(11);

    // Last term (a date in it): seeded campaigns, judged as ended.
    const today = new Date(system.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const current = (await (await edu.get('/api/v1/inspections')).json()) as InspectionList;
    const lastTermDate = new Date(Date.parse(`${current.term.start}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('inspection-term').fill(lastTermDate);
    const last = (await (await edu.get(`/api/v1/inspections?term=${lastTermDate}`)).json()) as InspectionList;
    expect(last.campaigns.length).toBeGreaterThan(20);
    await expect.poll(() => page.locator('[data-testid="inspection-list"] li').count(), { timeout: ON_SCREEN_MS }).toBe(last.campaigns.length);
    const statuses = await duties.locator('td[data-status]').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.status));
    // The table reads a row per level (the city, then each district), a cell per department.
    const levels = [...new Set(last.duties.map((d) => d.districtCode))];
    expect(statuses).toEqual(levels.flatMap((code) => (['education', 'police'] as const).map((department) => last.duties.find((d) => d.districtCode === code && d.department === department)!.status)));
    expect(statuses).not.toContain('pending');
    const circulated = last.campaigns.find((c) => c.circular && c.findings.length > 0)!;
    await page.getByTestId(`inspection-${circulated.id}`).locator('button').click();
    const circular = page.getByTestId('inspection-circular');
    await expect(circular.getByTestId('circular-text').innerText()).resolves.toBe(circulated.circular!.text);
    await expect(circular.locator('[data-testid^="circular-school-"]').count()).resolves.toBe(new Set(circulated.findings.map((f) => f.schoolId)).size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-inspection-circular.png') });

    // This term: record a city inspection through the form, then publish its circular.
    await page.getByTestId('inspection-term').fill(today);
    await page.getByTestId('inspection-new').click();
    await page.getByTestId('inspection-title').fill('冬季校园安全专项督导');
    await page.getByTestId('inspection-start').fill(today);
    await page.getByTestId('inspection-end').fill(today);
    await page.getByTestId('inspection-schools').fill('S0001, S0002');
    await page.getByTestId('inspection-add-finding').click();
    await page.getByTestId('inspection-finding-school-0').fill('S0009');
    await page.getByTestId('inspection-finding-text-0').fill('消防器材过期');
    await page.getByTestId('inspection-save').click();
    // A finding at a school not inspected is refused, in Chinese.
    await expect(page.getByTestId('inspection-form-error').innerText({ timeout: ON_SCREEN_MS })).resolves.toMatch(/[\u4e00-\u9fff]/);
    await page.getByTestId('inspection-finding-school-0').fill('S0002');
    await page.getByTestId('inspection-save').click();
    const form = page.getByTestId('circular-form');
    await form.waitFor({ timeout: ON_SCREEN_MS });
    await page.getByTestId('circular-date').fill(today);
    await page.getByTestId('circular-text-input').fill('市教体局于今日对2所学校开展了冬季安全专项督导，发现问题1条，现予通报，请限期整改。');
    await page.getByTestId('circular-publish').click();
    await expect(page.getByTestId('circular-text').innerText({ timeout: ON_SCREEN_MS })).resolves.toContain('现予通报');
    const now = (await (await edu.get('/api/v1/inspections')).json()) as InspectionList;
    const mine = now.campaigns.find((c) => c.title === '冬季校园安全专项督导');
    expect(mine?.circular?.findings).toEqual([{ schoolId: 'S0002', text: '消防器材过期' }]);
    expect(now.duties.find((d) => d.department === 'education' && d.level === 'city')?.held).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-inspections.png') });
  }, 180_000);

  it('shows the 1-3-5 attainment by setting on the console’s load panel, the same figures as /alarms/stats', async () => {
    const police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    for (const school of ['S0001', 'S0002', 'S0003']) {
      const response = await fetch(`${system.url}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SYSTEM_TOKEN}` },
        body: JSON.stringify({ type: 'alarm.sos', deviceId: `SOS-${school}-1`, at: new Date(system.now()).toISOString() }),
      });
      expect(response.status).toBe(202);
    }
    const consolePage = await newScreenPage(browser);
    const context = consolePage.context();
    await signInContext(context, system.url, 'police', DEMO_PASSWORD);
    await consolePage.goto(`${system.url}/console`);
    const row = consolePage.locator('[data-testid="queue-row"][data-drill="false"]').first();
    await row.waitFor({ timeout: ON_SCREEN_MS });
    await row.click();
    await consolePage.getByTestId('action-ack').click();
    await expect.poll(() => consolePage.getByTestId('alarm-detail').getAttribute('data-state'), { timeout: ON_SCREEN_MS }).toBe('acknowledged');
    // The load panel is the console's default lower panel; its tabs stay in view.
    await expect(consolePage.getByTestId('panel-tab-load').isVisible()).resolves.toBe(true);
    // Re-open the panel so it reads the figures after the acknowledgement (it refreshes by itself only every so often).
    await consolePage.getByTestId('panel-tab-log').click();
    await consolePage.getByTestId('panel-tab-load').click();
    const overall = consolePage.getByTestId('attainment-all-acknowledge');
    await overall.waitFor({ timeout: ON_SCREEN_MS });
    const stats = (await (await police.get('/api/v1/alarms/stats')).json()) as AlarmLoadReport;
    expect(stats.attainment.all.alarms).toBe(3);
    expect(stats.attainment.all.acknowledge).toMatchObject({ met: 1 });
    const share = stats.attainment.all.acknowledge.share!;
    await expect.poll(() => overall.innerText(), { timeout: ON_SCREEN_MS }).toBe(`${(share * 100).toFixed(share === 1 ? 0 : 1)}%`);
    await expect(consolePage.locator('[data-testid^="attainment-"][data-testid$="-onScene"]').count()).resolves.toBe(1 + stats.attainment.bySetting.length);
    await consolePage.waitForTimeout(500);
    await consolePage.screenshot({ path: path.join(screenshots, 'console-attainment.png') });
    await context.close();
  }, 120_000);
});
