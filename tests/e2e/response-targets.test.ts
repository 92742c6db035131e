import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, Device } from '../../shared/domain/index.js';
import type { DrillAnswer } from '../../shared/drill.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
/** How long the screens' clock runs after the alarms' receipt: 5 min 30 s, past every 1-3-5 limit, inside P3's 10 min. */
const WAITED_MS = 330_000;

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('response targets by priority and the sound button (e2e, pinned clock)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let police: Session;
  const contexts: BrowserContext[] = [];

  /**
   * A 1920×1080 signed-in page on the system's pinned clock; with `showAt`, once `ready` the
   * page's clock is set to `showAt` (without firing the timers a jump would: no socket timeout)
   * and held there, so the timers read exactly that instant.
   */
  async function pageAt(pathname: string, ready?: (page: Page) => Promise<void>, showAt?: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    contexts.push(context);
    await context.addInitScript('window.__name = (f) => f');
    await context.clock.install({ time: system.now() });
    await signInContext(context, system.url, 'police', DEMO_PASSWORD);
    const page = await context.newPage();
    await page.goto(`${system.url}${pathname}`);
    await ready?.(page);
    if (showAt !== undefined) {
      await page.clock.setSystemTime(showAt - 1_000);
      await page.clock.pauseAt(showAt);
      await page.clock.runFor(1_000); // one tick of the screens' shared 1 s clock
    }
    return page;
  }

  async function devices(kind: string): Promise<Device[]> {
    return ((await (await police.get(`/api/v1/devices?kind=${kind}`)).json()) as { devices: Device[] }).devices;
  }

  async function openAlarm(deviceId: string): Promise<Alarm> {
    let found: Alarm | undefined;
    await expect
      .poll(async () => {
        const { alarms } = (await (await police.get('/api/v1/alarms?state=open')).json()) as { alarms: Alarm[] };
        found = alarms.find((alarm) => alarm.deviceId === deviceId);
        return found !== undefined;
      })
      .toBe(true);
    return found!;
  }

  /** The console's held clock: the first alarm's receipt + 5:30, and the one tick after it. */
  let shownAt = 0;
  /**
   * `超时 +m:ss` of an alarm's clock past `targetSeconds` at the held instant: either side of the
   * tick, as the screens' 1 s clock last read it.
   */
  const lateBy = (alarm: Alarm, targetSeconds: number): RegExp => {
    const text = (ms: number): string => {
      const over = Math.floor((ms - Date.parse(alarm.receivedAt)) / 1000) - targetSeconds;
      return `${Math.floor(over / 60)}:${String(over % 60).padStart(2, '0')}`;
    };
    return new RegExp(`^超时 \\+(${text(shownAt - 1_000)}|${text(shownAt)})$`);
  };
  const row = (page: Page, alarm: Alarm): Locator => page.locator(`[data-testid="queue-row"][data-alarm-id="${alarm.id}"]`);

  beforeAll(async () => {
    ensureClientBuild();
    // A quiet school-day hour: no 护学岗 window, so the queue holds only this suite's alarms.
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET });
    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await system?.discard();
  });

  it('enables the sound on the first click of the button, and mutes on the second', async () => {
    const page = await pageAt('/console');
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });
    const sound = page.getByTestId('sound-control');
    await expect(sound.getAttribute('data-sound')).resolves.toBe('locked');
    await expect(page.getByTestId('sound-state').innerText()).resolves.toBe('点击启用声音');

    await sound.click();
    await expect.poll(() => sound.getAttribute('data-sound')).toBe('armed');
    await expect(page.getByTestId('sound-state').innerText()).resolves.toBe('声音已开启');

    await sound.click();
    await expect.poll(() => sound.getAttribute('data-sound')).toBe('muted');
    await expect(page.getByTestId('sound-state').innerText()).resolves.toBe('声音已关闭');
    await sound.click();
    await expect.poll(() => sound.getAttribute('data-sound')).toBe('armed');
  }, 120_000);

  it('runs 1-3-5 clocks for P1/P2 only: a P3 keeps its 10 minutes, a P4 runs none, late ones say 超时 +m:ss', async () => {
    const at = new Date(system.now()).toISOString();
    const [sos, intrusion, access, camera] = [(await devices('sos'))[3]!, (await devices('intrusion'))[5]!, (await devices('access'))[7]!, (await devices('camera'))[9]!];
    await postEvent(system.url, [
      { id: 'e2e-targets-sos', type: 'alarm.sos', deviceId: sos.id, at },
      { id: 'e2e-targets-intrusion', type: 'alarm.intrusion', deviceId: intrusion.id, at },
      { id: 'e2e-targets-access', type: 'alarm.access', deviceId: access.id, at, reason: 'held_open' },
      { id: 'e2e-targets-camera', type: 'camera.fault', deviceId: camera.id, at, fault: 'video_loss' },
    ]);
    const [p1, p2, p3, p4] = [await openAlarm(sos.id), await openAlarm(intrusion.id), await openAlarm(access.id), await openAlarm(camera.id)];
    expect([p1.priority, p2.priority, p3.priority, p4.priority]).toEqual([1, 2, 3, 4]);

    // The console's clock stands 5:31 after the receipt, as if the alarms had waited that long.
    const received = Date.parse(p1.receivedAt);
    shownAt = received + WAITED_MS + 1_000; // the held instant, plus the one tick
    const page = await pageAt('/console', (ready) => row(ready, p4).waitFor({ timeout: 30_000 }), received + WAITED_MS);

    for (const alarm of [p1, p2]) {
      const acknowledge = row(page, alarm).getByTestId('response-timer').first();
      await expect(acknowledge.getAttribute('data-level')).resolves.toBe('late');
      await expect(acknowledge.getAttribute('data-verdict')).resolves.toBe('late');
      await expect(acknowledge.locator('.timer__target').innerText()).resolves.toMatch(lateBy(alarm, 60));
      await expect(row(page, alarm).getByTestId('response-timer').count()).resolves.toBe(2);
    }
    // P3: its own 10-minute acknowledge target, no on-scene clock; not red at 5:30.
    const p3Timers = row(page, p3).getByTestId('response-timer');
    await expect(p3Timers.count()).resolves.toBe(1);
    await expect(p3Timers.first().getAttribute('data-level')).resolves.toBe('ok');
    await expect(p3Timers.first().locator('.timer__target').innerText()).resolves.toBe('限 10:00');
    // P4: no clock at all; says so.
    await expect(row(page, p4).getByTestId('response-timer').count()).resolves.toBe(0);
    await expect(row(page, p4).getByTestId('no-response-target').innerText()).resolves.toBe('无确认时限');

    await row(page, p1).click();
    await expect(page.getByTestId('alarm-detail').getByTestId('response-timer').first().locator('.timer__target').innerText()).resolves.toMatch(lateBy(p1, 60));
    await page.screenshot({ path: path.join(screenshots, 'console-targets.png') });

  });

  it('says 超时 +m:ss on the drill screen for a milestone running past its target', async () => {
    const sos = (await devices('sos'))[21]!;
    const planned = await police.send('POST', '/api/v1/drills', { schoolId: sos.schoolId, scenario: '持刀人员闯入校门', plannedFor: new Date(system.now()).toISOString() });
    expect(planned.status).toBe(201);
    const drillId = ((await planned.json()) as DrillAnswer).drill.id;
    const started = await police.send('POST', `/api/v1/drills/${drillId}/start`, { raiseAlarm: true });
    expect(started.status).toBe(200);
    const { alarm } = (await started.json()) as DrillAnswer;
    if (!alarm) throw new Error('the drill raised no alarm');

    // Held 2:31 after the drill alarm: acknowledge (1:00) is 1:31 over, dispatch (2:00) 0:31 over,
    // on scene (3:00) still in time. The drill screen corrects its clock by the server's, measured
    // over a real request at load (and libfaketime's offset is whole seconds), hence a few seconds' leeway.
    const received = Date.parse(alarm.receivedAt);
    const timer = (page: Page, milestone: string) => page.locator(`[data-testid="drill-timer"][data-milestone="${milestone}"]`);
    const page = await pageAt(`/drills/${encodeURIComponent(drillId)}`, (ready) => timer(ready, 'on_scene').waitFor({ timeout: 30_000 }), received + 150_000);
    await expect.poll(() => timer(page, 'acknowledged').getByTestId('drill-timer-verdict').innerText()).toMatch(/^超时 \+1:(2[5-9]|3[0-5])$/);
    await expect(timer(page, 'dispatched').getByTestId('drill-timer-verdict').innerText()).resolves.toMatch(/^超时 \+0:(2[5-9]|3[0-5])$/);
    await expect(timer(page, 'on_scene').getAttribute('data-level')).resolves.not.toBe('late');
    await expect(timer(page, 'on_scene').getByTestId('drill-timer-verdict').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'drill-targets.png') });
  }, 120_000);
});
