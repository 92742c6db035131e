import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { ReportAnswer, ReportSummary } from '../../shared/report.js';
import type { RiskList } from '../../shared/risk.js';
import type { AlarmLoadReport } from '../../shared/rules/alarm-load.js';
import { shanghaiParts } from '../../shared/time.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { reportTools } from '../helpers/report-tools.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Monday 2026-11-23 00:00 Asia/Shanghai: the week reported is 11-23 … 11-29.
const MONDAY = Date.parse('2026-11-22T16:00:00Z');
const DAY = 86_400_000;
const tools = reportTools();
const engines = await availableEngines();

describe.each(engines)('the periodic report (issue 15 item 3, integration) on %s', (engine) => {
  let now = MONDAY - DAY;
  let server: TestServer;
  let city: Session;
  let xinhua: Session;
  let report: ReportAnswer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-report-'));

  async function raise(type: 'sos' | 'intrusion', schoolId: string): Promise<string> {
    const deviceId = type === 'sos' ? `SOS-${schoolId}-1` : `INT-${schoolId}-1`;
    const answer = await server.post({ type: `alarm.${type}`, deviceId, at: new Date(now).toISOString(), id: `ev-${now}-${deviceId}` });
    expect(answer.status).toBe(202);
    await server.services.writes.drain();
    const [alarm] = await server.services.alarms.list({ state: 'open', limit: 1, schoolIds: [schoolId] });
    return alarm!.id;
  }

  async function act(id: string, action: 'ack' | 'dispatch' | 'arrive' | 'resolve' | 'false_alarm', afterSeconds: number): Promise<void> {
    now += afterSeconds * 1000;
    const extra = action === 'dispatch' ? { unitId: 'P001' } : action === 'false_alarm' ? { note: '误触' } : {};
    const done = await server.services.alarms.command('system', { id, action, ...extra });
    expect(done.ok, `${action} ${id} ${JSON.stringify(done)}`).toBe(true);
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock: { now: () => now } });
    // One alarm the day before the week: outside it.
    await act(await raise('sos', 'S0001'), 'false_alarm', 30);
    // A week of activity: each day a morning SOS at 07:35 (answered, on scene), an intrusion at 22:10 (some false).
    for (let day = 0; day < 7; day++) {
      now = MONDAY + day * DAY + (7 * 60 + 35) * 60_000;
      const sos = await raise('sos', day % 2 === 0 ? 'S0001' : 'S0003');
      await act(sos, 'ack', 20 + day * 10);
      await act(sos, 'dispatch', 15);
      await act(sos, 'arrive', 120 + day * 40);
      await act(sos, 'resolve', 300);
      now = MONDAY + day * DAY + (22 * 60 + 10) * 60_000;
      const intrusion = await raise('intrusion', 'S0002');
      await act(intrusion, day % 3 === 0 ? 'false_alarm' : 'ack', 45 + day * 5);
      // Closed, so the next night's intrusion is an alarm of its own (not a repeat folded into this one).
      if (day % 3 !== 0) await act(intrusion, 'resolve', 600);
    }
    // Hazards (隐患): three registered on the Tuesday; one dispatched with a Thursday deadline and
    // left (超期 by Sunday), one taken through to 销号 on the Friday.
    const admin = await signInAs(server, { role: 'admin' });
    const by = { user: admin.user, address: null };
    now = MONDAY + DAY + 10 * 3600_000;
    const hazardIds: string[] = [];
    for (const schoolId of ['S0001', 'S0002', 'S0003']) {
      const made = await server.services.hazards.create({ schoolId, source: 'police', severity: 'general', description: '围墙破损' }, by);
      expect(made.ok).toBe(true);
      if (made.ok) hazardIds.push(made.data.id);
    }
    const step = async (id: string, hazardStep: Parameters<TestServer['services']['hazards']['step']>[1]) => expect((await server.services.hazards.step(id, hazardStep, by)).ok).toBe(true);
    await step(hazardIds[0]!, { action: 'dispatch', assignee: '总务处', deadline: '2026-11-26' });
    await step(hazardIds[1]!, { action: 'dispatch', assignee: '总务处', deadline: '2026-11-30' });
    now = MONDAY + 4 * DAY + 10 * 3600_000;
    await step(hazardIds[1]!, { action: 'rectify', note: '已修复' });
    await step(hazardIds[1]!, { action: 'verify' });
    await step(hazardIds[1]!, { action: 'close' });
    // One alarm on the Monday after: outside it. Then Monday 09:00, when the report is made.
    now = MONDAY + 7 * DAY + 3600_000;
    await raise('sos', 'S0002');
    now = MONDAY + 7 * DAY + 9 * 3600_000;
    // Signed in at that hour (a session from a week ago would have expired).
    city = await signInAs(server, { role: 'education_staff' });
    xinhua = await signInAs(server, { role: 'education_staff', districtCode: '410402' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes the weekly city report whose figures equal the same figures computed from the API', async () => {
    // The risk scores as of now (the risk service's own periodic step: not the whole tick, whose
    // keepalive sweep would raise camera faults), read from the API just before the report reads them.
    await server.services.risk.tick();
    const risk = (await (await city.get('/api/v1/risk/schools?sort=score_desc&limit=10')).json()) as RiskList;
    const made = await city.send('POST', '/api/v1/reports', { kind: 'weekly' });
    expect(made.status).toBe(201);
    report = (await made.json()) as ReportAnswer;
    const { figures } = report;
    expect(figures.period).toMatchObject({ kind: 'weekly', from: new Date(MONDAY).toISOString(), to: new Date(MONDAY + 7 * DAY).toISOString(), label: '2026-11-23 ~ 2026-11-29' });

    const range = `since=${new Date(MONDAY).toISOString()}&until=${new Date(MONDAY + 7 * DAY).toISOString()}`;
    const { alarms } = (await (await city.get(`/api/v1/alarms?${range}&drill=false&limit=1000`)).json()) as { alarms: Alarm[] };
    // The 14 of the simulation; the periodic tick (every 5 s of real time) may have swept the pinned
    // clock's silent cameras into camera-fault alarms meanwhile — the report counts what the API counts.
    expect(alarms.filter((a) => a.type === 'sos' || a.type === 'intrusion')).toHaveLength(14);
    expect(figures.alarms.total).toBe(alarms.length);
    expect(figures.alarms.byType.sos).toBe(alarms.filter((a) => a.type === 'sos').length);
    expect(figures.alarms.byType.intrusion).toBe(alarms.filter((a) => a.type === 'intrusion').length);
    const byHour = Array.from({ length: 24 }, () => 0);
    for (const a of alarms) byHour[Math.floor(shanghaiParts(Date.parse(a.receivedAt)).minuteOfDay / 60)]!++;
    expect(figures.alarms.byHour).toEqual(byHour);
    expect(figures.alarms.byType.sos).toBe(7);
    expect(figures.alarms.byType.intrusion).toBe(7);
    expect(figures.alarms.falseAlarms).toBe(alarms.filter((a) => a.state === 'false_alarm').length);
    expect(figures.alarms.falseAlarms).toBe(3);
    expect(figures.alarms.falseAlarmRate).toBeCloseTo(3 / alarms.length, 4);
    const byDistrict = new Map<string, number>();
    for (const a of alarms) byDistrict.set(a.districtCode, (byDistrict.get(a.districtCode) ?? 0) + 1);
    expect(Object.fromEntries(figures.alarms.byDistrict.map((d) => [d.districtCode, d.alarms]))).toEqual(Object.fromEntries(byDistrict));

    const stats = (await (await city.get(`/api/v1/alarms/stats?from=${new Date(MONDAY).toISOString()}&to=${new Date(MONDAY + 7 * DAY).toISOString()}`)).json()) as AlarmLoadReport;
    expect(figures.response.acknowledge.count).toBe(stats.toAcknowledge.count);
    expect(figures.response.acknowledge.meanSeconds).toBe(stats.toAcknowledge.meanSeconds);
    expect(figures.response.acknowledge.p90Seconds).toBe(stats.toAcknowledge.p90Seconds);
    expect(figures.response.onScene.count).toBe(stats.toOnScene.count);
    expect(figures.response.onScene.p90Seconds).toBe(stats.toOnScene.p90Seconds);
    expect(figures.floods).toEqual(stats.floods);
    // Acknowledged in 20…80 s against 60 s: 20, 30 … 60 met (5 of 7 SOS) plus the intrusions acknowledged within 60 s (45+5d: days 1, 2 met; 4, 5 not).
    expect(figures.response.acknowledge.met).toBe(5 + 2);
    // On scene 15 s after acknowledging, arrival 120 + 40d later: receipt → on scene = ack + 15 + 120 + 40d.
    const onScene = Array.from({ length: 7 }, (_, d) => 20 + d * 10 + 15 + 120 + d * 40).sort((a, b) => a - b);
    expect(figures.response.onScene.p50Seconds).toBe(onScene[3]);

    // Hazards: registered and closed in the week, and overdue, as the hazard list says them.
    const { hazards } = (await (await city.get('/api/v1/hazards?state=all')).json()) as { hazards: { registeredAt: string; closedAt: string | null; overdue: boolean }[] };
    const inWeek = (iso: string | null) => iso !== null && Date.parse(iso) >= MONDAY && Date.parse(iso) < MONDAY + 7 * DAY;
    expect(figures.hazards.opened).toBe(hazards.filter((h) => inWeek(h.registeredAt)).length);
    expect(figures.hazards.closed).toBe(hazards.filter((h) => inWeek(h.closedAt)).length);
    expect(figures.hazards.overdue).toBe(hazards.filter((h) => h.overdue).length);
    expect(figures.hazards).toMatchObject({ opened: 3, closed: 1, overdue: 1, open: 2 });

    // The top-risk schools are the risk list's highest scores, each with its reasons (one per contribution).
    const scored = risk.rows.filter((r) => r.score > 0);
    expect(scored.length).toBeGreaterThan(0);
    expect(figures.topRisk.map((r) => [r.schoolId, r.score])).toEqual(scored.map((r) => [r.schoolId, r.score]));
    expect(figures.topRisk.map((r) => r.reasons.length)).toEqual(scored.map((r) => r.contributions.length));
    expect(figures.topRisk[0]!.reasons.join(' ')).toMatch(/\(\+\d+\)/);
  });

  it('keeps each generation on the list and the audit log', async () => {
    const { reports } = (await (await city.get('/api/v1/reports')).json()) as { reports: ReportSummary[] };
    expect(reports.map((r) => r.id)).toContain(report.report.id);
    const entries = await server.services.audit.search({ action: 'report.generate', limit: 10 });
    expect(entries.some((e) => e.target === report.report.id)).toBe(true);
  });

  it('gives a district person only their district’s reports (403 for the city’s or another district’s)', async () => {
    const own = await xinhua.send('POST', '/api/v1/reports', { kind: 'weekly' });
    expect(own.status).toBe(201);
    const mine = (await own.json()) as ReportAnswer;
    expect(mine.figures.scope).toBe('410402');
    expect(mine.figures.alarms.total).toBe(mine.figures.alarms.byDistrict.find((d) => d.districtCode === '410402')?.alarms ?? 0);
    expect((await xinhua.send('POST', '/api/v1/reports', { kind: 'weekly', scope: 'city' })).status).toBe(403);
    expect((await xinhua.send('POST', '/api/v1/reports', { kind: 'weekly', scope: '410422' })).status).toBe(403);
    const { reports } = (await (await xinhua.get('/api/v1/reports')).json()) as { reports: ReportSummary[] };
    expect(reports.map((r) => r.scope)).toEqual(['410402']);
    expect((await xinhua.get(`/api/v1/reports/${report.report.id}/report.pdf`)).status).toBe(403);
    expect((await xinhua.get(`/api/v1/reports/${report.report.id}/report.xlsx`)).status).toBe(403);
    expect((await xinhua.get(`/api/v1/reports/${mine.report.id}/report.pdf`)).status).toBe(200);
    expect((await xinhua.get('/api/v1/reports/no-such')).status).toBe(404);
  });

  it.skipIf(!tools.pdf)('renders a PDF that opens: every page to PNG, and its text holds the totals', () => {
    const file = path.join(dir, 'report.pdf');
    return city.get(`/api/v1/reports/${report.report.id}/report.pdf`).then(async (response) => {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/pdf');
      fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
      expect(pages).toBeGreaterThanOrEqual(2);
      execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(dir, 'page')]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'))).toHaveLength(pages);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      const { alarms } = report.figures;
      expect(text).toMatch(new RegExp(`报警总数 Alarms \\(drills excluded\\)\\s+${alarms.total}\\b`));
      expect(text).toContain(`${((alarms.falseAlarmRate ?? 0) * 100).toFixed(1)}%`);
      expect(text).toContain('值班领导签字');
      expect(text).toContain(`第 ${pages} / ${pages} 页`);
      expect(text).toContain('新华区');
      expect(text).toContain('高风险学校 Top-risk schools');
      // The first two pages as the docs show them (docs/screenshots/report-page.png, report-page-2.png).
      const shots = path.resolve(import.meta.dirname, '../../docs/screenshots');
      execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', file, path.join(shots, 'report-page')]);
      execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '2', '-l', '2', '-singlefile', file, path.join(shots, 'report-page-2')]);
    });
  }, 60_000);

  it.skipIf(!tools.soffice)('gives an .xlsx that LibreOffice opens with the same totals', async () => {
    const response = await city.get(`/api/v1/reports/${report.report.id}/report.xlsx`);
    expect(response.status).toBe(200);
    const file = path.join(dir, 'report.xlsx');
    fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    execFileSync('soffice', [`-env:UserInstallation=file://${dir}/lo`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', dir, file], { stdio: 'ignore', timeout: 90_000 });
    const csv = fs.readFileSync(path.join(dir, 'report.csv'), 'utf8');
    expect(csv).toMatch(new RegExp(`"?报警总数 Alarms \\(drills excluded\\)"?,${report.figures.alarms.total}\\b`));
    expect(csv).toMatch(/"?误报 False alarms"?,3\b/);
  }, 120_000);
});

describe('the report schedule (Monday 08:00 and the 1st 08:00, Asia/Shanghai)', () => {
  // Monday 2026-11-30 07:59 Asia/Shanghai: the week 11-23 … 11-29 is complete, its report due at 08:00.
  let now = MONDAY + 7 * DAY + (7 * 60 + 59) * 60_000;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ clock: { now: () => now }, env: { XIAOAN_REPORT_SCHEDULE: 'on' } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('makes the last complete week’s reports at 08:00 for the city and each district with schools, once, on the audit log as the system', async () => {
    await server.tick();
    const before = await server.services.audit.search({ action: 'report.generate', limit: 50 });
    // October's reports are due since 1 November 08:00: made at the first tick; the week's not yet.
    expect(before.every((e) => (e.details as { kind: string }).kind === 'monthly')).toBe(true);
    expect(before).toHaveLength(4);

    now += 60_000;
    await server.tick();
    await server.tick();
    const after = await server.services.audit.search({ action: 'report.generate', limit: 50 });
    const made = after.filter((e) => (e.details as { kind: string }).kind === 'weekly');
    expect(made.map((e) => (e.details as { scope: string }).scope).sort()).toEqual(['410402', '410403', '410422', 'city']);
    expect(made.every((e) => e.actor === 'system' && (e.details as { period: string }).period === '2026-11-23 ~ 2026-11-29')).toBe(true);
  }, 120_000);
});
