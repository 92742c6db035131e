import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
