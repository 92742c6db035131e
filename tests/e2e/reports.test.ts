import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportAnswer } from '../../shared/report.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshot = path.join(ROOT, 'docs/screenshots/desk-reports.png');
/** The machine running the suite may be loaded: a report of the city takes a few seconds in the worker pool. */
const ON_SCREEN_MS = 60_000;

describe.skipIf(!chromiumAvailable())('the desk’s periodic reports page (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    page = await newScreenPage(browser, { acceptDownloads: true });
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: 'e2e-admin-password', XIAOAN_REPORT_SCHEDULE: 'off' } });
    await signInContext(page.context(), system.url, 'edu', DEMO_PASSWORD);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('lists the kept reports, makes one now, and downloads its PDF', async () => {
    const session = await signInApi(system.url, 'edu', DEMO_PASSWORD);
    const made = await session.send('POST', '/api/v1/reports', { kind: 'weekly' });
    expect(made.status).toBe(201);
    const weekly = (await made.json()) as ReportAnswer;

    await page.goto(`${system.url}/desk/reports`);
    await page.getByTestId('report-row').first().waitFor({ timeout: ON_SCREEN_MS });
    expect(await page.getByTestId('report-row').first().innerText()).toContain(weekly.report.label);

    await page.getByTestId('report-make-monthly').click();
    await page.getByTestId('report-row').nth(1).waitFor({ timeout: ON_SCREEN_MS });
    expect(await page.getByTestId('report-row').first().innerText()).toContain('月报');
    await page.waitForTimeout(300);
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-pdf').first().click()]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000);
});
