import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, Device } from '../../shared/domain/index.js';
import type { DrillAnswer } from '../../shared/drill.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');

/**
 * 转为真实警情 in the console (issue 12): a drill alarm's detail pane offers the button; it asks
 * for a confirmation; once confirmed the alarm leaves the drill tab for the real queue, loses its
 * drill banner, and may be handed to 110 — the server answered, nothing was faked in the page.
 */
describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('转为真实警情 in the console (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let later: RunningSystem | null = null;
  let browser: Browser;
  let page: Page;
  let police: Session;

  beforeAll(async () => {
    ensureClientBuild();
    // A quiet hour of a school day, so the drill is planned and started on its day whatever the hour of the run.
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET });
    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    await page.clock.install({ time: system.now() });
    await signInContext(page.context(), system.url, 'police', DEMO_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await later?.kill();
    await system?.discard();
  });

  it('turns the selected drill alarm into a real alarm after a confirmation, and the console shows it as real', async () => {
    const { devices } = (await (await police.get('/api/v1/devices?kind=sos')).json()) as { devices: Device[] };
    const schoolId = devices[3]!.schoolId;
    const planned = (await (await police.send('POST', '/api/v1/drills', { schoolId, scenario: '持刀人员闯入校门', plannedFor: new Date(system.now()).toISOString() })).json()) as DrillAnswer;
    const started = (await (await police.send('POST', `/api/v1/drills/${planned.drill.id}/start`, { raiseAlarm: true })).json()) as DrillAnswer;
    const alarmId = started.alarm!.id;
    expect(started.alarm).toMatchObject({ drill: true, state: 'new' });

    await page.goto(`${system.url}/console`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('queue-tab-drills').click();
    await page.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`).click();
    const detail = page.getByTestId('alarm-detail');
    await expect(detail.getAttribute('data-alarm-id')).resolves.toBe(alarmId);
    await expect(page.getByTestId('drill-banner').isVisible()).resolves.toBe(true);
    // A drill alarm has no 110 hand-off; it has the conversion instead.
    await expect(page.getByTestId('action-handoff_sent').count()).resolves.toBe(0);
    const button = page.getByTestId('action-convert_real');
    await expect(button.innerText()).resolves.toBe('转为真实警情');
    await expect(button.isEnabled()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'console-convert-button.png') });

    // It asks first; going back changes nothing.
    await button.click();
    const confirm = page.getByTestId('convert-confirm');
    await expect(confirm.innerText()).resolves.toContain('确认将此演练报警转为真实警情');
    await page.screenshot({ path: path.join(screenshots, 'console-convert-confirm.png') });
    await page.getByTestId('convert-confirm-back').click();
    await expect(page.getByTestId('action-convert_real').isVisible()).resolves.toBe(true);
    expect(((await (await police.get(`/api/v1/alarms/${alarmId}`)).json()) as Alarm).drill).toBe(true);

    await page.getByTestId('action-convert_real').click();
    await page.getByTestId('convert-confirm-yes').click();
    await expect.poll(() => page.getByTestId('drill-banner').count()).toBe(0);
    await expect.poll(() => page.getByTestId('action-convert_real').count()).toBe(0);
    const stored = (await (await police.get(`/api/v1/alarms/${alarmId}`)).json()) as Alarm;
    expect(stored).toMatchObject({ drill: false, state: 'new', openedAt: started.alarm!.openedAt });
    expect(stored.transitions.at(-1)).toMatchObject({ action: 'convert_real', actor: police.user.displayName });

    // Now in the real queue, with the 110 hand-off open to it; the timeline names the step.
    await page.getByTestId('queue-tab-alarms').click();
    const row = page.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`);
    await expect.poll(() => row.getAttribute('data-drill')).toBe('false');
    await expect(page.getByTestId('action-handoff_sent').isEnabled()).resolves.toBe(true);
    await expect(detail.innerText()).resolves.toContain('转为真实警情');
    await page.screenshot({ path: path.join(screenshots, 'console-converted.png') });

    // The drill's record notes it.
    const drill = (await (await police.get(`/api/v1/drills/${planned.drill.id}`)).json()) as DrillAnswer;
    expect(drill.drill.notes).toEqual([expect.objectContaining({ kind: 'alarm_converted', alarmId })]);
  });

  it('says on the drill screen, live, that a drill ran past its length plus the margin and the system ended it', async () => {
    const { devices } = (await (await police.get('/api/v1/devices?kind=sos')).json()) as { devices: Device[] };
    const schoolId = devices[5]!.schoolId;
    const planned = (await (await police.send('POST', '/api/v1/drills', { schoolId, scenario: '消防疏散演练', plannedFor: new Date(system.now()).toISOString(), lengthMinutes: 5 })).json()) as DrillAnswer;
    const startedAt = system.now();
    expect((await police.send('POST', `/api/v1/drills/${planned.drill.id}/start`, { raiseAlarm: false })).status).toBe(200);
    await page.goto(`${system.url}/drills/${planned.drill.id}`);
    await expect.poll(() => page.getByTestId('drill-state').getAttribute('data-state')).toBe('running');
    await expect(page.getByTestId('drill-notes').innerText()).resolves.toContain('计划时长 5 分钟');

    // The same data on the same port, its clock 45 s short of the 5 minutes (a start takes a while), with no margin: the
    // server's own tick (every 5 s) ends the drill while the screen is connected.
    const port = Number(new URL(system.url).port);
    await system.kill();
    later = await startSystem({ startAt: startedAt + 5 * 60_000 - 45_000, dataDir: system.dataDir, port, env: { XIAOAN_DRILL_MARGIN_MINUTES: '0' } });
    await expect.poll(() => page.getByTestId('drill-state').getAttribute('data-state'), { timeout: 120_000 }).toBe('ended');
    const notice = page.locator(`[data-testid="drill-time-limit-notice"][data-drill-id="${planned.drill.id}"]`);
    await expect(notice.innerText()).resolves.toContain('演练超时已自动结束');
    const note = page.locator('[data-testid="drill-note"][data-kind="auto_ended"]');
    await expect(note.innerText()).resolves.toContain('系统已自动结束演练');
    await page.screenshot({ path: path.join(screenshots, 'drill-time-limit.png') });
    await page.getByTestId('drill-time-limit-dismiss').click();
    await expect(notice.count()).resolves.toBe(0);
  });
});
