import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, GuardPost } from '../../shared/domain/index.js';
import type { PostLive, PostWindowFigures } from '../../shared/wall.js';
import type { Session } from '../helpers/auth.js';
import { chromiumAvailable, DEMO_PASSWORD, launchBrowser, newScreenPage, signInApi, signInContext } from '../helpers/browser.js';
import { ensureClientBuild, faketimeAvailable, postEvent, ROOT, shanghaiInstant, startSystem, type RunningSystem } from '../helpers/system.js';

const screenshots = path.join(ROOT, 'tests/e2e/__screenshots__');

/** Polls `read` until `done` holds for its answer; fails with `what` after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The morning gate peak as a new user meets it: the whole product (`npm start`: server, city
 * dataset, built-in simulator) started at 07:35 on a Monday in term, Asia/Shanghai.
 */
describe.skipIf(!chromiumAvailable() || !faketimeAvailable())('the school-gate peak (e2e at a pinned Monday 07:35, simulator on)', () => {
  let system: RunningSystem;
  let api: Session;
  let browser: Browser;
  let consolePage: Page;
  let wallPage: Page;
  let posts: GuardPost[];

  const openAbsences = async (): Promise<Alarm[]> =>
    ((await (await api.get('/api/v1/alarms?type=post_absent&state=open&limit=1000')).json()) as { alarms: Alarm[] }).alarms;
  const postStates = async (): Promise<PostLive[]> => ((await (await api.get('/api/v1/posts/status')).json()) as { posts: PostLive[] }).posts;

  async function open(page: Page, pathname: string): Promise<void> {
    await page.clock.install({ time: system.now() });
    await signInContext(page.context(), system.url, 'police', DEMO_PASSWORD);
    await page.goto(`${system.url}${pathname}`);
    await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });
  }

  beforeAll(async () => {
    ensureClientBuild();
    mkdirSync(screenshots, { recursive: true });
    system = await startSystem({ startAt: shanghaiInstant('2026-12-07T07:35:00'), env: { XIAOAN_SIMULATOR: 'on' } });
    api = await signInApi(system.url, 'police', DEMO_PASSWORD);
    posts = ((await (await api.get('/api/v1/wall')).json()) as { guardPosts: GuardPost[] }).guardPosts;
    browser = await launchBrowser();
    consolePage = await newScreenPage(browser);
    wallPage = await newScreenPage(browser);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.discard();
  });

  it('shows a handful of absent posts, each with its alarm, not one alarm per post', async () => {
    // Settled: the simulator re-sent the morning's check-ins (most posts due are on duty: on a
    // loaded machine the check can be armed and raise its first alarms before they are all in),
    // the check was armed, and every post now absent has its alarm.
    const onDuty = (states: readonly PostLive[]) => states.filter((p) => p.state === 'on_duty').length;
    const dueOf = (states: readonly PostLive[]) => states.filter((p) => p.state !== 'off_hours').length;
    const settled = await until(
      async () => ({ states: await postStates(), alarms: await openAbsences() }),
      ({ states, alarms }) => onDuty(states) > dueOf(states) * 0.8 && alarms.length > 0 && alarms.length >= states.filter((p) => p.state === 'absent').length,
      'the morning\'s check-ins, the absent posts and their alarms',
    );
    const due = dueOf(settled.states);
    expect(due).toBeGreaterThan(100);
    expect(settled.alarms.length).toBeLessThan(posts.length * 0.05);
    expect(onDuty(settled.states)).toBeGreaterThan(due * 0.8);

    await open(consolePage, '/console');
    const rows = consolePage.locator('[data-testid="queue-row"]').filter({ hasText: '护学岗' });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await rows.count()).toBeLessThan(posts.length * 0.05);
    await consolePage.screenshot({ path: path.join(screenshots, 'gate-peak-console-0735.png') });
  }, 120_000);

  it('closes a post\'s alarm on the console and on the wall within a second of its check-in', async () => {
    const states = await postStates();
    // A post absent since early in the morning: the simulator will not check it in meanwhile.
    const absentIds = new Set(states.filter((p) => p.state === 'absent' && p.checkedInAt === null && (p.window?.start ?? '99') < '07:20').map((p) => p.postId));
    const terminalOf = new Map(posts.map((p) => [p.id, `PT-${p.id}`]));
    const alarm = (await openAbsences()).find((a) => [...absentIds].some((id) => terminalOf.get(id) === a.deviceId));
    expect(alarm, 'an alarm of a post absent since the morning').toBeDefined();
    const target = alarm!;

    await open(wallPage, '/');
    const consoleRow = consolePage.locator(`[data-testid="queue-row"][data-alarm-id="${target.id}"]`);
    const wallRow = wallPage.locator(`[data-testid="alarm-row"][data-alarm-id="${target.id}"]`);
    await consoleRow.waitFor({ timeout: 10_000 });
    await wallRow.waitFor({ timeout: 10_000 });
    await consoleRow.click();
    await consolePage.locator(`[data-testid="alarm-detail"][data-alarm-id="${target.id}"]`).waitFor();
    await wallPage.screenshot({ path: path.join(screenshots, 'gate-peak-wall-0735.png') });

    const started = Date.now();
    await postEvent(system.url, { type: 'post.checkin', deviceId: target.deviceId, at: new Date(system.now()).toISOString(), person: '值守人员' });
    await Promise.all([consoleRow.waitFor({ state: 'detached', timeout: 5_000 }), wallRow.waitFor({ state: 'detached', timeout: 5_000 })]);
    expect(Date.now() - started).toBeLessThan(1_000);

    // The console keeps the closed alarm in view, with the system's own step in its timeline.
    await consolePage.locator(`[data-testid="alarm-detail"][data-state="resolved"]`).waitFor({ timeout: 5_000 });
    const step = consolePage.locator('[data-testid="timeline-step"][data-action="auto_resolve"]');
    await expect.poll(() => step.innerText()).toContain('系统自动关闭');
    expect(await step.innerText()).toMatch(/\d\d:\d\d 签到，迟到 \d+ 分钟/);
    await consolePage.screenshot({ path: path.join(screenshots, 'gate-peak-console-closed.png') });
    await consolePage.getByTestId('language-switch').click();
    await expect.poll(() => step.innerText()).toContain('Closed automatically');
    expect(await step.innerText()).toMatch(/post checked in[\s\S]*checked in at \d\d:\d\d, \d+ min late/);
    await consolePage.screenshot({ path: path.join(screenshots, 'gate-peak-console-closed-en.png') });
    await consolePage.getByTestId('language-switch').click();

    const [stored] = ((await (await api.get(`/api/v1/alarms?type=post_absent&state=closed&limit=1000`)).json()) as { alarms: Alarm[] }).alarms.filter((a) => a.id === target.id);
    expect(stored).toMatchObject({ state: 'resolved', disposition: 'post_checked_in' });
    expect(stored?.transitions.at(-1)).toMatchObject({ action: 'auto_resolve', actor: 'system' });
    const post = (await postStates()).find((p) => terminalOf.get(p.postId) === target.deviceId);
    expect(post).toMatchObject({ state: 'late' });
    expect(post?.minutesLate).toBeGreaterThan(5);
  }, 120_000);

  it('counts the morning on time, late (迟到) and absent (缺岗) per window on the health screen', async () => {
    const { windows } = (await (await api.get('/api/v1/posts/figures')).json()) as { windows: PostWindowFigures[] };
    const begun = windows.filter((w) => w.upcoming < w.due);
    expect(begun.length).toBeGreaterThan(0);
    const total = (key: 'due' | 'onTime' | 'late' | 'absent' | 'pending') => begun.reduce((sum, w) => sum + w[key], 0);
    expect(total('onTime')).toBeGreaterThan(total('due') * 0.8);
    expect(total('late')).toBeGreaterThan(0);
    // A handful absent (the post checked in above counts as late now).
    expect(total('absent')).toBeGreaterThan(0);
    expect(total('absent')).toBeLessThan(posts.length * 0.05);

    await wallPage.goto(`${system.url}/health`);
    const panel = wallPage.getByTestId('post-window-figures');
    await expect.poll(() => panel.locator('li').count(), { timeout: 10_000 }).toBe(begun.length);
    const early = begun[0]!;
    const row = panel.locator(`li[data-window="${early.window.start}"]`).first();
    expect(await row.innerText()).toContain(`迟到 ${early.late}`);
    expect(await row.innerText()).toContain(`缺岗 ${early.absent}`);
    await wallPage.screenshot({ path: path.join(screenshots, 'gate-peak-health-0735.png') });
  }, 120_000);
});
