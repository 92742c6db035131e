import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Locator, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, Device, School } from '../../shared/domain/index.js';
import type { SchoolPlanView } from '../../shared/domain/school-plan.js';
import { distanceM, nearest } from '../../shared/geo.js';
import type { WallSnapshot } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signIn, signInApi, signInContext, wallAs } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, registryDevices, ROOT, SCHOOL_DAY_QUIET, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const docs = path.join(ROOT, 'docs/screenshots');
const ADMIN_PASSWORD = 'e2e-admin-password';
const RESPONDER = { username: 'e2e-unit-phone', password: 'e2e-responder-password', displayName: '测试民警' };
/** A phone (390×844 CSS pixels, touch) as the issue asks, in Chinese. */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
/** Metres north of a point, as a latitude offset (a metre of latitude is ~1/111,320 degree). */
const northOf = (point: { lat: number; lng: number }, metres: number) => ({ latitude: point.lat + metres / 111_320, longitude: point.lng });

function keep(name: string, page: Page): Promise<Buffer> {
  return page.screenshot({ path: path.join(screenshots, name) }).then((shot) => {
    copyFileSync(path.join(screenshots, name), path.join(docs, name));
    return shot;
  });
}

describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('the dispatched unit’s phone (e2e, real server, Chromium mobile emulation)', () => {
  let system: RunningSystem;
  let baseUrl: string;
  let wall: WallSnapshot;
  let api: Session;
  let browser: Browser;
  let consolePage: Page;
  let phoneContext: BrowserContext;
  let phone: Page;
  /** The phone's open WebSocket (routed through the test, so "offline" can close it: setOffline leaves sockets open). */
  let phoneSocket: WebSocketRoute | null = null;
  let phoneOffline = false;
  let unitId = '';
  let firstSchoolId = '';
  /** The second test's SOS button (a school whose nearest unit is the same): the third raises it again. */
  let secondSos: { device: Device; school: School } | null = null;

  const alarmOf = async (id: string): Promise<Alarm> => {
    const response = await api.get(`/api/v1/alarms/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Alarm;
  };

  /**
   * Raises an SOS at a school on the ingest API and dispatches the console's first-offered unit (the
   * nearest) through the console UI; answers when the click was made (the phone's clock starts there).
   */
  /**
   * An SOS raised and dispatched to the unit; the phone shows it, then loses the network (and says
   * so), and the unit taps 到场 `metres` north of the school: the step waits in the phone's queue.
   */
  async function dispatchedThenOffline(device: Device, school: School, eventId: string, metres: number): Promise<{ alarmId: string; card: Locator }> {
    const { alarmId } = await raiseAndDispatch(device, school, eventId);
    const card = phone.locator(`[data-testid="responder-alarm"][data-alarm-id="${alarmId}"]`);
    await card.waitFor({ timeout: 2_000 });
    await expect.poll(() => consolePage.getByTestId('alarm-detail').getAttribute('data-state')).toBe('dispatched');
    phoneOffline = true;
    await phoneContext.setOffline(true);
    phoneSocket?.close();
    await phone.getByTestId('responder-offline').waitFor({ timeout: 5_000 });
    await phoneContext.setGeolocation(northOf(school, metres));
    await card.getByTestId('responder-arrive').tap();
    await card.getByTestId('responder-step-waiting').waitFor();
    return { alarmId, card };
  }

  async function raiseAndDispatch(device: Device, school: School, eventId: string): Promise<{ alarmId: string; dispatchedAt: number }> {
    await postEvent(baseUrl, { id: eventId, type: 'alarm.sos', deviceId: device.id, at: new Date(system.now()).toISOString() });
    const row = consolePage.locator('[data-testid="queue-row"][data-drill="false"]').filter({ hasText: school.name });
    await row.waitFor({ timeout: 5_000 });
    const alarmId = (await row.getAttribute('data-alarm-id')) ?? '';
    await row.click();
    await consolePage.getByTestId('action-dispatch').click();
    const first = consolePage.getByTestId('dispatch-unit').first();
    await expect(first.getAttribute('data-unit-id')).resolves.toBe(unitId);
    await first.click();
    return { alarmId, dispatchedAt: Date.now() };
  }

  const timelineStep = (action: string) => consolePage.locator(`[data-testid="alarm-detail"] [data-testid="timeline-step"][data-action="${action}"]`);

  beforeAll(async () => {
    ensureClientBuild();
    mkdirSync(screenshots, { recursive: true });
    mkdirSync(docs, { recursive: true });
    system = await startSystem({ startAt: SCHOOL_DAY_QUIET, env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    baseUrl = system.url;
    ({ session: api, wall } = await wallAs(baseUrl, 'police', DEMO_PASSWORD));
    browser = await launchBrowser();
    consolePage = await newScreenPage(browser);
    phoneContext = await browser.newContext({ ...PHONE, permissions: ['geolocation'], geolocation: { latitude: 0, longitude: 0 } });
    phone = await phoneContext.newPage();
    await phone.addInitScript('window.__name = (f) => f');
    // The page's vibrations, recorded (headless Chromium has no motor to ask).
    await phone.addInitScript('window.__vibrations = []; navigator.vibrate = (pattern) => (window.__vibrations.push(pattern), true);');
    await phone.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (phoneOffline) {
        ws.close();
        return;
      }
      phoneSocket = ws;
      ws.connectToServer();
    });
    for (const page of [consolePage, phone]) await page.clock.install({ time: system.now() });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('an SOS dispatched on the console calls the unit’s phone within a second; accept, on scene 40 m from the school and a report with a photo land on the console timeline', async () => {
    const sosButtons = await registryDevices(baseUrl, 'kind=sos');
    const device = sosButtons[7];
    const school = wall.schools.find((candidate) => candidate.id === device?.schoolId);
    if (!device || !school) throw new Error('the dataset has too few SOS buttons');
    const unit = nearest(school, wall.policePosts, 1)[0]?.item;
    if (!unit) throw new Error('no police post in the dataset');
    unitId = unit.id;
    firstSchoolId = school.id;

    // The administrator makes a responder of that unit.
    const admin = await signInApi(baseUrl, 'admin', ADMIN_PASSWORD);
    const created = await admin.send('POST', '/api/v1/admin/users', { ...RESPONDER, role: 'responder', unitId });
    expect(created.status, await created.clone().text()).toBe(201);

    // The phone: signed in, it lands on /m; the first tap enables the sound.
    await phoneContext.setGeolocation(northOf(unit, 0));
    await signIn(phone, baseUrl, RESPONDER.username, RESPONDER.password);
    expect(new URL(phone.url()).pathname).toBe('/m');
    // The city's screens are not a responder's: a direct visit comes back here, saying why.
    await phone.goto(`${baseUrl}/console`);
    await phone.waitForURL((url) => url.pathname === '/m');
    await expect(phone.getByTestId('refused-notice').innerText()).resolves.toContain('已转到校安·出警');
    await phone.locator('[data-testid="responder-connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    await expect(phone.getByTestId('responder-unit').innerText()).resolves.toContain(unit.name);
    await expect(phone.getByTestId('responder-empty').isVisible()).resolves.toBe(true);
    await expect(phone.getByTestId('responder-sound').getAttribute('data-sound')).resolves.toBe('locked');
    await expect(phone.getByTestId('responder-sound').innerText()).resolves.toBe('点击开启声音');
    await phone.getByTestId('responder-sound').tap();
    await expect.poll(() => phone.getByTestId('responder-sound').getAttribute('data-sound')).toBe('armed');
    await expect(phone.locator('link[rel="manifest"]').getAttribute('href')).resolves.toBe('/m/manifest.webmanifest');
    // Installable: the manifest and its icons are served (no redirect of /m to the icons' folder), the CSP allows the worker.
    const page = await fetch(`${baseUrl}/m`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/worker-src 'self'/);
    const manifestResponse = await fetch(`${baseUrl}/m/manifest.webmanifest`);
    expect(manifestResponse.headers.get('content-type')).toContain('application/manifest+json');
    const manifest = (await manifestResponse.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; purpose: string }[] };
    expect([manifest.name, manifest.start_url, manifest.display]).toEqual(['校安·出警', '/m', 'standalone']);
    for (const icon of manifest.icons) {
      const png = await fetch(`${baseUrl}${icon.src}`);
      expect(png.headers.get('content-type')).toBe('image/png');
      const { width, height } = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
      expect(`${width}x${height}`).toBe(icon.sizes);
    }
    expect(manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);

    // The console dispatches; the phone rings within a second.
    await signInContext(consolePage.context(), baseUrl, 'police', DEMO_PASSWORD);
    await consolePage.goto(`${baseUrl}/console`);
    await consolePage.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    const { alarmId, dispatchedAt } = await raiseAndDispatch(device, school, 'e2e-responder-sos-1');
    const card = phone.locator(`[data-testid="responder-alarm"][data-alarm-id="${alarmId}"]`);
    await card.waitFor({ timeout: 1_000 });
    expect(Date.now() - dispatchedAt).toBeLessThan(1_000);
    await expect.poll(() => consolePage.getByTestId('alarm-detail').getAttribute('data-state')).toBe('dispatched');
    await expect(card.getAttribute('data-calling')).resolves.toBe('true');
    await expect.poll(() => phone.getByTestId('responder-sound').getAttribute('data-sound')).toBe('alerting');
    await expect(phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length)).resolves.toBe(1);
    await expect(card.getByTestId('responder-school').innerText()).resolves.toBe(school.name);
    await expect(card.getByTestId('responder-address').innerText()).resolves.toBe(school.address);
    const kmAway = (distanceM(unit, school) / 1000).toFixed(1);
    await expect.poll(() => card.getByTestId('responder-distance').innerText()).toMatch(new RegExp(`距您 (${kmAway} 公里|\\d+ 米)`));
    await expect(card.getByTestId('responder-navigate').getAttribute('href')).resolves.toMatch(/^geo:\d+\.\d{6},\d+\.\d{6}\?q=.*\(/);
    // The school's people and plan on the phone: the principal one tap away, the SOS steps of the plan (or its absence said).
    const view = (await (await api.get(`/api/v1/schools/${school.id}/plan`)).json()) as SchoolPlanView;
    const emergency = card.getByTestId('school-emergency-card');
    await expect(emergency.getAttribute('data-school-id')).resolves.toBe(school.id);
    if (view.people) await expect(emergency.getByTestId('principal').locator('a').getAttribute('href', { timeout: 5_000 })).resolves.toBe(`tel:${view.people.people.principal.phone}`);
    if (view.plan) await expect.poll(() => emergency.getByTestId('plan-steps').locator('li').allInnerTexts(), { timeout: 5_000 }).toEqual(view.plan.plan.steps.sos);
    else await emergency.getByTestId('plan-missing').waitFor({ timeout: 5_000 });
    expect(view.people ?? view.plan).not.toBeNull();
    await keep('responder-alarm.png', phone);

    // 接警: the ringing stops; the console reads "出警单位已接警".
    await card.getByTestId('responder-accept').tap();
    await expect.poll(() => card.getAttribute('data-calling')).toBe('false');
    await expect.poll(() => phone.getByTestId('responder-sound').getAttribute('data-sound')).toBe('armed');
    await timelineStep('accept').waitFor({ timeout: 5_000 });
    await expect(timelineStep('accept').getByTestId('field-step-summary').innerText()).resolves.toBe('出警单位已接警');

    // 到场 40 m north of the school: the phone's position goes with it; the console says by whom and how far.
    await phoneContext.setGeolocation(northOf(school, 40));
    await card.getByTestId('responder-arrive').tap();
    await expect.poll(() => card.getAttribute('data-state')).toBe('on_scene');
    await expect(card.getByTestId('responder-arrival').innerText()).resolves.toBe('到场位置距学校 40 米');
    await timelineStep('arrive').waitFor({ timeout: 5_000 });
    await expect(timelineStep('arrive').getByTestId('field-step-summary').innerText()).resolves.toBe('出警单位到场（手机定位，距学校 40 米）');
    await expect(consolePage.getByTestId('alarm-detail').getAttribute('data-state')).resolves.toBe('on_scene');
    // And in English.
    await consolePage.getByTestId('language-switch').click();
    await expect(timelineStep('arrive').getByTestId('field-step-summary').innerText()).resolves.toBe('Unit on scene (phone position, 40 m from the school)');
    await consolePage.getByTestId('language-switch').click();

    // 处置反馈 with a photo from the "camera" (a generated PNG).
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toBuffer();
    await card.getByTestId('responder-report').tap();
    await card.locator('[data-testid="report-disposition"][data-disposition="handled_on_site"]').tap();
    await card.getByTestId('report-note').fill('民警到场核实，学生安全，门卫已加强值守');
    await card.getByTestId('report-photo-input').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: photo });
    await card.getByTestId('report-photo-preview').waitFor();
    await card.getByTestId('report-send').scrollIntoViewIfNeeded();
    await keep('responder-report.png', phone);
    await card.getByTestId('report-send').tap();
    await card.locator('[data-testid="responder-step"][data-action="report"][data-standing="done"]').waitFor({ timeout: 10_000 });

    const report = timelineStep('report');
    await report.waitFor({ timeout: 5_000 });
    await expect(report.getByTestId('field-step-summary').innerText()).resolves.toBe('出警单位处置反馈');
    await expect(report.getByTestId('field-step-disposition').innerText()).resolves.toBe('处置结果：现场处置完毕');
    await expect(report.getByTestId('timeline-note').innerText()).resolves.toContain('学生安全');
    const thumbnail = report.locator('[data-testid="field-step-photo"] img');
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    // The figures: the arrival counted is the unit's own (其中 N 起由出警单位到场上报); the panel reads again when reopened.
    await consolePage.getByTestId('panel-tab-log').click();
    await consolePage.getByTestId('panel-tab-load').click();
    await expect.poll(() => consolePage.getByTestId('load-toScene-by-unit').innerText(), { timeout: 10_000 }).toContain('单位上报 1 起');
    await report.scrollIntoViewIfNeeded();
    await keep('console-field-timeline.png', consolePage);

    // As stored: the unit's own steps, the arrival at the phone's time and 40 m away, the photo re-encoded.
    const stored = await alarmOf(alarmId);
    const arrive = stored.transitions.find((step) => step.action === 'arrive');
    expect(arrive?.field?.unitId).toBe(unitId);
    expect(Math.round(arrive?.field?.distanceM ?? -1)).toBe(40);
    expect(stored.transitions.filter((step) => step.field).map((step) => step.action)).toEqual(['accept', 'arrive', 'report']);
    const photoId = stored.transitions.find((step) => step.action === 'report')?.field?.photoIds?.[0];
    const served = await api.get(`/api/v1/alarms/${alarmId}/photos/${photoId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('image/jpeg');
  });

  it('an offline phone queues 到场 and sends it on reconnect with the time it was taken', async () => {
    const sosButtons = await registryDevices(baseUrl, 'kind=sos');
    const second = sosButtons
      .map((device) => ({ device, school: wall.schools.find((school) => school.id === device.schoolId) }))
      .find(({ school }) => school && school.id !== firstSchoolId && nearest(school, wall.policePosts, 1)[0]?.item.id === unitId);
    if (!second?.school) throw new Error('no second school whose nearest unit is the same');
    const { school, device } = { school: second.school, device: second.device };
    secondSos = { school, device };
    // The network goes (the phone says so), and the unit taps 到场 25 m from the school.
    const { alarmId, card } = await dispatchedThenOffline(device, school, 'e2e-responder-sos-2', 25);
    await expect(phone.getByTestId('responder-pending').innerText()).resolves.toBe('待发送 1');
    const queued = await phone.evaluate(() => Object.entries(localStorage).find(([key]) => key.startsWith('xiaoan.responder.queue.'))?.[1] ?? '[]');
    const takenAt = (JSON.parse(queued) as { step: { action: string; at: string } }[]).find((entry) => entry.step.action === 'arrive')?.step.at;
    expect(takenAt).toBeDefined();
    await phone.waitForTimeout(3_000);
    expect((await alarmOf(alarmId)).state).toBe('dispatched'); // nothing reached the server

    // Back online: sent by itself, with its original time; the console shows it.
    phoneOffline = false;
    await phoneContext.setOffline(false);
    await expect.poll(() => phone.getByTestId('responder-pending').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5_000 }).toBe('on_scene');
    const { transitions } = await alarmOf(alarmId);
    const arrive = transitions.find((step) => step.action === 'arrive');
    // The time the phone took it, unless that reads before the dispatch (field-steps: a step is never
    // earlier than the dispatch): the page's clock is installed from the server's a few tens of ms
    // late, and on a busy machine the tap can follow the dispatch by less than that.
    const dispatchedAt = transitions.findLast((step) => step.action === 'dispatch')?.at ?? '';
    expect(arrive?.at).toBe(new Date(Math.max(Date.parse(takenAt ?? ''), Date.parse(dispatchedAt))).toISOString());
    expect(Date.parse(arrive?.field?.recordedAt ?? '')).toBeGreaterThan(Date.parse(takenAt ?? ''));
    await timelineStep('arrive').waitFor({ timeout: 5_000 });
    await expect(timelineStep('arrive').getByTestId('field-step-summary').innerText()).resolves.toBe('出警单位到场（手机定位，距学校 25 米）');
    await phone.locator('[data-testid="responder-connection"][data-state="live"]').waitFor({ timeout: 15_000 });

    // Offline again, the unit reports back; meanwhile the operator closes the alarm. Back online, the
    // report is refused with the server's reason, and dropped.
    phoneOffline = true;
    await phoneContext.setOffline(true);
    phoneSocket?.close();
    await phone.getByTestId('responder-offline').waitFor({ timeout: 5_000 });
    await card.getByTestId('responder-report').tap();
    await card.getByTestId('report-photo-offline').waitFor();
    await card.locator('[data-testid="report-disposition"][data-disposition="no_threat_found"]').tap();
    await card.getByTestId('report-note').fill('现场未发现异常');
    await card.getByTestId('report-send').tap();
    await expect(phone.getByTestId('responder-pending').innerText()).resolves.toBe('待发送 1');
    await consolePage.getByTestId('action-resolve').click();
    await consolePage.locator('[data-testid="disposition"][data-disposition="handled_on_site"]').click();
    await consolePage.getByTestId('close-note').fill('值班员电话确认处置完毕');
    await consolePage.getByTestId('close-confirm').click();
    await expect.poll(() => consolePage.getByTestId('alarm-detail').getAttribute('data-state')).toBe('resolved');
    phoneOffline = false;
    await phoneContext.setOffline(false);
    const refusal = phone.getByTestId('responder-refusal');
    await refusal.waitFor({ timeout: 15_000 });
    await expect(refusal.innerText()).resolves.toMatch(/「处置反馈」未被接受：.+/);
    await expect.poll(() => phone.getByTestId('responder-pending').count()).toBe(0);
    expect((await alarmOf(alarmId)).transitions.some((step) => step.action === 'report')).toBe(false);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5_000 }).toBe('resolved');
  });

  it('a report made offline keeps its photo on the phone and sends it before the report on reconnect', async () => {
    if (!secondSos) throw new Error('the offline test did not run');
    const { device, school } = secondSos;
    const { alarmId, card } = await dispatchedThenOffline(device, school, 'e2e-responder-sos-3', 30);

    // 处置反馈 with a photo, offline: the camera is offered, the photo kept on the phone (IndexedDB), the report queued.
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 160, g: 60, b: 40 } } }).png().toBuffer();
    await card.getByTestId('responder-report').tap();
    await expect(card.getByTestId('report-photo-offline').innerText()).resolves.toBe('离线：照片先存在手机上，联网后随报告一并上传');
    await card.locator('[data-testid="report-disposition"][data-disposition="no_threat_found"]').tap();
    await card.getByTestId('report-note').fill('离线上报：现场核查无异常');
    await card.getByTestId('report-photo-input').setInputFiles({ name: 'offline.png', mimeType: 'image/png', buffer: photo });
    await card.getByTestId('report-photo-preview').waitFor();
    await card.getByTestId('report-send').tap();
    await expect.poll(() => phone.getByTestId('responder-pending').innerText()).toBe('待发送 2');
    const queued = await phone.evaluate(() => Object.entries(localStorage).find(([key]) => key.startsWith('xiaoan.responder.queue.'))?.[1] ?? '[]');
    const reportEntry = (JSON.parse(queued) as { step: { action: string; at: string }; photoKeys?: string[] }[]).find((entry) => entry.step.action === 'report');
    expect(reportEntry?.photoKeys).toHaveLength(1);
    const shelved = () =>
      phone.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('xiaoan-responder', 1);
            open.onsuccess = () => {
              const count = open.result.transaction('photos').objectStore('photos').count();
              count.onsuccess = () => resolve(count.result);
              count.onerror = () => reject(count.error);
            };
            open.onerror = () => reject(open.error);
          }),
      );
    await expect(shelved()).resolves.toBe(1);

    // Back online: the photo goes up, then the report with its id and its original time; the shelf is empty again.
    phoneOffline = false;
    await phoneContext.setOffline(false);
    await expect.poll(() => phone.getByTestId('responder-pending').count(), { timeout: 20_000 }).toBe(0);
    const stored = await alarmOf(alarmId);
    const report = stored.transitions.find((step) => step.action === 'report');
    expect(report?.at).toBe(reportEntry?.step.at);
    expect(report?.field?.photoIds).toHaveLength(1);
    const served = await api.get(`/api/v1/alarms/${alarmId}/photos/${report?.field?.photoIds?.[0]}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('image/jpeg');
    await expect(shelved()).resolves.toBe(0);
    await phone.locator('[data-testid="responder-connection"][data-state="live"]').waitFor({ timeout: 15_000 });
  });

  it('opens offline from the phone’s own copy (service worker) with what it last knew', async () => {
    // The page came from /login (signed in there), so this document is not the worker's; the next load of /m is.
    await expect.poll(() => phone.evaluate(async () => (await navigator.serviceWorker.getRegistration('/m'))?.active?.scriptURL ?? ''), { timeout: 10_000 }).toMatch(/\/m-sw\.js$/);
    // Let the worker keep the page's files (it is told once the page runs), then the server goes away.
    await expect
      .poll(() => phone.evaluate(async () => (await caches.open('xiaoan-m-v1').then((cache) => cache.keys())).filter((request) => new URL(request.url).pathname.startsWith('/assets/')).length), { timeout: 10_000 })
      .toBeGreaterThan(0);
    // … and the unit's alarms as last read (kept even when the read came before the worker was active).
    await expect
      .poll(() => phone.evaluate(async () => (await caches.open('xiaoan-m-v1').then((cache) => cache.keys())).some((request) => new URL(request.url).pathname === '/api/v1/responder/alarms')), { timeout: 10_000 })
      .toBe(true);
    await system.kill();
    await phone.reload();
    await phone.getByTestId('responder-page').waitFor({ timeout: 10_000 });
    await phone.getByTestId('responder-offline').waitFor({ timeout: 15_000 });
    // The page may say it is offline (the socket gave up) a moment before the kept read is in: wait for it.
    await expect.poll(() => phone.getByTestId('responder-unit').innerText(), { timeout: 10_000 }).toContain('出警单位');
    await expect(phone.getByTestId('responder-alarm').count()).resolves.toBeGreaterThan(0);
  });
});
