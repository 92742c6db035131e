/**
 * The loop shared by the A/B tools of client builds (bench/map-ab.ts, bench/map-pan.ts): round by
 * round, each build in turn is put in dist/client (what was there is restored at the end), a fresh
 * province server (the `map` scenario's imported dataset) and Chromium start, and the wall (or
 * another screen with the map, `MAP_SCREENS`) is loaded signed in with the map page's records installed. Alternating builds in
 * one run is what makes a comparison hold on a shared, noisy machine (docs/map-scale.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, launchBrowser, signInContext } from '../../tests/helpers/browser.js';
import { instrumentMapPage, waitForLoad, type LoadFigures } from './map-page.js';
import { IngestClient } from './http.js';
import { MAX_EVENTS_PER_BATCH } from '../../shared/ingest.js';
import { BENCH_TOKEN, ServerUnderTest } from './server.js';
import { viewerLink } from './viewer-link.js';

export interface BuildLoad {
  build: string;
  round: number;
  browser: Browser;
  page: Page;
  load: LoadFigures;
}

/** The `map` scenario's province data directory (imported by its first run). */
export const PROVINCE_DATA_DIR = '.scratch/bench/map-province';

/** The screens that draw the map (`WallMap`), each with the demo account that opens it. */
export const MAP_SCREENS = {
  wall: { path: '/', user: 'viewer' },
  console: { path: '/console', user: 'police' },
  /** Signed in by a viewer link the administrator makes, as a kiosk is. */
  kiosk: { path: '/kiosk', user: null },
} as const;
export type MapScreen = keyof typeof MAP_SCREENS;

/** `--screen <name>` taken out of `args` (the wall when absent). */
export function screenOption(args: string[]): MapScreen {
  const at = args.indexOf('--screen');
  if (at < 0) return 'wall';
  const name = args[at + 1];
  args.splice(at, 2);
  if (name === undefined || !(name in MAP_SCREENS)) throw new Error(`--screen takes one of ${Object.keys(MAP_SCREENS).join(', ')}`);
  return name as MapScreen;
}

export async function forEachBuildLoad(
  rounds: number,
  builds: readonly string[],
  visit: (loaded: BuildLoad) => Promise<void>,
  options: { dataDir?: string; screen?: MapScreen } = {},
): Promise<void> {
  const screen = MAP_SCREENS[options.screen ?? 'wall'];
  const live = path.resolve('dist/client');
  const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-builds-'));
  if (fs.existsSync(live)) fs.cpSync(live, kept, { recursive: true });
  try {
    for (let round = 0; round < rounds; round++) {
      for (const build of builds) {
        fs.rmSync(live, { recursive: true, force: true });
        fs.cpSync(build, live, { recursive: true });
        const server = await ServerUnderTest.start({ dataDir: options.dataDir ?? PROVINCE_DATA_DIR, scale: 'province', logFile: path.join(os.tmpdir(), 'xiaoan-builds-server.log') });
        const browser = await launchBrowser();
        try {
          const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
          if (screen.user !== null) await signInContext(context, server.url, screen.user, DEMO_PASSWORD);
          const page = await context.newPage();
          await instrumentMapPage(page);
          await page.goto(`${server.url}${screen.user === null ? await viewerLink(server.url, server.cookie, 'bench kiosk') : screen.path}`);
          const load = await waitForLoad(page, 60_000);
          await visit({ build, round, browser, page, load });
        } finally {
          await browser.close();
          await server.stop();
        }
      }
    }
  } finally {
    fs.rmSync(live, { recursive: true, force: true });
    if (fs.readdirSync(kept).length > 0) fs.cpSync(kept, live, { recursive: true });
    fs.rmSync(kept, { recursive: true, force: true });
  }
}

/** The province data directory with `count` open SOS alarms, made once (a copy of the `map` scenario's, the alarms posted to it). */
export async function withOpenAlarms(count: number): Promise<string> {
  const dataDir = `${PROVINCE_DATA_DIR}-alarms-${count}`;
  if (fs.existsSync(path.join(dataDir, 'xiaoan.sqlite'))) return dataDir;
  if (!fs.existsSync(path.join(PROVINCE_DATA_DIR, 'xiaoan.sqlite'))) throw new Error(`run the map scenario once first: ${PROVINCE_DATA_DIR} holds no dataset`);
  // Made beside it and renamed once every alarm is in: a failed run leaves no half-made copy to be taken next time.
  const making = `${dataDir}.making`;
  fs.rmSync(making, { recursive: true, force: true });
  fs.cpSync(PROVINCE_DATA_DIR, making, { recursive: true });
  const server = await ServerUnderTest.start({ dataDir: making, scale: 'province', logFile: path.join(os.tmpdir(), 'xiaoan-builds-server.log') });
  try {
    const buttons = (await server.getJson<{ devices: { id: string; schoolId?: string | null }[] }>('/api/v1/devices?kind=sos')).devices;
    const step = Math.max(1, Math.floor(buttons.length / count));
    const chosen = buttons.filter((_, index) => index % step === 0).slice(0, count);
    const at = new Date().toISOString();
    const ingest = new IngestClient(server.url, BENCH_TOKEN);
    for (let from = 0; from < chosen.length; from += MAX_EVENTS_PER_BATCH) {
      const batch = chosen.slice(from, from + MAX_EVENTS_PER_BATCH).map((button) => ({ type: 'alarm.sos', deviceId: button.id, at }));
      const answer = await ingest.post(JSON.stringify(batch));
      if (answer.status !== 202) throw new Error(`the alarms were answered ${answer.status}`);
    }
  } finally {
    await server.stop();
  }
  fs.renameSync(making, dataDir);
  return dataDir;
}
