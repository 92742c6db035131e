import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceMatrix, ComplianceRow, ComplianceSchoolsAnswer, ComplianceTrend, SchoolComplianceAnswer } from '../../shared/compliance.js';
import { SCHOOL_SETTINGS, SCHOOL_STAGES } from '../../shared/domain/index.js';
import type { ComplianceRuleId } from '../../shared/rules/compliance/index.js';
import { generateDataset } from '../../mocks/dataset/index.js';
import { ComplianceService } from '../../server/services/compliance.service.js';
import { availableEngines } from '../helpers/engines.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
const dataset = generateDataset({ referenceDate: '2026-11-30' });
/** Monday 2026-11-30, 10:00 in Asia/Shanghai: the seeded city's "now". */
const clock = { now: () => Date.parse('2026-11-30T02:00:00Z') };

/** A city-level education-bureau person, signed in per suite. */
let staff: Session;

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: staff.headers() });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

describe.each(engines)(`${ComplianceService.name} over the seeded city on %s`, (engine) => {
  let sut: TestServer;
  let api: string;
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset });
    api = `${sut.url}/api/v1`;
    staff = await signInAs(sut, { role: 'education_staff', displayName: '王干事' });
  }, 120_000);
  afterAll(async () => {
    await sut.close();
  });

  it('shows believable rates as of today: not all green, not all red', async () => {
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    expect(matrix.asOf).toBe('2026-11-30');
    expect(matrix.total.schools).toBe(dataset.schools.length);
    const rate = (rule: ComplianceRuleId) => matrix.total.cells[rule].rate!;
    const ranges: [ComplianceRuleId, number, number][] = [
      ['guards', 0.8, 0.95], ['equipment', 0.82, 0.96], ['closed_campus', 0.92, 0.99], ['anti_ram', 0.85, 0.97],
      ['sos_alarm', 0.93, 0.995], ['video', 0.85, 0.96], ['intrusion', 0.95, 0.995], ['control_room', 0.68, 0.8], // 附件3 二(二) qualified staff judged too since issue 15 (was 0.8–0.93)
      ['retention', 0.86, 0.96], ['fault_restore', 0.9, 0.99], ['self_check', 0.9, 0.99],
      // 二(二)1 by THE rule (a post lists the school or stands within 500 m) over city/town schools:
      // about 0.86 in the seeded city of 3,130 schools; it was 0.473 when only listed schools counted.
      ['guard_post', 0.8, 0.92], ['guard_post_person', 0.75, 0.9],
      ['gate_police_camera', 0.8, 0.95], ['system_upkeep', 0.8, 0.92],
    ];
    for (const [rule, low, high] of ranges) {
      expect(rate(rule), rule).toBeGreaterThan(low);
      expect(rate(rule), rule).toBeLessThan(high);
    }
    // Mid-term: drills not held yet and second inspections still to come are pending, not failures.
    expect(matrix.total.cells.drill.pending).toBeGreaterThan(0);
    expect(matrix.total.cells.inspections.pending).toBeGreaterThan(matrix.total.cells.inspections.pass);
    // Rural schools are not asked for anti-ram barriers or a 护学岗.
    expect(matrix.total.cells.anti_ram.applicable).toBe(dataset.schools.filter((s) => s.setting !== 'rural').length);
  });

  it('judges the term just ended in the summer holiday: some schools missed a drill or an inspection', async () => {
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix?asOf=2026-08-20`);
    for (const rule of ['drill', 'inspections'] as const) {
      const cell = matrix.total.cells[rule];
      expect(cell.pending, rule).toBe(0);
      expect(cell.rate!, rule).toBeGreaterThan(0.8);
      expect(cell.rate!, rule).toBeLessThan(0.98);
    }
  });

  it('adds the districts up to the city total, and filters by stage and setting', async () => {
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    expect(matrix.rows).toHaveLength(10);
    const sum = (pick: (row: ComplianceRow) => number) => matrix.rows.reduce((n, row) => n + pick(row), 0);
    expect(sum((r) => r.schools)).toBe(matrix.total.schools);
    for (const rule of matrix.rules) {
      for (const key of ['applicable', 'pass', 'fail', 'pending', 'notDue'] as const) expect(sum((r) => r.cells[rule][key]), `${rule} ${key}`).toBe(matrix.total.cells[rule][key]);
    }
    const rural = await json<ComplianceMatrix>(`${api}/compliance/matrix?stage=kindergarten&setting=rural`);
    expect(rural.total.schools).toBe(dataset.schools.filter((s) => s.stage === 'kindergarten' && s.setting === 'rural').length);
    expect(rural.total.cells.anti_ram).toMatchObject({ applicable: 0, rate: null });
    expect(rural.total.cells.control_room.rate!).toBeLessThan(matrix.total.cells.control_room.rate!);
    const one = await json<ComplianceMatrix>(`${api}/compliance/matrix?districtCode=410422`);
    expect(one.rows.map((r) => r.districtCode)).toEqual(['410422']);
    expect((await fetch(`${api}/compliance/matrix?asOf=2026-02-30`, { headers: staff.headers() })).status).toBe(400);
    expect((await fetch(`${api}/compliance/matrix?stage=college`, { headers: staff.headers() })).status).toBe(400);
  });

  it('drills a red cell down to the schools and each reason, and shows one school whole', async () => {
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    const failing = await json<ComplianceSchoolsAnswer>(`${api}/compliance/schools?rule=retention&status=fail&districtCode=410482`);
    const row = matrix.rows.find((r) => r.districtCode === '410482')!;
    expect(failing.schools).toHaveLength(row.cells.retention.fail);
    for (const { school, items } of failing.schools) {
      expect(school.districtCode).toBe('410482');
      expect(items).toEqual([expect.objectContaining({ rule: 'retention', status: 'fail', reason: { zh: expect.stringMatching(/视频保存\d+天/), en: expect.stringMatching(/video kept \d+ days/) } })]);
    }
    const anyFailure = await json<ComplianceSchoolsAnswer>(`${api}/compliance/schools`);
    expect(anyFailure.status).toBe('fail');
    expect(anyFailure.schools.length).toBeGreaterThan(failing.schools.length);

    const school = await json<SchoolComplianceAnswer>(`${api}/schools/${failing.schools[0]!.school.id}/compliance`);
    expect(school.items.map((i) => i.rule)).toEqual(matrix.rules);
    expect(school.items.every((i) => i.reason.zh && i.reason.en)).toBe(true);
    expect(school.summary.fail).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${api}/schools/S9999/compliance`, { headers: staff.headers() })).status).toBe(404);
  });

  it('draws the trend month by month, rising as schools put things right', async () => {
    const trend = await json<ComplianceTrend>(`${api}/compliance/trend?from=2025-12-01&to=2026-11-30`);
    expect(trend.points.map((p) => p.asOf)).toEqual([
      '2025-12-31', '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30',
    ]);
    const antiRam = trend.points.map((p) => p.cells.anti_ram.rate!);
    expect(antiRam.at(-1)!).toBeGreaterThan(antiRam[0]!);
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    expect(trend.points.at(-1)!.cells).toEqual(matrix.total.cells);
    const weekly = await json<ComplianceTrend>(`${api}/compliance/trend?step=week&from=2026-11-01&to=2026-11-30&districtCode=410402`);
    expect(weekly.points.map((p) => p.asOf)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect((await fetch(`${api}/compliance/trend?from=2020-01-01&to=2026-11-30&step=week`, { headers: staff.headers() })).status).toBe(400);
  });

  it('exports the 附件4 workbook whose every number, read back with exceljs, is the matrix', async () => {
    const asOf = '2026-10-31';
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix?asOf=${asOf}`);
    const response = await fetch(`${api}/compliance/export.xlsx?asOf=${asOf}`, { headers: staff.headers() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="xiaoan-compliance-2026-10-31.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('附件4')!;
    expect(String(sheet.getCell('A1').value)).toMatch(/统计表/);
    expect(String(sheet.getCell('A2').value)).toContain('2026年10月31日');
    expect(sheet.getCell(3, 1).value).toBe('区县');

    const rows = [...matrix.rows, matrix.total];
    rows.forEach((expected, i) => {
      const row = sheet.getRow(5 + i);
      const values: unknown[] = [];
      for (let c = 1; c <= 2 + SCHOOL_STAGES.length + SCHOOL_SETTINGS.length + matrix.rules.length * 3; c++) values.push(row.getCell(c).value);
      const want = [
        expected.name, expected.schools, ...SCHOOL_STAGES.map((s) => expected.byStage[s]), ...SCHOOL_SETTINGS.map((s) => expected.bySetting[s]),
        ...matrix.rules.flatMap((rule) => {
          const cell = expected.cells[rule];
          return [cell.pass + cell.fail, cell.pass, cell.rate ?? '—'];
        }),
      ];
      expect(values, expected.name).toEqual(want);
    });
    expect(sheet.getRow(5 + rows.length).getCell(1).value ?? null).toBeNull();
  });

  it('exports the same numbers as CSV with a UTF-8 byte-order mark', async () => {
    const matrix = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    const response = await fetch(`${api}/compliance/export.csv`, { headers: staff.headers() });
    const admin = await signInAs(sut, { role: 'admin' });
    const exports = (await (await admin.get('/api/v1/admin/audit?action=export.compliance')).json()) as { entries: { action: string; actor: string }[] };
    expect(exports.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['export.compliance_csv', 'export.compliance_xlsx']));
    expect(exports.entries.every((e) => e.actor === staff.user.username)).toBe(true);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n').map((line) => line.split(','));
    expect(lines[0]![0]).toMatch(/统计表/);
    expect(lines[1]![0]).toContain('2026年11月30日');
    expect(lines[2]!.slice(0, 3)).toEqual(['区县', '学校总数', '幼儿园']);
    expect(lines[2]).toContain('视频存储时长达标率');
    [...matrix.rows, matrix.total].forEach((expected, i) => {
      const line = lines[3 + i]!;
      expect(line[0]).toBe(expected.name);
      expect(Number(line[1])).toBe(expected.schools);
      const first = 2 + SCHOOL_STAGES.length + SCHOOL_SETTINGS.length;
      matrix.rules.forEach((rule, r) => {
        const cell = expected.cells[rule];
        expect(Number(line[first + r * 3]), `${expected.name} ${rule}`).toBe(cell.pass + cell.fail);
        expect(Number(line[first + r * 3 + 1])).toBe(cell.pass);
        expect(line[first + r * 3 + 2]).toBe(cell.rate === null ? '—' : `${(cell.rate * 100).toFixed(1)}%`);
      });
    });
  });

  it('counts an edit at once for today, and judges yesterday on the record as it stood then', async () => {
    const [today, yesterday] = await Promise.all([json<ComplianceMatrix>(`${api}/compliance/matrix`), json<ComplianceMatrix>(`${api}/compliance/matrix?asOf=2026-11-29`)]);
    const failing = await json<ComplianceSchoolsAnswer>(`${api}/compliance/schools?rule=retention`);
    const school = failing.schools[0]!.school;
    const response = await fetch(`${api}/schools/${school.id}/record`, {
      method: 'PUT',
      headers: staff.headers(),
      body: JSON.stringify({ retentionDays: 180, note: '监控存储扩容' }),
    });
    expect(response.status).toBe(200);
    const after = await json<ComplianceMatrix>(`${api}/compliance/matrix`);
    expect(after.total.cells.retention.fail).toBe(today.total.cells.retention.fail - 1);
    expect(after.total.cells.retention.pass).toBe(today.total.cells.retention.pass + 1);
    expect(after.total.cells.guards).toEqual(today.total.cells.guards);
    expect(await json<ComplianceMatrix>(`${api}/compliance/matrix?asOf=2026-11-29`)).toEqual(yesterday);
  });
});
