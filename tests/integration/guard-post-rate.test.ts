import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceMatrix, ComplianceSchoolsAnswer, SchoolComplianceAnswer } from '../../shared/compliance.js';
import type { CoverageReport } from '../../shared/rules/coverage.js';
import { generateDataset } from '../../mocks/dataset/index.js';
import { availableEngines } from '../helpers/engines.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
const dataset = generateDataset({ referenceDate: '2026-11-30' });
/** Monday 2026-11-30, 10:00 in Asia/Shanghai. */
const clock = { now: () => Date.parse('2026-11-30T02:00:00Z') };

async function json<T>(who: Session, url: string): Promise<T> {
  const response = await fetch(url, { headers: who.headers() });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

/**
 * 二(二)1 "2020年3月底前，城市“护学岗”设置率达到100%…2020年底前，城镇“护学岗”设置率达到100%": the desk
 * (compliance matrix), the health screen and the coverage layer (both GET /coverage's setupRate)
 * give one 护学岗设置率 for the same data and scope.
 */
describe.each(engines)('one 护学岗设置率 on desk, health and coverage on %s', (engine) => {
  let sut: TestServer;
  let api: string;
  let city: Session;
  let county: Session;
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset });
    api = `${sut.url}/api/v1`;
    city = await signInAs(sut, { role: 'education_staff', displayName: '王干事' });
    county = await signInAs(sut, { role: 'education_staff', districtCode: '410422', displayName: '李干事' });
  }, 120_000);
  afterAll(async () => {
    await sut.close();
  });

  it('二(二)1 设置率: the desk\'s guard_post rate equals the coverage report\'s setupRate, city-wide and per setting', async () => {
    const desk = await json<ComplianceMatrix>(city, `${api}/compliance/matrix`);
    const coverage = await json<CoverageReport>(city, `${api}/coverage`);
    const cell = desk.total.cells.guard_post;
    expect(cell.pass + cell.fail).toBe(coverage.setupRate.target.schools);
    expect(cell.pass).toBe(coverage.setupRate.target.withGuardPost);
    expect(cell.rate).toBe(coverage.setupRate.target.rate);
    // One believable figure for the seeded city (the rate by listing alone was about half of it).
    expect(cell.rate).toBeGreaterThan(0.7);
    expect(cell.rate).toBeLessThan(0.95);
    for (const setting of ['city', 'town'] as const) {
      const bySetting = await json<ComplianceMatrix>(city, `${api}/compliance/matrix?setting=${setting}`);
      expect(bySetting.total.cells.guard_post.rate, setting).toBe(coverage.setupRate[setting].rate);
    }
    // The health screen reads the same report: whatever reach the map explores, setupRate stays at 500 m.
    const explored = await json<CoverageReport>(city, `${api}/coverage?guardPostM=800`);
    expect(explored.setupRate).toEqual(coverage.setupRate);
  });

  it('二(二)1 设置率 in a county\'s scope: the desk and the coverage give the district\'s one figure', async () => {
    const desk = await json<ComplianceMatrix>(county, `${api}/compliance/matrix`);
    const coverage = await json<CoverageReport>(county, `${api}/coverage`);
    expect(coverage.schools.every((s) => s.districtCode === '410422')).toBe(true);
    expect(desk.total.cells.guard_post.rate).toBe(coverage.setupRate.target.rate);
  });

  it('二(二)1: no school is told 未设置护学岗 while a post lists it or stands within 500 m', async () => {
    const failing = await json<ComplianceSchoolsAnswer>(city, `${api}/compliance/schools?rule=guard_post&status=fail`);
    const coverage = await json<CoverageReport>(city, `${api}/coverage`);
    const withPost = new Set(coverage.schools.filter((s) => s.guardPost !== null).map((s) => s.schoolId));
    expect(failing.schools.length).toBe(coverage.setupRate.target.schools - coverage.setupRate.target.withGuardPost);
    expect(failing.schools.filter((s) => withPost.has(s.school.id))).toEqual([]);
  });

  it('二(二)1 "全部落实定点定岗定责定人": a school whose post names no person is a 定人 finding', async () => {
    const failing = await json<ComplianceSchoolsAnswer>(city, `${api}/compliance/schools?rule=guard_post_person&status=fail`);
    const coverage = await json<CoverageReport>(city, `${api}/coverage`);
    const noPerson = coverage.schools.filter((s) => s.noPerson && s.setting !== 'rural');
    expect(noPerson.length).toBe(coverage.setupRate.target.withoutPerson);
    expect(noPerson.length).toBeGreaterThan(0);
    const failed = new Set(failing.schools.map((s) => s.school.id));
    for (const school of noPerson) expect(failed.has(school.schoolId), school.schoolId).toBe(true);
    const one = await json<SchoolComplianceAnswer>(city, `${api}/schools/${noPerson[0]!.schoolId}/compliance`);
    expect(one.items.find((i) => i.rule === 'guard_post_person')).toMatchObject({ status: 'fail', reason: { zh: '护学岗未落实定人（无责任人）' } });
  });
});

describe('the configured reach (XIAOAN_GUARD_POST_REACH_M)', () => {
  let sut: TestServer;
  let city: Session;
  beforeAll(async () => {
    sut = await startTestServer({ clock, dataset, env: { XIAOAN_GUARD_POST_REACH_M: '800' } });
    city = await signInAs(sut, { role: 'education_staff', displayName: '王干事' });
  }, 120_000);
  afterAll(async () => {
    await sut.close();
  });

  it('二(二)1 设置率 at a configured 800 m: the desk and the coverage move together', async () => {
    const desk = await json<ComplianceMatrix>(city, `${sut.url}/api/v1/compliance/matrix`);
    const coverage = await json<CoverageReport>(city, `${sut.url}/api/v1/coverage`);
    expect(coverage.setupRate.reachM).toBe(800);
    expect(desk.total.cells.guard_post.rate).toBe(coverage.setupRate.target.rate);
    expect(coverage.setupRate.target.withGuardPost).toBeGreaterThan(750);
    const failing = await json<ComplianceSchoolsAnswer>(city, `${sut.url}/api/v1/compliance/schools?rule=guard_post&status=fail`);
    expect(failing.schools[0]?.items[0]?.reason.zh).toBe('未设置护学岗（无护学岗登记本校，800米内亦无）');
  });
});
