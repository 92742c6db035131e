import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, Device } from '../../shared/domain/index.js';
import type { DrillAnswer } from '../../shared/drill.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, registryDevices, ROOT, shanghaiInstant, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
/** A school-day gate peak: Monday 2026-12-07 07:35 Asia/Shanghai. */
const PEAK = shanghaiInstant('2026-12-07T07:35:00');
const ON_SCREEN_MS = 10_000;

async function openAlarms(police: Session): Promise<Alarm[]> {
  const response = await police.get('/api/v1/alarms?state=open&limit=5000');
  expect(response.status).toBe(200);
  return ((await response.json()) as { alarms: Alarm[] }).alarms;
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('console at volume: 300+ open alarms and a drill (e2e, pinned 07:35)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let police: Session;
  let newestSos: Alarm;
  let drillAlarm: Alarm;
  const at = (): string => new Date(system.now()).toISOString();

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem({ startAt: PEAK });
    police = await signInApi(system.url, 'police', DEMO_PASSWORD);
    const [sos, intrusion, cameras] = await Promise.all([registryDevices(system.url, 'kind=sos'), registryDevices(system.url, 'kind=intrusion'), registryDevices(system.url, 'kind=camera')]);
    // The drill runs at the school of the last SOS button; no real alarm is raised there.
    const drillButton = sos.at(-1)!;
    const elsewhere = (devices: Device[]) => devices.filter((device) => device.schoolId !== drillButton.schoolId);
    // One device per school where it can be: alarms across many schools, as in a storm.
    const oneEach = (devices: Device[], count: number) => {
      const seen = new Set<string | null>();
      return elsewhere(devices).filter((device) => !seen.has(device.schoolId) && seen.add(device.schoolId)).slice(0, count);
    };
    const sosReal = oneEach(sos, 40);
    const intrusions = oneEach(intrusion, 60);
    const faulty = oneEach(cameras, 220);
    expect(sosReal).toHaveLength(40);
    expect(faulty.length).toBeGreaterThanOrEqual(200);
    const events = [
      ...faulty.map((device, i) => ({ id: `vol-cam-${i}`, type: 'camera.fault', deviceId: device.id, at: at(), fault: 'video_loss' })),
      ...intrusions.map((device, i) => ({ id: `vol-int-${i}`, type: 'alarm.intrusion', deviceId: device.id, at: at() })),
      ...sosReal.slice(0, -1).map((device, i) => ({ id: `vol-sos-${i}`, type: 'alarm.sos', deviceId: device.id, at: at() })),
    ];
    await postEvent(system.url, events);
    // The last SOS comes a moment later: the newest unacknowledged P1.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await postEvent(system.url, { id: 'vol-sos-last', type: 'alarm.sos', deviceId: sosReal.at(-1)!.id, at: at() });

    // A drill at one school, started with its alarm raised from the school's one-key button.
    const planned = await police.send('POST', '/api/v1/drills', { schoolId: drillButton.schoolId, scenario: '校门口持刀人员演练', plannedFor: at() });
    expect(planned.status).toBe(201);
    const drillId = ((await planned.json()) as DrillAnswer).drill.id;
    expect((await police.send('POST', `/api/v1/drills/${drillId}/start`, { raiseAlarm: true })).status).toBe(200);

    const open = await openAlarms(police);
    expect(open.filter((alarm) => !alarm.drill).length).toBeGreaterThanOrEqual(300);
    drillAlarm = open.find((alarm) => alarm.drill)!;
    expect(drillAlarm).toBeDefined();
    newestSos = open.find((alarm) => alarm.deviceId === sosReal.at(-1)!.id && !alarm.drill)!;

    browser = await launchBrowser();
    page = await newScreenPage(browser);
    await page.clock.install({ time: system.now() });
    await signInContext(page.context(), system.url, 'police', DEMO_PASSWORD);
    await page.goto(`${system.url}/console`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 20_000 });
    mkdirSync(screenshots, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('lists every open alarm, with the drill one click away in its own section, and selects the newest P1 by itself', async () => {
    const open = await openAlarms(police);
    const real = open.filter((alarm) => !alarm.drill).length;
    await expect.poll(() => page.getByTestId('queue-count-total').innerText(), { timeout: ON_SCREEN_MS }).toBe(String(open.length));
    await expect(page.getByTestId('queue-tab-count-alarms').innerText()).resolves.toBe(String(real));
    await expect(page.getByTestId('queue-tab-count-drills').innerText()).resolves.toBe('1');
    // Nothing was clicked: the newest unacknowledged real P1 is the one in the detail pane.
    await expect.poll(() => page.getByTestId('alarm-detail').getAttribute('data-alarm-id'), { timeout: ON_SCREEN_MS }).toBe(newestSos.id);
    // The list is virtual: a few dozen rows in the page, never all 300, and the last alarm is reached by scrolling.
    const rendered = await page.getByTestId('queue-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    // Each row in the page was measured as it came: the list's height is at least theirs plus the
    // estimate (QueueList's 124 px) for each row not in the page (rows of the first render, made
    // before any height was known and gone since, count too). The rows are taller than the
    // estimate, so unmeasured rows would leave the list shorter.
    const sizes = await page.getByTestId('queue-list').evaluate((list) => ({
      rows: [...list.querySelectorAll('li[data-index]')].map((row) => row.getBoundingClientRect().height),
      space: list.querySelector('.virtual-rows__space')?.getBoundingClientRect().height ?? 0,
    }));
    expect(sizes.rows.every((height) => height > 124)).toBe(true);
    expect(sizes.space).toBeGreaterThanOrEqual(sizes.rows.reduce((sum, height) => sum + height, 0) + (real - sizes.rows.length) * 124 - 1);
    await page.screenshot({ path: path.join(screenshots, 'console-volume.png') });
    await page.getByTestId('alarm-queue').screenshot({ path: path.join(screenshots, 'console-volume-queue.png') });
    copyFileSync(path.join(screenshots, 'console-volume.png'), path.join(ROOT, 'docs/screenshots/console-volume.png'));
    await page.getByTestId('queue-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    const last = [...open].filter((alarm) => !alarm.drill).sort((a, b) => b.priority - a.priority || (a.receivedAt < b.receivedAt ? 1 : -1))[0]!;
    await page.locator(`[data-testid="queue-row"][data-alarm-id="${last.id}"]`).waitFor({ timeout: ON_SCREEN_MS });

    // The drill alarm: one click on its section, one on its row.
    await page.getByTestId('queue-tab-drills').click();
    const drillRow = page.locator(`[data-testid="queue-row"][data-alarm-id="${drillAlarm.id}"]`);
    await drillRow.click();
    await expect(page.getByTestId('alarm-detail').getAttribute('data-alarm-id')).resolves.toBe(drillAlarm.id);
    await expect(page.getByTestId('drill-banner').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'console-volume-drill.png') });
  });

  it('lists every open alarm on the wall too, in a virtual list: a few dozen rows in the page, the last reached by scrolling', async () => {
    const open = await openAlarms(police);
    const wall = await newScreenPage(browser);
    try {
      await wall.clock.install({ time: system.now() });
      await signInContext(wall.context(), system.url, 'police', DEMO_PASSWORD);
      await wall.goto(`${system.url}/`);
      await expect.poll(() => wall.getByTestId('alarm-tab-count-open').innerText(), { timeout: ON_SCREEN_MS }).toBe(String(open.length));
      const list = wall.getByTestId('alarm-list');
      const rendered = await list.getByTestId('alarm-row').count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(60);
      await wall.screenshot({ path: path.join(screenshots, 'wall-volume.png') });
      // Scrolled to its end (again, as a reader would once the rows that came into view are measured), the list shows its last alarm whole, inside the list's box.
      const lastWhole = () =>
        list.evaluate((element, index) => {
          element.scrollTo({ top: element.scrollHeight });
          const row = element.querySelector(`li[data-index="${index}"]`)?.getBoundingClientRect();
          const box = element.getBoundingClientRect();
          return row !== undefined && row.top >= box.top - 1 && row.bottom <= box.bottom + 1;
        }, open.length - 1);
      await expect.poll(lastWhole, { timeout: ON_SCREEN_MS }).toBe(true);
      await wall.screenshot({ path: path.join(screenshots, 'wall-volume-end.png') });
      expect(await list.getByTestId('alarm-row').count()).toBeLessThan(60);
    } finally {
      await wall.context().close();
    }
  });

  it('lists every open fault ticket on /health in a virtual list, each row counting down, the last reached by scrolling', async () => {
    const screen = await newScreenPage(browser);
    try {
      await screen.clock.install({ time: system.now() });
      await signInContext(screen.context(), system.url, 'police', DEMO_PASSWORD);
      await screen.goto(`${system.url}/health`);
      // The 220 cameras with a fault posted before the tests.
      const figure = async () => Number((await screen.getByTestId('health-open-tickets').innerText()).replace(/\D/g, ''));
      await expect.poll(figure, { timeout: ON_SCREEN_MS }).toBeGreaterThanOrEqual(200);
      const total = await figure();
      const list = screen.getByTestId('fault-ticket-list');
      await list.getByTestId('fault-ticket').first().waitFor({ timeout: ON_SCREEN_MS });
      const rendered = await list.getByTestId('fault-ticket').count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(60);
      await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      const lastIndex = () => list.locator('li[data-index]').evaluateAll((items) => Math.max(...items.map((item) => Number(item.getAttribute('data-index')))));
      await expect.poll(lastIndex, { timeout: ON_SCREEN_MS }).toBe(total - 1);
      await screen.screenshot({ path: path.join(screenshots, 'health-volume.png') });
    } finally {
      await screen.context().close();
    }
  });

  it('narrows the list with the filters, which stay in view', async () => {
    await page.getByTestId('queue-tab-alarms').click();
    await page.getByTestId('queue-filter-p1').click();
    await expect.poll(() => page.getByTestId('queue-shown').innerText()).toMatch(/^显示 40 \//);
    const priorities = await page.locator('[data-testid="queue-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-priority')));
    expect(new Set(priorities)).toEqual(new Set(['1']));
    await page.getByTestId('queue-filter-p1').click();
    await page.getByTestId('queue-filter-type').selectOption('intrusion');
    await expect.poll(() => page.getByTestId('queue-shown').innerText()).toMatch(/^显示 60 \//);
    await page.getByTestId('queue-filter-type').selectOption('');
    await page.getByTestId('queue-filter-district').selectOption('410402');
    await expect.poll(async () => new Set(await page.locator('[data-testid="queue-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-district'))))).toEqual(new Set(['410402']));
    await page.getByTestId('queue-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    await expect(page.getByTestId('queue-filters').isVisible()).resolves.toBe(true);
    await page.getByTestId('queue-filter-clear').click();
  });

  it("brings an alarm picked on the map into the queue's view", async () => {
    /** Whether the alarm's row is in the queue's page, wholly inside the list's box. */
    const rowInView = (alarmId: string) =>
      page.getByTestId('queue-list').evaluate((list, id) => {
        const row = list.querySelector(`[data-alarm-id="${id}"]`)?.getBoundingClientRect();
        const box = list.getBoundingClientRect();
        return row !== undefined && row.top >= box.top - 1 && row.bottom <= box.bottom + 1;
      }, alarmId);
    await page.getByTestId('queue-tab-alarms').click();
    await page.getByTestId('queue-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    // A real ring's alarm is a P1 or P2 still waiting: near the top of the queue, out of view now.
    const ring = page.locator('.console__map [data-testid="alarm-ring"].alarm-ring--real').first();
    const alarmId = await ring.getAttribute('data-alarm-id');
    if (!alarmId) throw new Error('no ring on the console map');
    await expect.poll(() => rowInView(alarmId)).toBe(false);
    // Dispatched to the ring itself: sixty rings crowd the city's centre, one over another.
    await ring.dispatchEvent('click');
    await expect.poll(() => page.getByTestId('alarm-detail').getAttribute('data-alarm-id'), { timeout: ON_SCREEN_MS }).toBe(alarmId);
    await expect.poll(() => rowInView(alarmId), { timeout: ON_SCREEN_MS }).toBe(true);
  });

  it('acknowledges every P4 of a district in one go with one reason, each alarm on its own', async () => {
    await page.getByTestId('queue-filter-p4').click();
    await page.getByTestId('queue-filter-district').selectOption('410402');
    await page.getByTestId('bulk-check-all').click();
    const count = Number((await page.getByTestId('bulk-count').innerText()).match(/\d+/)?.[0]);
    expect(count).toBeGreaterThan(0);
    await page.getByTestId('bulk-action-ack').click();
    await page.getByTestId('bulk-note').fill('网络中断所致，已通知运维');
    await page.getByTestId('bulk-submit').click();
    await expect.poll(() => page.getByTestId('bulk-summary').innerText(), { timeout: 30_000 }).toBe(`完成 ${count} 条，未执行 0 条`);
    const acked = (await openAlarms(police)).filter((alarm) => alarm.districtCode === '410402' && alarm.priority === 4);
    expect(acked.length).toBe(count);
    for (const alarm of acked) {
      expect(alarm.state).toBe('acknowledged');
      expect(alarm.transitions.at(-1)).toMatchObject({ action: 'ack', note: '网络中断所致，已通知运维' });
    }
    await expect.poll(() => page.locator('[data-testid="queue-row"][data-state="new"]').count(), { timeout: ON_SCREEN_MS }).toBe(0);
    await page.getByTestId('queue-filter-clear').click();
  });

  it('shelves a nuisance camera: its alarm leaves the queue for the shelf, with who, why and the time left', async () => {
    const before = Number(await page.getByTestId('queue-tab-count-alarms').innerText());
    await page.getByTestId('queue-filter-p4').click();
    const row = page.getByTestId('queue-row').first();
    const deviceAlarm = (await row.getAttribute('data-alarm-id'))!;
    await row.click();
    await page.getByTestId('shelve-open').click();
    await page.getByTestId('shelve-minutes-60').click();
    await page.getByTestId('shelve-reason').fill('摄像头反复掉线，已报修');
    await page.getByTestId('shelve-submit').click();
    await expect.poll(() => page.getByTestId('queue-tab-count-shelved').innerText()).toBe('1');
    await expect(page.getByTestId('queue-tab-count-alarms').innerText()).resolves.toBe(String(before - 1));
    await page.getByTestId('queue-tab-shelved').click();
    await page.getByTestId('queue-filter-clear').click();
    await expect(page.locator(`[data-testid="queue-row"][data-alarm-id="${deviceAlarm}"]`).isVisible()).resolves.toBe(true);
    const item = page.getByTestId('shelf-item');
    await expect(item.innerText()).resolves.toContain('摄像头反复掉线，已报修');
    await expect(item.getByTestId('shelf-left').innerText()).resolves.toMatch(/^剩余 (59:[0-5]\d|1:00:00)$/);
    await page.screenshot({ path: path.join(screenshots, 'console-volume-shelf.png') });
    await item.getByTestId('shelf-unshelve').click();
    await expect.poll(() => page.getByTestId('queue-tab-count-shelved').innerText()).toBe('0');
    await expect(page.getByTestId('queue-tab-count-alarms').innerText()).resolves.toBe(String(before));
  });

  it('scrolls the detail pane so the dispatch list and the whole timeline are reachable on a smaller screen (1366×768)', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByTestId('queue-tab-alarms').click();
    await page.getByTestId('queue-filter-p1').click();
    await page.getByTestId('queue-row').first().click();
    await page.getByTestId('action-dispatch').click();
    const units = page.getByTestId('dispatch-unit');
    await units.first().waitFor();
    const detail = page.getByTestId('console-detail');
    const box = (await detail.boundingBox())!;
    // The operator's wheel over the pane reaches the last unit and the last timeline step.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 4000);
    await expect.poll(() => detail.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
    const inView = async (locator: typeof units): Promise<boolean> => {
      const item = (await locator.boundingBox())!;
      return item.y >= box.y - 1 && item.y + item.height <= box.y + box.height + 1;
    };
    await expect.poll(() => inView(page.getByTestId('timeline-step').last())).toBe(true);
    // Wheeling back up reaches the last unit of the dispatch list.
    let reached = await inView(units.last());
    for (let step = 0; step < 40 && !reached; step++) {
      await page.mouse.wheel(0, -100);
      await page.waitForTimeout(30);
      reached = await inView(units.last());
    }
    expect(reached).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'console-volume-1366.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('flashes the rows of SOS alarms that arrive live, not the hundreds it loaded, and none once so many arrive at once that it is a flood', async () => {
    await page.goto(`${system.url}/console`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('queue-filter-p1').click();
    const rows = page.getByTestId('queue-row');
    const flashing = page.locator('[data-testid="queue-row"].queue-row--fresh');
    // The newest SOS are the last of the P1 rows (oldest first): scroll there before counting.
    const atTheEnd = async <T>(read: () => Promise<T>): Promise<T> => {
      await page.getByTestId('queue-list').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
      return read();
    };
    await rows.first().waitFor({ timeout: ON_SCREEN_MS });
    expect(await atTheEnd(() => flashing.count())).toBe(0);

    const busy = new Set<string | null>((await openAlarms(police)).map((alarm) => alarm.schoolId));
    const seen = new Set<string | null>();
    const buttons = (await registryDevices(system.url, 'kind=sos')).filter((device) => !busy.has(device.schoolId) && !seen.has(device.schoolId) && seen.add(device.schoolId)).slice(0, 14);
    expect(buttons).toHaveLength(14);
    const raise = (devices: Device[], from: number) => postEvent(system.url, devices.map((device, i) => ({ id: `live-sos-${from + i}`, type: 'alarm.sos', deviceId: device.id, at: at() })));
    const rowOf = async (device: Device) => {
      const alarm = (await openAlarms(police)).find((open) => open.deviceId === device.id && !open.drill)!;
      return page.locator(`[data-testid="queue-row"][data-alarm-id="${alarm.id}"]`);
    };

    // Three at once: each flashes (up to ten may).
    await raise(buttons.slice(0, 3), 0);
    await expect.poll(() => atTheEnd(() => flashing.count()), { timeout: ON_SCREEN_MS }).toBe(3);
    await expect((await rowOf(buttons[2]!)).getAttribute('class')).resolves.toContain('queue-row--fresh');

    // Eleven more within the same seconds: fourteen fresh at once is a flood, and no row flashes.
    await raise(buttons.slice(3), 3);
    const newest = await rowOf(buttons.at(-1)!);
    await expect.poll(() => atTheEnd(() => newest.count()), { timeout: ON_SCREEN_MS }).toBe(1);
    await expect.poll(() => atTheEnd(() => flashing.count()), { timeout: ON_SCREEN_MS }).toBe(0);
    await page.getByTestId('queue-filter-clear').click();
  });
});
