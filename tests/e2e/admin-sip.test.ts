import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/db/database.js';
import { SipChannelRepository } from '../../server/db/sip-channel.repository.js';
import type { Device, School } from '../../shared/domain/index.js';
import { makeGbCode } from '../../shared/gb-code.js';
import type { SipOverview } from '../../shared/sip.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, launchBrowser, newScreenPage, signIn, signInApi } from '../helpers/browser.js';
import { ensureClientBuild, registry, registryDevices, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/admin-sip.png');
const ADMIN_PASSWORD = 'e2e-admin-password';
const SIP_PASSWORD = 'e2e-sip-password';
const SIP_ENV = { XIAOAN_GB28181: 'on', XIAOAN_GB28181_PORT: '0', XIAOAN_GB28181_PASSWORD: SIP_PASSWORD };
/** The platform's SIP id and domain (the configuration's defaults). */
const PLATFORM_ID = '41040000002000000001';
const DOMAIN = '4104000000';
const MANSCDP = 'Application/MANSCDP+xml';
/** Answers and redraws on a loaded machine get this long. */
const ON_SCREEN_MS = 15_000;
/** The GB/T 28181 endpoint (the lead's part of issue 16): the "on" half runs once it is on the branch. */
const endpointBuilt = existsSync(path.join(ROOT, 'server/gb28181/endpoint.ts'));

/** Channel codes no dataset device has (serials far past any district's count). */
const NEW_CAMERA = makeGbCode({ district: '410402', type: '131', serial: 990_001 });
const NEW_ALARM_INPUT = makeGbCode({ district: '410402', type: '134', serial: 990_002 });

/** Stops the system, notes catalog channels in its database as the endpoint would (the registry helper's repository), starts it again. */
async function noteChannels(system: RunningSystem, parentId: string, channels: { code: string; name: string; kind: string }[]): Promise<void> {
  await system.kill();
  const store = await openStore({ databaseUrl: null, dataDir: system.dataDir });
  await new SipChannelRepository(store.db).upsert(channels.map((channel) => ({ ...channel, parentId })), new Date().toISOString());
  await store.close();
  await system.restart();
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** A channel a device's catalog lists. */
interface CatalogEntry {
  code: string;
  name: string;
}

/**
 * A GB/T 28181 device over UDP, by hand, as a camera or NVR starts: REGISTER, answer the digest
 * challenge, then (optionally) one Keepalive MESSAGE. It answers the platform's requests with 200,
 * and the catalog query with `catalog` when given. Rejects unless the platform answers 200; `close` ends it.
 */
async function sipDevice(sipPort: number, deviceId: string, options: { keepalive: boolean; catalog: CatalogEntry[] | null }): Promise<{ close: () => void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const uri = `sip:${PLATFORM_ID}@${DOMAIN}`;
  const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
  const tag = randomBytes(4).toString('hex');
  const waiting = new Map<number, (answer: string) => void>();
  let cseq = 0;

  const send = (method: string, headers: string[], body = ''): Promise<string> => {
    const number = ++cseq;
    const request = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      'Max-Forwards: 70',
      `From: <sip:${deviceId}@${DOMAIN}>;tag=${tag}`,
      `To: <sip:${method === 'REGISTER' ? deviceId : PLATFORM_ID}@${DOMAIN}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      ...headers,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SIP answer to ${method} ${number}`)), 5_000);
      waiting.set(number, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      socket.send(request, sipPort, '127.0.0.1');
    });
  };
  const manscdp = (root: string, sn: string, inner: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<${root}>\r\n<CmdType>${inner.startsWith('<Status>') ? 'Keepalive' : 'Catalog'}</CmdType>\r\n<SN>${sn}</SN>\r\n<DeviceID>${deviceId}</DeviceID>\r\n${inner}</${root}>\r\n`;

  socket.on('message', (buffer, from) => {
    const text = buffer.toString('utf8');
    if (text.startsWith('SIP/2.0 ')) {
      const number = Number(/^CSeq:\s*(\d+)/im.exec(text)?.[1]);
      waiting.get(number)?.(text);
      waiting.delete(number);
      return;
    }
    // A request of the platform (its catalog query): 200 with its own dialog headers, then the catalog.
    const header = (name: string): string => new RegExp(`^${name}:.*$`, 'im').exec(text)?.[0] ?? '';
    const ok = ['SIP/2.0 200 OK', header('Via'), header('From'), `${header('To')};tag=${tag}`, header('Call-ID'), header('CSeq'), 'Content-Length: 0', '', ''];
    socket.send(ok.join('\r\n'), from.port, from.address);
    const sn = /<CmdType>Catalog<\/CmdType>/.test(text) ? /<SN>(\d+)<\/SN>/.exec(text)?.[1] : undefined;
    if (sn && options.catalog) {
      const items = options.catalog.map((item) => `<Item>\r\n<DeviceID>${item.code}</DeviceID>\r\n<Name>${item.name}</Name>\r\n<Status>ON</Status>\r\n</Item>\r\n`).join('');
      const list = `<SumNum>${options.catalog.length}</SumNum>\r\n<DeviceList Num="${options.catalog.length}">\r\n${items}</DeviceList>\r\n`;
      void send('MESSAGE', [`Content-Type: ${MANSCDP}`], manscdp('Response', sn, list)).catch(() => undefined);
    }
  });

  const register = (authorization: string[]) => send('REGISTER', [`Contact: <sip:${deviceId}@127.0.0.1:${local}>`, 'Expires: 3600', ...authorization]);
  try {
    const challenge = await register([]);
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1];
    if (!challenge.startsWith('SIP/2.0 401') || !nonce) throw new Error(`REGISTER was not challenged:\n${challenge}`);
    const response = md5(`${md5(`${deviceId}:${DOMAIN}:${SIP_PASSWORD}`)}:${nonce}:${md5(`REGISTER:${uri}`)}`);
    const registered = await register([`Authorization: Digest username="${deviceId}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`]);
    if (!registered.startsWith('SIP/2.0 200')) throw new Error(`REGISTER was refused:\n${registered}`);
    if (options.keepalive) {
      const answer = await send('MESSAGE', [`Content-Type: ${MANSCDP}`], manscdp('Notify', '1', '<Status>OK</Status>\r\n'));
      if (!answer.startsWith('SIP/2.0 200')) throw new Error(`Keepalive was refused:\n${answer}`);
    }
  } catch (error) {
    socket.close();
    throw error;
  }
  return { close: () => socket.close() };
}

describe.skipIf(!chromiumAvailable())('the administrator’s GB/T 28181 tab, the endpoint off (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let cameras: Device[];
  let school: School;
  let nvrCodes: string[];

  const overview = async (): Promise<SipOverview> => (await (await admin.get('/api/v1/admin/sip')).json()) as SipOverview;
  const openTab = async (): Promise<void> => {
    await page.goto(`${system.url}/admin?tab=sip`);
    await page.locator('[data-testid="admin-sip"][data-enabled]').waitFor({ timeout: ON_SCREEN_MS });
  };

  beforeAll(async () => {
    ensureClientBuild();
    // The endpoint off (the default): the tab says so, and channels noted earlier can still be assigned.
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    cameras = await registryDevices(system.url, 'kind=camera');
    nvrCodes = [...new Set(cameras.map((camera) => camera.gbParent).filter((code): code is string => !!code))].sort();
    const taken = cameras.find((camera) => camera.gbCode)?.gbCode;
    if (nvrCodes.length < 2 || !taken) throw new Error('the dataset has no GB codes (migration 0018 and the dataset’s NVRs)');
    const { schools } = await registry<{ schools: School[] }>(system.url, '/api/v1/schools');
    school = schools.find((candidate) => candidate.districtCode === '410402') ?? schools[0]!;
    // Two channels the registry lacks, and one whose code a registered camera already has (the server refuses it).
    await noteChannels(system, nvrCodes[0]!, [
      { code: NEW_CAMERA, name: '东门新增枪机', kind: 'camera' },
      { code: NEW_ALARM_INPUT, name: '防区 9', kind: 'alarm_input' },
      { code: taken, name: '重复上报的通道', kind: 'camera' },
    ]);
    admin = await signInApi(system.url, 'admin', ADMIN_PASSWORD);
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    await signIn(page, system.url, 'admin', ADMIN_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('opens the tab from the tab bar and shows the channels the registry lacks, with what their codes say they are', async () => {
    await page.goto(`${system.url}/admin`);
    await page.getByTestId('admin-tab-sip').click();
    await expect(page.getByTestId('admin-tab-sip').innerText()).resolves.toBe('国标设备');
    const rows = page.getByTestId('sip-channel');
    await rows.first().waitFor({ timeout: ON_SCREEN_MS });
    await expect(rows.count()).resolves.toBe(3);
    const camera = page.locator(`[data-testid="sip-channel"][data-code="${NEW_CAMERA}"]`);
    await expect(camera.innerText()).resolves.toContain('东门新增枪机');
    await expect(camera.innerText()).resolves.toContain('摄像机');
    // The code reads in groups but copies as the 20 digits.
    await expect(camera.locator('code').first().evaluate((element) => element.textContent)).resolves.toBe(NEW_CAMERA);
    await expect(page.locator(`[data-testid="sip-channel"][data-code="${NEW_ALARM_INPUT}"]`).innerText()).resolves.toContain('报警输入');
  });

  it('says the endpoint is off and how to turn it on, without empty tables, when it is not running', async () => {
    await expect(overview()).resolves.toMatchObject({ enabled: false, platform: null, registrations: [] });
    await openTab();
    const off = page.getByTestId('sip-off');
    await expect(off.innerText()).resolves.toContain('国标接入（GB/T 28181）未开启');
    await expect(off.innerText()).resolves.toContain('XIAOAN_GB28181=on');
    await expect(off.innerText()).resolves.toContain('docs/gb28181.md');
    await expect(page.getByTestId('sip-registrations').count()).resolves.toBe(0);
    await expect(page.getByTestId('sip-counters').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'admin-sip-off.png') });
  });

  it('assigns a camera channel to a school through the form: it leaves the list and is a device of the school', async () => {
    await openTab();
    const row = page.locator(`[data-testid="sip-channel"][data-code="${NEW_CAMERA}"]`);
    await row.getByTestId('sip-assign').click();
    const form = page.getByTestId('sip-assign-form');
    await expect(form.getByTestId('sip-assign-name').inputValue()).resolves.toBe('东门新增枪机');
    // A camera channel can only be a camera; an alarm input offers the one-key button and intrusion.
    await expect(form.getByTestId('sip-assign-kind').locator('option').allInnerTexts()).resolves.toEqual(['摄像机']);
    await form.getByTestId('sip-assign-search').fill(school.name);
    await form.getByTestId('sip-assign-school').selectOption(school.id);
    await form.getByTestId('sip-assign-place').selectOption('gate');
    await form.getByTestId('sip-assign-save').click();
    await expect.poll(() => page.getByTestId('sip-assign-done').count(), { timeout: ON_SCREEN_MS }).toBe(1);
    await expect(page.getByTestId('sip-assign-done').innerText()).resolves.toContain(school.name);
    await expect.poll(() => row.count(), { timeout: ON_SCREEN_MS }).toBe(0);
    const device = (await registryDevices(system.url, 'kind=camera')).find((candidate) => candidate.gbCode === NEW_CAMERA);
    expect(device).toMatchObject({ schoolId: school.id, kind: 'camera', place: 'gate', name: '东门新增枪机', gbParent: nvrCodes[0] });
  });

  it('shows the server’s refusal in the screen’s language', async () => {
    const duplicate = page.locator('[data-testid="sip-channel"]').filter({ hasText: '重复上报的通道' });
    await duplicate.getByTestId('sip-assign').click();
    const form = page.getByTestId('sip-assign-form');
    await form.getByTestId('sip-assign-search').fill(school.id);
    await form.getByTestId('sip-assign-school').selectOption(school.id);
    await form.getByTestId('sip-assign-save').click();
    const refusal = form.getByTestId('sip-assign-refusal');
    await refusal.waitFor({ timeout: ON_SCREEN_MS });
    await expect(refusal.innerText()).resolves.toMatch(/已是登记的设备/);
    await page.getByTestId('language-switch').click();
    await form.getByTestId('sip-assign-save').click();
    await expect.poll(() => refusal.innerText(), { timeout: ON_SCREEN_MS }).toMatch(/already a registered device/);
    await expect(page.getByTestId('admin-tab-sip').innerText()).resolves.toBe('GB/T 28181 devices');
    await page.getByTestId('language-switch').click();
  });
});

describe.skipIf(!chromiumAvailable() || !endpointBuilt)('the administrator’s GB/T 28181 tab, the endpoint on (e2e, real server, SIP over UDP and Chromium)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let cameras: Device[];
  let nvrCodes: string[];
  const devices: { close: () => void }[] = [];

  const overview = async (): Promise<SipOverview> => (await (await admin.get('/api/v1/admin/sip')).json()) as SipOverview;

  beforeAll(async () => {
    ensureClientBuild();
    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD, ...SIP_ENV } });
    cameras = await registryDevices(system.url, 'kind=camera');
    nvrCodes = [...new Set(cameras.map((camera) => camera.gbParent).filter((code): code is string => !!code))].sort();
    if (nvrCodes.length < 3) throw new Error('the dataset has no GB codes (migration 0018 and the dataset’s NVRs)');
    await noteChannels(system, nvrCodes[1]!, [{ code: NEW_ALARM_INPUT, name: '防区 9', kind: 'alarm_input' }]);
    admin = await signInApi(system.url, 'admin', ADMIN_PASSWORD);
    browser = await launchBrowser();
    page = await newScreenPage(browser);
    await signIn(page, system.url, 'admin', ADMIN_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    for (const device of devices) device.close();
    await browser?.close();
    await system?.discard();
  });

  it('shows where the platform listens, the devices registered (problems first) and the counts', async () => {
    const platform = (await overview()).platform;
    expect(platform, 'XIAOAN_GB28181=on: GET /admin/sip reports the running endpoint').not.toBeNull();
    const [quiet, listing, silent] = nvrCodes as [string, string, string];
    const ownCamera = cameras.find((camera) => camera.gbParent === listing && camera.gbCode)!;
    // All well; keeps alive and lists a channel the registry lacks; has not kept alive yet.
    devices.push(await sipDevice(platform!.udpPort, quiet, { keepalive: true, catalog: null }));
    devices.push(await sipDevice(platform!.udpPort, listing, { keepalive: true, catalog: [{ code: ownCamera.gbCode!, name: ownCamera.name }, { code: NEW_CAMERA, name: '东门新增枪机' }] }));
    devices.push(await sipDevice(platform!.udpPort, silent, { keepalive: false, catalog: null }));
    await expect.poll(async () => (await overview()).registrations.find((row) => row.deviceId === listing)?.unknownChannels, { timeout: ON_SCREEN_MS }).toBe(1);

    await page.goto(`${system.url}/admin?tab=sip`);
    await page.getByTestId('sip-platform').waitFor({ timeout: ON_SCREEN_MS });
    await expect(page.getByTestId('sip-ports').innerText()).resolves.toBe(`UDP ${platform!.udpPort} · TCP ${platform!.tcpPort}`);
    const rows = page.getByTestId('sip-registration');
    await expect.poll(() => rows.count(), { timeout: ON_SCREEN_MS }).toBe(3);
    // The two with a problem first (by code), the quiet one last.
    await expect(rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-code')))).resolves.toEqual([listing, silent, quiet]);
    const row = (code: string) => page.locator(`[data-testid="sip-registration"][data-code="${code}"]`);
    await expect(row(silent).getByTestId('sip-keepalive').innerText()).resolves.toContain('从未收到');
    await expect(row(silent).getByTestId('sip-keepalive').getAttribute('class')).resolves.toContain('sip-keepalive--never');
    await expect(row(quiet).getByTestId('sip-keepalive').innerText()).resolves.toMatch(/\d+ 秒前/);
    await expect(row(quiet).innerText()).resolves.toContain('127.0.0.1:');
    await expect(row(listing).getByTestId('sip-channels').innerText()).resolves.toMatch(/2 个\s*1 个未登记/);
    // The channel it listed waits for a school beside the one noted before.
    await expect(page.locator(`[data-testid="sip-channel"][data-code="${NEW_CAMERA}"]`).innerText()).resolves.toContain('东门新增枪机');
    await expect(page.getByTestId('sip-counter-registrations').innerText()).resolves.toMatch(/\b3\b/);
    await expect(page.getByTestId('sip-counter-authFailures').getAttribute('class')).resolves.not.toContain('--warn');

    // A code typed in groups, as it reads on screen, still finds its row.
    await page.getByTestId('sip-filter').fill(`${quiet.slice(0, 10)} ${quiet.slice(10)}`);
    await expect.poll(() => rows.count(), { timeout: ON_SCREEN_MS }).toBe(1);
    await page.getByTestId('sip-filter').fill('');
    await page.waitForTimeout(300);
    await page.screenshot({ path: readmeScreenshot });
  });
});
