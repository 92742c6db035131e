import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { COMPLIANCE_RULES } from '../../shared/rules/compliance/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ComplianceMatrix, ComplianceSchoolsAnswer, HazardListItem, RecordHistoryEntry, SchoolComplianceAnswer, SchoolRecordView,
} from '../../shared/compliance.js';
import type { Hazard } from '../../shared/rules/hazard.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, ROOT, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');
const readmeScreenshot = path.join(ROOT, 'docs/screenshots/desk.png');
const ADMIN_PASSWORD = 'e2e-admin-password';
/** The city education bureau's duty officer (demo account `edu`): their display name, read at sign-in, is recorded as the actor. */
let OPERATOR = '';
/** The test's API session, as the same duty officer. */
let session: Session | null = null;
/** The machine running the suite may be loaded: answers and redraws get this long. */
const ON_SCREEN_MS = 20_000;

describe.skipIf(!chromiumAvailable())('education-bureau desk (e2e, real server and Chromium)', () => {
  let system: RunningSystem;
  let baseUrl: string;
  let matrix: ComplianceMatrix;
  let browser: Browser;
  let page: Page;
  /** The failing school the first test opened: the second edits its record. */
  let schoolId = '';

  async function api<T>(url: string): Promise<T> {
    if (!session) throw new Error('not signed in to the API');
    const response = await session.get(url);
    expect(response.status, url).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    ensureClientBuild();
    browser = await launchBrowser();
    page = await newScreenPage(browser, { acceptDownloads: true });

    system = await startSystem({ env: { XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    baseUrl = system.url;
    session = await signInApi(baseUrl, 'edu', DEMO_PASSWORD);
    matrix = await api<ComplianceMatrix>('/api/v1/compliance/matrix');
    await signInContext(page.context(), baseUrl, 'edu', DEMO_PASSWORD);
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('the matrix shows a failing school and its reason', async () => {
    await page.goto(`${baseUrl}/desk`);
    await page.getByTestId('compliance-matrix').locator('tbody tr').nth(10).waitFor({ timeout: ON_SCREEN_MS });
    OPERATOR = await page.getByTestId('user-name').innerText();
    expect(OPERATOR).not.toBe('');
    // Believable: some cells red or amber, most green, none of it all one colour.
    const tones = await page.$$eval('[data-testid="matrix-cell"]', (cells) => cells.map((cell) => (cell as HTMLElement).dataset.tone));
    expect(tones).toHaveLength(11 * COMPLIANCE_RULES.length); // 18 since issue 15 (附件3 一(一), 二(一); 定人)
    expect(tones.filter((tone) => tone === 'good').length).toBeGreaterThan(20);
    expect(tones.filter((tone) => tone === 'bad' || tone === 'watch').length).toBeGreaterThan(10);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-matrix.png') });

    // The first red or amber cell of a district (reading order): its figures are the API's.
    const cell = page.locator('tbody tr:not([data-district="total"]) [data-testid="matrix-cell"]:is([data-tone="bad"], [data-tone="watch"])').first();
    const districtCode = await cell.locator('xpath=ancestor::tr').getAttribute('data-district');
    const rule = await cell.locator('xpath=ancestor::td').getAttribute('data-rule');
    if (!districtCode || !rule) throw new Error('the failing cell names no district or rule');
    const apiCell = matrix.rows.find((row) => row.districtCode === districtCode)?.cells[rule as keyof ComplianceMatrix['total']['cells']];
    if (!apiCell?.rate) throw new Error(`no judged cell ${districtCode} × ${rule} in the API's matrix`);
    await expect(cell.getByTestId('matrix-cell-rate').innerText()).resolves.toBe(`${(apiCell.rate * 100).toFixed(1)}%`);
    expect(await cell.innerText()).toContain(`${apiCell.pass}/${apiCell.pass + apiCell.fail}`);

    // Drill down: the failing schools of that district and requirement, each with the API's reason.
    await cell.click();
    const drill = await api<ComplianceSchoolsAnswer>(`/api/v1/compliance/schools?rule=${rule}&status=fail&districtCode=${districtCode}&asOf=${matrix.asOf}`);
    expect(drill.schools).toHaveLength(apiCell.fail);
    const rows = page.getByTestId('failing-school');
    await expect.poll(() => rows.count(), { timeout: ON_SCREEN_MS }).toBe(drill.schools.length);
    const first = drill.schools[0];
    const reason = first?.items.find((item) => item.rule === rule)?.reason.zh;
    if (!first || !reason) throw new Error('the drill-down answered no school with a reason');
    schoolId = first.school.id;
    const row = page.locator(`[data-testid="failing-school"][data-school-id="${schoolId}"]`);
    await expect(row.getByTestId('failing-school-link').innerText()).resolves.toBe(first.school.name);
    await expect(row.getByTestId('failing-school-reason').innerText()).resolves.toBe(reason);
    await expect(page.getByTestId('failing-schools').innerText()).resolves.toContain(`不达标 ${apiCell.fail} 所`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-drilldown.png') });

    // The school's page: every item at once, the same reason on the failing one.
    await row.getByTestId('failing-school-link').click();
    await page.getByTestId('school-page').waitFor({ timeout: ON_SCREEN_MS });
    await expect.poll(() => page.getByTestId('school-item').count(), { timeout: ON_SCREEN_MS }).toBe(COMPLIANCE_RULES.length);
    const item = page.locator(`[data-testid="school-item"][data-rule="${rule}"]`);
    await expect(item.getAttribute('data-status')).resolves.toBe('fail');
    await expect(item.getByTestId('school-item-reason').innerText()).resolves.toBe(reason);
    await expect(page.getByTestId('school-name').innerText()).resolves.toBe(first.school.name);
    const all = await api<SchoolComplianceAnswer>(`/api/v1/schools/${schoolId}/compliance?asOf=${matrix.asOf}`);
    const statuses = await page.$$eval('[data-testid="school-item"]', (items) => items.map((element) => (element as HTMLElement).dataset.status));
    expect(statuses).toEqual(all.items.map((entry) => entry.status));
  }, 180_000);

  it('a bad record edit shows the server\'s message beside the field and saves nothing; a good one enters the history', async () => {
    expect(schoolId, 'the first test opened a school').not.toBe('');
    const before = await api<SchoolRecordView>(`/api/v1/schools/${schoolId}/record`);
    const historyBefore = (await api<{ history: RecordHistoryEntry[] }>(`/api/v1/schools/${schoolId}/record/history`)).history;
    const students = page.getByTestId('record-input-students');
    const retention = page.getByTestId('record-input-retentionDays');
    await expect(students.inputValue()).resolves.toBe(String(before.school.students));

    await students.fill('-5');
    await retention.fill('abc');
    await page.getByTestId('record-save').click();

    const studentsError = page.locator('[data-testid="record-field"][data-field="students"] [data-testid="record-field-error"]');
    const retentionError = page.locator('[data-testid="record-field"][data-field="retentionDays"] [data-testid="record-field-error"]');
    await expect.poll(() => studentsError.innerText(), { timeout: ON_SCREEN_MS }).toBe('不能为负数');
    await expect(retentionError.innerText()).resolves.toBe('须为数字');
    // The server's own words (its zh-CN message), not a client-side guess.
    await expect(studentsError.getAttribute('title')).resolves.toBe('不能为负数');
    await expect(retentionError.getAttribute('title')).resolves.toBe('须为数字');
    await expect(page.getByTestId('record-outcome').innerText()).resolves.toContain('未保存');
    // Nothing saved: the record and its history are as they were.
    const after = await api<SchoolRecordView>(`/api/v1/schools/${schoolId}/record`);
    expect(after.record).toEqual(before.record);
    expect(after.school).toEqual(before.school);
    expect((await api<{ history: RecordHistoryEntry[] }>(`/api/v1/schools/${schoolId}/record/history`)).history).toHaveLength(historyBefore.length);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(screenshots, 'desk-school-invalid.png') });

    // A valid edit: saved, and it shows in the history with who made it and old → new.
    const days = before.record.retentionDays >= 120 ? 180 : 120;
    await students.fill(String(before.school.students));
    await retention.fill(String(days));
    await page.getByTestId('record-note').fill('更换硬盘录像机');
    await page.getByTestId('record-save').click();
    await expect.poll(() => page.getByTestId('record-outcome').innerText(), { timeout: ON_SCREEN_MS }).toContain('已保存');
    await expect(studentsError.count()).resolves.toBe(0);
    const entry = page.getByTestId('record-history-entry').first();
    await expect.poll(() => page.getByTestId('record-history-entry').count(), { timeout: ON_SCREEN_MS }).toBe(historyBefore.length + 1);
    const change = entry.locator('[data-testid="record-history-change"][data-field="retentionDays"]');
    await expect(change.innerText()).resolves.toMatch(new RegExp(`视频存储天数\\s*${before.record.retentionDays}\\s*→\\s*${days}`));
    await expect(entry.innerText()).resolves.toContain(OPERATOR);
    await expect(entry.innerText()).resolves.toContain('更换硬盘录像机');
    const [stored] = (await api<{ history: RecordHistoryEntry[] }>(`/api/v1/schools/${schoolId}/record/history`)).history;
    expect(stored).toMatchObject({ actor: OPERATOR, note: '更换硬盘录像机', changes: [{ field: 'retentionDays', from: before.record.retentionDays, to: days }] });
    await expect(page.getByTestId('user-name').innerText()).resolves.toBe(OPERATOR);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-school.png') });
  }, 180_000);

  it('downloads the 附件4 statistics table as a real .xlsx (and a CSV) for the date on screen', async () => {
    await page.getByTestId('school-back').click();
    await page.getByTestId('compliance-matrix').waitFor({ timeout: ON_SCREEN_MS });
    // Back on the matrix the drill-down is still open, with the signed-in duty officer in the header: the README's picture.
    await page.locator(`[data-testid="failing-school"][data-school-id="${schoolId}"]`).waitFor({ timeout: ON_SCREEN_MS });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk.png') });
    mkdirSync(path.dirname(readmeScreenshot), { recursive: true });
    copyFileSync(path.join(screenshots, 'desk.png'), readmeScreenshot);
    const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout: ON_SCREEN_MS }), page.getByTestId('desk-export-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = readFileSync(await xlsx.path());
    expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(workbook.length).toBeGreaterThan(4_000);
    const href = await page.getByTestId('desk-export-xlsx').getAttribute('href');
    expect(href).toContain(`asOf=${matrix.asOf}`);

    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: ON_SCREEN_MS }), page.getByTestId('desk-export-csv').click()]);
    const text = readFileSync(await csv.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('全市合计');
  }, 120_000);

  it('the trend draws the weakest requirements month by month, and a requirement can be added', async () => {
    await page.getByTestId('desk-tab-trend').click();
    const chart = page.getByTestId('trend-chart');
    await expect.poll(() => chart.getAttribute('data-series'), { timeout: 60_000 }).not.toBe('');
    const shown = (await chart.getAttribute('data-series'))?.split(',') ?? [];
    expect(shown).toHaveLength(5);
    expect(shown).toContain('guard_post');
    await expect(chart.locator('canvas').count()).resolves.toBeGreaterThan(0);
    await page.locator('[data-testid="trend-rule"][data-rule="retention"]').click();
    await expect.poll(() => chart.getAttribute('data-series')).toContain('retention');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, 'desk-trend.png') });
  }, 120_000);

  it('hazards: overdue ones stand out, only allowed steps are offered, and a stale step shows the server\'s reason', async () => {
    await page.getByTestId('desk-tab-hazards').click();
    await page.getByTestId('hazard-row').first().waitFor({ timeout: ON_SCREEN_MS });
    const overdue = await api<{ hazards: HazardListItem[] }>('/api/v1/hazards?overdue=true');
    expect(overdue.hazards.length).toBeGreaterThan(0);
    // Overdue first, in red, with the days past the deadline.
    const top = page.getByTestId('hazard-row').first();
    await expect(top.getByTestId('hazard-overdue').innerText()).resolves.toMatch(/^超期 \d+ 天$/);
    await expect(top.evaluate((element) => getComputedStyle(element).borderLeftColor)).resolves.toBe('rgb(255, 59, 48)');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(screenshots, 'desk-hazards.png') });

    // A registered hazard may only be dispatched.
    const registered = (await api<{ hazards: HazardListItem[] }>('/api/v1/hazards?state=registered')).hazards[0];
    if (!registered) throw new Error('the seeded city has no registered hazard');
    const row = page.locator(`[data-testid="hazard-row"][data-hazard-id="${registered.id}"]`);
    await row.scrollIntoViewIfNeeded();
    await expect(row.getByTestId('hazard-step-dispatch').isEnabled()).resolves.toBe(true);
    for (const action of ['rectify', 'verify', 'reject', 'close']) await expect(row.getByTestId(`hazard-step-${action}`).isDisabled()).resolves.toBe(true);

    // Someone else dispatches it meanwhile: this screen's dispatch (of the version it saw) is refused with the reason.
    const someoneElse = await signInApi(baseUrl, 'admin', ADMIN_PASSWORD);
    const meanwhile = await someoneElse.send('POST', `/api/v1/hazards/${registered.id}/dispatch`, { assignee: '总务处', deadline: matrix.asOf, version: registered.version });
    expect(meanwhile.status).toBe(200);
    await row.getByTestId('hazard-step-dispatch').click();
    await row.getByTestId('hazard-assignee').fill('保卫处 张主任');
    await row.getByTestId('hazard-step-confirm').click();
    await expect.poll(() => row.getByTestId('hazard-refusal').innerText(), { timeout: ON_SCREEN_MS }).toContain('该隐患刚被他人处理：现在为已派单');
    // It now shows as dispatched; rectification is offered, and a re-dispatch goes through.
    await expect.poll(() => row.getAttribute('data-state'), { timeout: ON_SCREEN_MS }).toBe('dispatched');
    await expect(row.getByTestId('hazard-step-rectify').isEnabled()).resolves.toBe(true);
    await row.getByTestId('hazard-step-confirm').click();
    await expect.poll(() => row.getByTestId('hazard-refusal').count(), { timeout: ON_SCREEN_MS }).toBe(0);
    const stored = await api<Hazard>(`/api/v1/hazards/${registered.id}`);
    expect(stored.assignee).toBe('保卫处 张主任');
    expect(stored.transitions.at(-1)).toMatchObject({ action: 'dispatch', actor: OPERATOR });
  }, 180_000);

  it('registers a hazard at a school found by a part of its name: a short list of suggestions, never every school', async () => {
    const wall = await api<{ schools: { id: string; name: string }[] }>('/api/v1/wall');
    const primaries = wall.schools.filter((school) => school.name.includes('小学'));
    expect(primaries.length).toBeGreaterThan(20);
    await page.getByTestId('desk-tab-hazards').click();
    await page.getByTestId('hazard-register-open').click();
    const form = page.getByTestId('hazard-register');
    const input = form.getByTestId('hazard-register-school');
    const suggested = () => form.locator('datalist option').evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
    await expect(suggested()).resolves.toEqual([]);
    await input.fill('小学');
    await expect.poll(async () => (await suggested()).length, { timeout: ON_SCREEN_MS }).toBe(20);
    expect((await suggested()).every((name) => name.includes('小学'))).toBe(true);
    const target = primaries.at(-1)!;
    // Without the city's name (平顶山市): the district's school of that name, among the few alike.
    await input.fill(target.name.replace(/^平顶山市/, ''));
    await expect.poll(suggested, { timeout: ON_SCREEN_MS }).toContain(target.name);
    await input.fill(target.name);
    const description = `e2e 东门护栏松动 ${Date.now()}`;
    await form.getByTestId('hazard-register-description').fill(description);
    await page.screenshot({ path: path.join(screenshots, 'desk-hazard-register.png') });
    await form.getByTestId('hazard-register-save').click();
    await form.waitFor({ state: 'detached', timeout: ON_SCREEN_MS });
    const stored = (await api<{ hazards: HazardListItem[] }>('/api/v1/hazards?state=registered')).hazards.find((hazard) => hazard.description === description);
    expect(stored?.schoolId).toBe(target.id);
  }, 120_000);
});
