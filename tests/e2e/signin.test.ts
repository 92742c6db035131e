import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, School } from '../../shared/domain/index.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signIn } from '../helpers/browser.js';
import { ensureClientBuild, postEvent, registry, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/login.png');
const XINHUA = '410402';
/** Answers and redraws on a loaded machine get this long. */
const ON_SCREEN_MS = 15_000;

describe.skipIf(!chromiumAvailable())('signing in (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;

  async function freshPage(): Promise<Page> {
    return newScreenPage(browser);
  }

  beforeAll(async () => {
    ensureClientBuild();
    // The seeded demo accounts (README), and a generous per-address limit: this suite signs in many times from one address.
    // The first sign-in wait at two minutes, so the wait shown does not run out while the test reads it.
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: 'e2e-admin-password', XIAOAN_LOGIN_RATE_PER_MINUTE: '1000', XIAOAN_LOGIN_FIRST_DELAY_SECONDS: '120' } });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('sends a person who is not signed in to the sign-in page, and a wrong password gets a clear error', async () => {
    const page = await freshPage();
    await page.goto(`${system.url}/console`);
    await page.waitForURL((url) => url.pathname === '/login', { timeout: ON_SCREEN_MS });
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
    await expect(page.getByTestId('login-error').count()).resolves.toBe(0);
    await page.screenshot({ path: readmeScreenshot });

    await page.getByTestId('login-username').fill('police');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor({ timeout: ON_SCREEN_MS });
    await expect(error.getAttribute('data-reason')).resolves.toBe('wrong');
    await expect(error.innerText()).resolves.toBe('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    // The password field is emptied for the next try; the username stays.
    await expect(page.getByTestId('login-password').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('login-username').inputValue()).resolves.toBe('police');
    await page.screenshot({ path: path.join(screenshots, 'login-wrong.png') });

    // The right password goes on to where the person was sent from.
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/console', { timeout: ON_SCREEN_MS });
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: ON_SCREEN_MS });
    await page.context().close();
  });

  it('lands each role on its home screen and shows who is signed in', async () => {
    const homes = [
      { username: 'police', path: '/console', role: '公安值班员', scope: '全市' },
      { username: 'edu', path: '/desk', role: '教体局值班人员', scope: '全市' },
      { username: 'viewer', path: '/', role: '大屏只读', scope: '全市' },
      { username: 'admin', path: '/admin', role: '系统管理员', scope: '全市', password: 'e2e-admin-password' },
    ];
    for (const home of homes) {
      const page = await freshPage();
      await signIn(page, system.url, home.username, home.password ?? DEMO_PASSWORD);
      expect(new URL(page.url()).pathname, home.username).toBe(home.path);
      const badge = page.getByTestId('user-badge');
      await badge.waitFor({ timeout: ON_SCREEN_MS });
      await expect(badge.getByTestId('user-role').innerText()).resolves.toBe(home.role);
      await expect(badge.getByTestId('user-scope').innerText()).resolves.toBe(home.scope);
      // Only the administrator is offered the administration screen.
      await expect(page.getByTestId('nav-admin').count()).resolves.toBe(home.username === 'admin' ? 1 : 0);
      await page.context().close();
    }
  });

  it('slows repeated failures down and says in words how long to wait', async () => {
    const page = await freshPage();
    await page.goto(`${system.url}/login`);
    await page.getByTestId('login-username').fill('edu-xinhua');
    const error = page.getByTestId('login-error');
    const reasons: (string | null)[] = [];
    while (reasons.length < 9 && reasons.at(-1) !== 'throttled') {
      await page.getByTestId('login-password').fill(`wrong-${reasons.length}`);
      await page.getByTestId('login-submit').click();
      // Each answer empties the password field: the next try waits for it.
      await expect.poll(() => page.getByTestId('login-password').inputValue(), { timeout: ON_SCREEN_MS }).toBe('');
      reasons.push(await error.getAttribute('data-reason'));
    }
    // Wrong ×6 (five free failures and the one that starts the wait), then throttled: 429 with Retry-After, never a lock.
    expect(reasons).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'throttled']);
    await expect(error.innerText()).resolves.toMatch(/本机登录尝试过多，请 2 分钟后再试/);
    // Even the right password waits from this computer.
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-password').inputValue(), { timeout: ON_SCREEN_MS }).toBe('');
    await expect(error.getAttribute('data-reason')).resolves.toBe('throttled');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: path.join(screenshots, 'login-throttled.png') });
    await page.context().close();
  });

  it('signs out back to the sign-in page, and the screens need signing in again', async () => {
    const page = await freshPage();
    await signIn(page, system.url, 'police', DEMO_PASSWORD);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-sign-out').click();
    await page.waitForURL((url) => url.pathname === '/login', { timeout: ON_SCREEN_MS });
    await page.goto(`${system.url}/console/history`);
    await page.waitForURL((url) => url.pathname === '/login', { timeout: ON_SCREEN_MS });
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/history');
    // The old session cookie is no good any more at the API either.
    const cookies = await page.context().cookies(system.url);
    const stale = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    expect((await fetch(`${system.url}/api/v1/auth/me`, { headers: { cookie: stale } })).status).toBe(401);
    await page.context().close();
  });

  it('changes the password in the header dialog; the old one no longer signs in', async () => {
    const page = await freshPage();
    await signIn(page, system.url, 'edu', DEMO_PASSWORD);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-change-password').click();
    const dialog = page.getByTestId('password-dialog');
    await page.getByTestId('password-current').fill(DEMO_PASSWORD);
    await page.getByTestId('password-new').fill('short');
    await expect(dialog.getByRole('alert').innerText()).resolves.toContain('至少 10 个字符');
    await expect(page.getByTestId('password-save').isDisabled()).resolves.toBe(true);
    await page.getByTestId('password-new').fill('edu-new-password-1');
    await page.getByTestId('password-again').fill('edu-new-password-1');
    await page.getByTestId('password-save').click();
    const outcome = page.getByTestId('password-outcome');
    await outcome.waitFor({ timeout: ON_SCREEN_MS });
    await expect(outcome.getAttribute('data-ok')).resolves.toBe('true');
    await page.getByTestId('password-close').click();
    // Still signed in here; the old password is refused, the new one works.
    await expect(page.getByTestId('user-badge').count()).resolves.toBe(1);
    const old = await fetch(`${system.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'edu', password: DEMO_PASSWORD }) });
    expect(old.status).toBe(401);
    const fresh = await freshPage();
    await signIn(fresh, system.url, 'edu', 'edu-new-password-1');
    expect(new URL(fresh.url()).pathname).toBe('/desk');
    await page.context().close();
    await fresh.context().close();
  });

  it('goes to the sign-in page by itself when its session is ended elsewhere, and comes back after', async () => {
    const page = await freshPage();
    await signIn(page, system.url, 'viewer', DEMO_PASSWORD, '/health');
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: ON_SCREEN_MS });
    // The same session signed out from another place (its cookie used by someone else): the server closes its socket.
    const cookies = await page.context().cookies(system.url);
    const csrf = cookies.find((cookie) => cookie.name === 'xiaoan_csrf')?.value ?? '';
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const out = await fetch(`${system.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    await page.waitForURL((url) => url.pathname === '/login', { timeout: ON_SCREEN_MS });
    expect(new URL(page.url()).searchParams.get('next')).toBe('/health');
    await expect(page.getByTestId('login-expired').innerText()).resolves.toBe('登录已失效，请重新登录。');
    await page.getByTestId('login-username').fill('viewer');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => url.pathname === '/health', { timeout: ON_SCREEN_MS });
    await page.context().close();
  });

  it("shows a county operator only its own district's alarms on the console", async () => {
    const { schools } = await registry<{ schools: School[] }>(system.url, '/api/v1/schools');
    const { devices } = await registry<{ devices: Device[] }>(system.url, '/api/v1/devices?kind=sos');
    const districtOf = new Map(schools.map((school) => [school.id, school.districtCode]));
    const inside = devices.find((device) => device.schoolId && districtOf.get(device.schoolId) === XINHUA);
    const outside = devices.find((device) => device.schoolId && districtOf.get(device.schoolId) !== XINHUA);
    if (!inside?.schoolId || !outside?.schoolId) throw new Error('the dataset lacks SOS buttons inside and outside 新华区');

    const county = await freshPage();
    await signIn(county, system.url, 'police-xinhua', DEMO_PASSWORD);
    expect(new URL(county.url()).pathname).toBe('/console');
    await county.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: ON_SCREEN_MS });
    await expect(county.getByTestId('user-scope').innerText()).resolves.toBe('新华区');
    const city = await freshPage();
    await signIn(city, system.url, 'police', DEMO_PASSWORD, '/console');
    await city.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: ON_SCREEN_MS });

    const at = new Date().toISOString();
    await postEvent(system.url, [
      { id: 'e2e-signin-outside', type: 'alarm.sos', deviceId: outside.id, at },
      { id: 'e2e-signin-inside', type: 'alarm.sos', deviceId: inside.id, at },
    ]);

    // The city operator sees both; the county operator, by then, only its own.
    const cityRows = city.getByTestId('queue-row');
    await expect.poll(() => cityRows.count(), { timeout: ON_SCREEN_MS }).toBe(2);
    const countyRows = county.getByTestId('queue-row');
    await expect.poll(() => countyRows.count(), { timeout: ON_SCREEN_MS }).toBe(1);
    const insideName = schools.find((school) => school.id === inside.schoolId)?.name ?? '';
    await expect(countyRows.first().innerText()).resolves.toContain(insideName);
    // Nor does a reload (snapshot from the server) bring the other district's alarm.
    await county.reload();
    await county.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: ON_SCREEN_MS });
    await expect.poll(() => countyRows.count(), { timeout: ON_SCREEN_MS }).toBe(1);
    // Its load panel's district is its own, and cannot be changed.
    const district = county.getByTestId('load-district');
    await expect(district.inputValue()).resolves.toBe(XINHUA);
    await expect(district.isDisabled()).resolves.toBe(true);
    await county.screenshot({ path: path.join(screenshots, 'console-county.png') });
    await county.context().close();
    await city.context().close();
  });
});
