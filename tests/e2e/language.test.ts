import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../shared/domain/index.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, postEvent, registry, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const ADMIN_PASSWORD = 'e2e-admin-password';

/**
 * A refused console command reaches the operator in the screen's language: two operators have the
 * same SOS open, B's network stalls, A acknowledges, B's acknowledgement is refused by the server
 * and B reads the server's reason in Chinese (and in English after switching the language).
 */
describe.skipIf(!chromiumAvailable())('refusals on the console in the UI language (e2e, Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;
  let holdB = false;
  let heldForB: (() => void)[] = [];

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    [pageA, pageB] = await Promise.all([newScreenPage(browser), newScreenPage(browser)]);
    await pageB.routeWebSocket(/\/socket\.io\//, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((message) => (holdB ? heldForB.push(() => ws.send(message)) : ws.send(message)));
    });
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  async function openConsole(page: Page, username: string, password: string): Promise<void> {
    await signInContext(page.context(), system.url, username, password);
    await page.goto(`${system.url}/console`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  }

  it("shows the server's reason for a lost acknowledgement in Chinese, and in English after switching", async () => {
    await Promise.all([openConsole(pageA, 'police', DEMO_PASSWORD), openConsole(pageB, 'admin', ADMIN_PASSWORD)]);
    const { devices } = await registry<{ devices: Device[] }>(system.url, '/api/v1/devices?kind=sos');
    const device = devices[7];
    if (!device) throw new Error('the dataset has too few SOS buttons');
    await postEvent(system.url, { id: 'e2e-language-sos', type: 'alarm.sos', deviceId: device.id, at: new Date(system.now()).toISOString() });

    // The only SOS: priority 1, at the top of the queue however many post alarms the peak brings.
    const rowA = pageA.locator('[data-testid="queue-row"]').filter({ hasText: '一键报警' }).first();
    await rowA.waitFor({ timeout: 10_000 }).catch(async (error: unknown) => {
      await pageA.screenshot({ path: path.join(screenshots, 'console-refusal-failed.png') });
      throw error;
    });
    const alarmId = (await rowA.getAttribute('data-alarm-id')) ?? '';
    await rowA.click();
    await pageB.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`).click();
    await expect(pageB.getByTestId('action-ack').isEnabled()).resolves.toBe(true);

    holdB = true;
    await pageA.getByTestId('action-ack').click();
    await expect.poll(() => pageA.getByTestId('alarm-detail').getAttribute('data-state')).toBe('acknowledged');
    await pageB.getByTestId('action-ack').click();
    await expect.poll(() => heldForB.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    holdB = false;
    for (const send of heldForB) send();
    heldForB = [];

    const feedback = pageB.getByTestId('action-feedback');
    await expect.poll(() => feedback.getAttribute('data-kind'), { timeout: 5_000 }).toBe('refused');
    await expect(feedback.getByTestId('feedback-server').innerText()).resolves.toContain('无法确认：该报警已确认');
    await expect(feedback.innerText()).resolves.not.toMatch(/cannot ack/);
    await pageB.screenshot({ path: path.join(screenshots, 'console-refusal-zh.png') });

    await pageB.getByTestId('language-switch').click();
    await expect.poll(() => feedback.getByTestId('feedback-server').innerText(), { timeout: 5_000 }).toContain('cannot ack this alarm: it is acknowledged');
  });
});
