import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../shared/domain/index.js';
import { chromiumAvailable, launchBrowser, newScreenPage, signIn, signInApi } from '../helpers/browser.js';
import { ensureClientBuild, registryDevices, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/admin.png');
const ADMIN_PASSWORD = 'e2e-admin-password';
/** Answers and redraws on a loaded machine get this long. */
const ON_SCREEN_MS = 15_000;

describe.skipIf(!chromiumAvailable())('administration (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let camera: Device;

  /** One keepalive from a real camera, sent as an integration would. */
  function ingest(token: string, id: string): Promise<Response> {
    return fetch(`${system.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ id, type: 'camera.heartbeat', deviceId: camera.id, at: new Date().toISOString() }),
    });
  }

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    const first = (await registryDevices(system.url, 'kind=camera'))[0];
    if (!first) throw new Error('the dataset has no camera');
    camera = first;
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: system.url });
    await signIn(page, system.url, 'admin', ADMIN_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('lands the administrator on /admin with the people list', async () => {
    expect(new URL(page.url()).pathname).toBe('/admin');
    const rows = page.getByTestId('user-row');
    await rows.first().waitFor({ timeout: ON_SCREEN_MS });
    // The administrator and the seeded demo accounts.
    for (const username of ['admin', 'police', 'police-xinhua', 'edu', 'viewer']) {
      await expect(page.locator(`[data-testid="user-row"][data-username="${username}"]`).count(), username).resolves.toBe(1);
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: readmeScreenshot });
  });

  it('creates a county user in the form, who can then sign in with its district', async () => {
    await page.getByTestId('user-add').click();
    await page.getByTestId('user-form-username').fill('edu-weidong');
    await page.getByTestId('user-form-display-name').fill('卫东区教体局值班员');
    await page.getByTestId('user-form-role').selectOption('education_staff');
    await page.getByTestId('user-form-district').selectOption('410403');
    await page.getByTestId('user-form-password').fill('weidong-password-1');
    await page.getByTestId('user-form-save').click();
    const row = page.locator('[data-testid="user-row"][data-username="edu-weidong"]');
    await row.waitFor({ timeout: ON_SCREEN_MS });
    await expect(row.innerText()).resolves.toContain('卫东区');
    const session = await signInApi(system.url, 'edu-weidong', 'weidong-password-1');
    expect(session.user).toMatchObject({ role: 'education_staff', districtCode: '410403', displayName: '卫东区教体局值班员' });

    // Disabled, the account can no longer sign in.
    await row.getByTestId('user-toggle').click();
    await expect.poll(() => row.getByTestId('user-status').innerText(), { timeout: ON_SCREEN_MS }).toBe('已停用');
    await expect(signInApi(system.url, 'edu-weidong', 'weidong-password-1')).rejects.toThrow(/401|403|423/);
  });

  it('creates a responder bound to a police post in the form: its unit shows in the list and comes with its sign-in', async () => {
    await page.getByTestId('user-add').click();
    await page.getByTestId('user-form-username').fill('unit-e2e');
    await page.getByTestId('user-form-display-name').fill('中兴路警务室民警');
    await page.getByTestId('user-form-role').selectOption('responder');
    await page.getByTestId('user-form-district').selectOption('410402');
    const unit = page.getByTestId('user-form-unit');
    const firstUnit = await unit.locator('option:not([disabled])').first().getAttribute('value');
    const firstName = await unit.locator('option:not([disabled])').first().innerText();
    await unit.selectOption(firstUnit!);
    await page.getByTestId('user-form-password').fill('unit-e2e-password');
    await page.getByTestId('user-form').screenshot({ path: path.join(ROOT, 'docs/screenshots/admin-responder.png') });
    await page.getByTestId('user-form-save').click();
    const row = page.locator('[data-testid="user-row"][data-username="unit-e2e"]');
    await row.waitFor({ timeout: ON_SCREEN_MS });
    await expect(row.innerText()).resolves.toContain(firstName);
    await expect(row.innerText()).resolves.toContain('出警单位人员');
    const session = await signInApi(system.url, 'unit-e2e', 'unit-e2e-password');
    expect(session.user).toMatchObject({ role: 'responder', unitId: firstUnit, districtCode: '410402' });
  });

  it('creates an ingest token shown once, which works at once and stops working once revoked', async () => {
    await page.getByTestId('admin-tab-tokens').click();
    await page.getByTestId('admin-tokens').waitFor();
    await page.getByTestId('token-name').fill('新华区视频网关');
    await page.getByTestId('token-create').click();
    const box = page.getByTestId('once-secret');
    await box.waitFor({ timeout: ON_SCREEN_MS });
    await expect(box.innerText()).resolves.toContain('只显示这一次');
    const token = await page.getByTestId('once-secret-value').inputValue();
    expect(token.length).toBeGreaterThanOrEqual(20);
    await page.getByTestId('once-secret-copy').click();
    await expect.poll(() => page.getByTestId('once-secret-copy').innerText(), { timeout: ON_SCREEN_MS }).toBe('已复制');
    await page.screenshot({ path: path.join(screenshots, 'admin-token-once.png') });

    const accepted = await ingest(token, 'e2e-admin-token-1');
    expect(accepted.status, await accepted.text()).toBe(202);

    // The list shows it by name and prefix, never the token itself; closing the box drops it from the page.
    const row = page.locator('[data-testid="token-row"]').filter({ hasText: '新华区视频网关' });
    await expect(row.getAttribute('data-revoked')).resolves.toBe('false');
    await page.getByTestId('once-secret-close').click();
    await expect(box.count()).resolves.toBe(0);
    await expect(page.locator('body').innerText()).resolves.not.toContain(token);

    await row.getByTestId('revoke').click();
    await row.getByTestId('revoke-confirm').click();
    await expect.poll(() => row.getAttribute('data-revoked'), { timeout: ON_SCREEN_MS }).toBe('true');
    await expect(row.getByTestId('token-state').innerText()).resolves.toContain('已吊销');
    const refused = await ingest(token, 'e2e-admin-token-2');
    expect(refused.status).toBe(401);
    await page.screenshot({ path: path.join(screenshots, 'admin-tokens.png') });
  });

  it('creates a kiosk viewer link shown once, which signs a screen in until it is revoked', async () => {
    await page.getByTestId('admin-tab-links').click();
    await page.getByTestId('admin-links').waitFor();
    await page.getByTestId('link-name').fill('市局指挥大厅 1 号屏');
    await page.getByTestId('link-district').selectOption('410402');
    await page.getByTestId('link-create').click();
    await page.getByTestId('once-secret').waitFor({ timeout: ON_SCREEN_MS });
    const url = new URL(await page.getByTestId('once-secret-value').inputValue());
    expect(url.origin).toBe(system.url);
    expect(url.pathname).toBe('/kiosk');
    const key = url.searchParams.get('key') ?? '';
    expect(key).not.toBe('');

    const exchange = (): Promise<Response> =>
      fetch(`${system.url}/api/v1/auth/kiosk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    const before = await exchange();
    expect(before.status).toBe(200);
    expect(((await before.json()) as { user: { role: string; districtCode: string | null } }).user).toMatchObject({ role: 'viewer', districtCode: '410402' });

    const row = page.locator('[data-testid="link-row"]').filter({ hasText: '市局指挥大厅 1 号屏' });
    await expect(row.innerText()).resolves.toContain('新华区');
    await page.getByTestId('once-secret-close').click();
    await row.getByTestId('revoke').click();
    await row.getByTestId('revoke-confirm').click();
    await expect.poll(() => row.getAttribute('data-revoked'), { timeout: ON_SCREEN_MS }).toBe('true');
    expect((await exchange()).status).toBeGreaterThanOrEqual(400);
  });

  it('finds the token and link changes in the audit log, with who made them', async () => {
    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('admin-audit').waitFor();
    await page.getByTestId('audit-action').fill('token.');
    await page.getByTestId('audit-search').click();
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.count(), { timeout: ON_SCREEN_MS }).toBe(2);
    await expect(rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.action))).resolves.toEqual(['token.revoke', 'token.create']);
    await expect(rows.first().getByTestId('audit-row-actor').innerText()).resolves.toBe('admin');
    // Each entry reads as a sentence in the screen's language, not as codes and JSON.
    await expect(rows.first().getByTestId('audit-row-sentence').innerText()).resolves.toMatch(/ 撤销了接入令牌（“.+”）$/);
    // The CSV link carries the same search.
    const href = await page.getByTestId('audit-csv').getAttribute('href');
    expect(href).toContain('action=token.');

    await page.getByTestId('audit-action').fill('');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => rows.count(), { timeout: ON_SCREEN_MS }).toBeGreaterThan(5);
    const actions = await rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.action));
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'user.create', 'user.update', 'viewer_link.create', 'viewer_link.revoke']));
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(screenshots, 'admin-audit.png') });
  });
});
