import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { SessionUser } from '../../shared/auth.js';
import type { WallSnapshot } from '../../shared/wall.js';
import { sessionFrom, type Session } from './auth.js';

/** The Chromium to drive: Debian's `chromium` package unless CHROMIUM_PATH names another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the e2e suite can run. Without Chromium a developer's run skips it with a visible
 * warning; in CI (`CI` set) it reports available so the suite runs and fails loudly instead.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) return true;
  console.warn(`\n  ⚠ e2e skipped: no Chromium at ${chromiumPath} (install Debian's chromium or set CHROMIUM_PATH)\n`);
  return false;
}

/** Launches headless Chromium with a fresh profile (playwright makes a temporary one). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The demo accounts' password (README "Demo accounts"; seeded unless NODE_ENV=production or XIAOAN_DEMO=off). */
export const DEMO_PASSWORD = 'xiaoan-demo';

/**
 * Signs in through the real sign-in page, as a person would: opens `/login` (with `next` when
 * given), fills the form, and waits until the page has left `/login`.
 */
export async function signIn(page: Page, baseUrl: string, username: string, password: string, next?: string): Promise<void> {
  await page.goto(`${baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}

async function login(baseUrl: string, username: string, password: string): Promise<Response> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Signs in over the API from the test itself (an existing account, e.g. a demo one): cookies and fetch helpers. */
export async function signInApi(baseUrl: string, username: string, password: string): Promise<Session> {
  const response = await login(baseUrl, username, password);
  const { user } = (await response.json()) as { user: SessionUser };
  return sessionFrom(baseUrl, user, response.headers.getSetCookie());
}

/**
 * A page in a browser context of its own, 1920×1080 (a command-centre screen) unless `options` say otherwise,
 * with the `__name` shim that tsx-compiled functions passed to the page need.
 */
export async function newScreenPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, ...options });
  const page = await context.newPage();
  await page.addInitScript('window.__name = (f) => f');
  return page;
}

/** Signs `username` in over the API and reads the wall snapshot as that person sees it (it must answer 200). */
export async function wallAs(baseUrl: string, username: string, password: string): Promise<{ session: Session; wall: WallSnapshot }> {
  const session = await signInApi(baseUrl, username, password);
  const response = await session.get('/api/v1/wall');
  if (response.status !== 200) throw new Error(`GET /api/v1/wall answered ${response.status} for ${username}: ${await response.text()}`);
  return { session, wall: (await response.json()) as WallSnapshot };
}

/**
 * Signs a browser context in through the API (`POST /api/v1/auth/login`) and gives it the
 * session and CSRF cookies: faster than the form when a test is not about signing in.
 */
export async function signInContext(context: BrowserContext, baseUrl: string, username: string, password: string): Promise<void> {
  const response = await login(baseUrl, username, password);
  const cookies = response.headers.getSetCookie().map((header) => {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const flags = attributes.map((attribute) => attribute.toLowerCase());
    return {
      name: pair.slice(0, separator),
      value: pair.slice(separator + 1),
      url: baseUrl,
      httpOnly: flags.includes('httponly'),
      sameSite: flags.includes('samesite=strict') ? ('Strict' as const) : ('Lax' as const),
    };
  });
  await context.addCookies(cookies);
}

/** A screen region's pixels: how many show anything (alpha above 0) and, for a small region, the RGBA bytes row by row (device pixels). */
export interface ScreenPixels {
  width: number;
  height: number;
  inked: number;
  /** Empty for a region over 10,000 pixels (they would cross to the test as one number each). */
  data: number[];
}

/**
 * The pixels of the elements matching `selector` as the screen shows them, alone: every other
 * element hidden (`visibility`, which moves nothing) and the page's background transparent, within
 * `clip` (page CSS pixels). A canvas drawn by a worker (`transferControlToOffscreen`) cannot be
 * read with `getImageData`: this reads what the compositor shows. Null when nothing matches.
 */
export async function screenPixels(page: Page, selector: string, clip: { x: number; y: number; width: number; height: number }): Promise<ScreenPixels | null> {
  if ((await page.locator(selector).count()) === 0) return null;
  const style = await page.addStyleTag({
    content: `body * { visibility: hidden !important; } html, body { background: transparent !important; } ${selector} { visibility: visible !important; }`,
  });
  let png: Buffer;
  try {
    png = await page.screenshot({ clip, omitBackground: true });
  } finally {
    await style.evaluate((element) => (element as Element).remove());
  }
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context to read the screenshot');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked += 1;
    return { width: bitmap.width, height: bitmap.height, inked, data: data.length <= 40_000 ? [...data] : [] };
  }, png.toString('base64'));
}
