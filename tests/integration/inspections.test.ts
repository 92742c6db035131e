import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../shared/admin.js';
import type { LocalizedText } from '../../shared/domain/text.js';
import type { InspectionCampaign, InspectionList } from '../../shared/inspections.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/** 2026-12-04 10:00 Asia/Shanghai: the autumn term 2026-09-01..2027-01-31 is running. */
const NOW = Date.parse('2026-12-04T02:00:00Z');
const clock = { now: () => NOW };

interface RefusalBody {
  error: string;
  message: LocalizedText;
  fields?: Record<string, string>;
  fieldMessages?: Record<string, LocalizedText>;
}

/** A county (叶县, 410422) education inspection of S0003, the small dataset's school there. */
const yeCounty = { department: 'education', level: 'county', districtCode: '410422', title: '开学安全检查', startDate: '2026-09-15', endDate: '2026-09-18', schoolIds: ['S0003'], findings: [{ schoolId: 'S0003', text: '门卫来访登记不规范' }] };

describe.each(engines)('city and county inspections with their circulars (二(五)2) on %s', (engine) => {
  let sut: TestServer;
  let cityEdu: Session;
  let cityPolice: Session;
  let yeEdu: Session;
  let xinhuaEdu: Session;
  let school: Session;
  let viewer: Session;
  let admin: Session;

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock });
    [cityEdu, cityPolice, yeEdu, xinhuaEdu, school, viewer, admin] = await Promise.all([
      signInAs(sut, { role: 'education_staff', username: 'edu-city', displayName: '市教体局王科长' }),
      signInAs(sut, { role: 'police_operator', username: 'police-city', displayName: '市公安局李警官' }),
      signInAs(sut, { role: 'education_staff', username: 'edu-ye', displayName: '叶县教体局赵干事', districtCode: '410422' }),
      signInAs(sut, { role: 'education_staff', username: 'edu-xinhua', displayName: '新华区教体局', districtCode: '410402' }),
      signInAs(sut, { role: 'school_user', schoolId: 'S0001' }),
      signInAs(sut, { role: 'viewer' }),
      signInAs(sut, { role: 'admin' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await sut.close();
  });

  const post = (who: Session, body: unknown) => answerOf<InspectionCampaign & RefusalBody>(who.send('POST', '/api/v1/inspections', body));
  const list = (who: Session, query = '') => answerOf<InspectionList & RefusalBody>(who.get(`/api/v1/inspections${query}`));

  it('records a county campaign by the county bureau, lists it with the duty pending, and publishes its circular once', async () => {
    const created = await post(yeEdu, yeCounty);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ department: 'education', level: 'county', districtCode: '410422', term: { start: '2026-09-01', end: '2027-01-31' }, recordedBy: '叶县教体局赵干事', circular: null });
    const before = await list(yeEdu);
    expect(before.status).toBe(200);
    expect(before.body.term).toEqual({ start: '2026-09-01', end: '2027-01-31', running: true });
    expect(before.body.duties.find((d) => d.department === 'education' && d.districtCode === '410422')).toMatchObject({ held: 1, circulated: 0, status: 'pending' });
    // The county sees the city's duties and its own county's, no other county's.
    expect(new Set(before.body.duties.map((d) => d.districtCode))).toEqual(new Set([null, '410422']));

    const circular = await answerOf<InspectionCampaign & RefusalBody>(yeEdu.send('PUT', `/api/v1/inspections/${created.body.id}/circular`, { publishedAt: '2026-09-25', text: '现将检查情况通报如下' }));
    expect(circular.status).toBe(200);
    expect(circular.body.circular).toEqual({ publishedAt: '2026-09-25', publishedBy: '叶县教体局赵干事', text: '现将检查情况通报如下', findings: yeCounty.findings });
    const again = await answerOf<RefusalBody>(yeEdu.send('PUT', `/api/v1/inspections/${created.body.id}/circular`, { publishedAt: '2026-09-26', text: '再发一次' }));
    expect(again.status).toBe(409);
    expect(again.body.message.zh).toContain('已发布通报');

    const second = await post(yeEdu, { ...yeCounty, title: '期末安全检查', startDate: '2026-11-20', endDate: '2026-11-22' });
    await yeEdu.send('PUT', `/api/v1/inspections/${second.body.id}/circular`, { publishedAt: '2026-11-28', text: '通报' });
    const after = await list(yeEdu, '?districtCode=410422');
    expect(after.body.duties.find((d) => d.department === 'education' && d.level === 'county')).toMatchObject({ held: 2, circulated: 2, status: 'ok' });
    expect(after.body.campaigns.map((c) => c.title)).toEqual(['开学安全检查', '期末安全检查']);

    const audit = await answerOf<AuditPage>(admin.get('/api/v1/admin/audit?limit=20'));
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['inspection.record', 'inspection.circular']));
  });

  it('keeps each department to its own campaigns and each county to its own district, in Chinese', async () => {
    const policeAsEdu = await post(cityPolice, { ...yeCounty });
    expect(policeAsEdu.status).toBe(403);
    expect(policeAsEdu.body.message.zh).toContain('公安账号只能登记公安部门的检查');
    expect((await post(cityPolice, { ...yeCounty, department: 'police' })).status).toBe(201);
    const otherCounty = await post(xinhuaEdu, yeCounty);
    expect(otherCounty.status).toBe(403);
    expect(otherCounty.body.message.zh).toContain('新华区');
    expect((await post(yeEdu, { ...yeCounty, level: 'city', districtCode: null, schoolIds: ['S0001'], findings: [] })).status).toBe(403);
    expect((await post(cityEdu, { ...yeCounty, level: 'city', districtCode: null, schoolIds: ['S0001', 'S0003'], findings: [] })).status).toBe(201);
    expect((await post(viewer, yeCounty)).status).toBe(403);
    expect((await post(school, yeCounty)).status).toBe(403);
    const schoolRead = await list(school);
    expect(schoolRead.status).toBe(403);
    expect(schoolRead.body.message.zh).toContain('学校账号');
    // A county person reads the city's campaigns and their own county's, not another county's.
    const ye = (await list(yeEdu)).body.campaigns;
    expect(ye.some((c) => c.level === 'city')).toBe(true);
    const xinhua = await list(xinhuaEdu);
    expect(xinhua.body.campaigns.every((c) => c.level === 'city' || c.districtCode === '410402')).toBe(true);
    expect((await list(xinhuaEdu, '?districtCode=410422')).status).toBe(403);
    const yeId = ye.find((c) => c.level === 'county')!.id;
    expect((await answerOf(xinhuaEdu.get(`/api/v1/inspections/${yeId}`))).status).toBe(403);
    expect((await answerOf(viewer.get(`/api/v1/inspections/${yeId}`))).status).toBe(200);
    expect((await answerOf(viewer.get('/api/v1/inspections/INSP-none'))).status).toBe(404);
  });

  it('refuses bad input with a 400 and the reason per field in zh-CN and en, recording nothing', async () => {
    const count = async () => (await list(cityEdu, '?districtCode=410422')).body.campaigns.length;
    const before = await count();
    const cases: [unknown, string, string][] = [
      [{ ...yeCounty, department: 'fire' }, 'department', '部门须为'],
      [{ ...yeCounty, districtCode: null }, 'districtCode', '县级检查须填写'],
      [{ ...yeCounty, endDate: '2026-09-01' }, 'endDate', '结束日期早于开始日期'],
      [{ ...yeCounty, startDate: '2026-02-30' }, 'startDate', '不是有效日期'],
      [{ ...yeCounty, schoolIds: [] }, 'schoolIds', '至少填写一所检查学校'],
      [{ ...yeCounty, findings: [{ schoolId: 'S0001', text: 'x' }] }, 'findings.0.schoolId', '不在检查学校之列'],
      [{ ...yeCounty, title: '' }, 'title', '检查名称必填'],
    ];
    for (const [body, field, zh] of cases) {
      const refused = await post(cityEdu, body);
      expect(refused.status, field).toBe(400);
      expect(refused.body.fieldMessages?.[field]?.zh, field).toContain(zh);
      expect(refused.body.fields?.[field], field).toBeTruthy();
    }
    const unknown = await post(cityEdu, { ...yeCounty, schoolIds: ['S9999'], findings: [] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message.zh).toContain('没有这些编号的学校');
    const elsewhere = await post(cityEdu, { ...yeCounty, schoolIds: ['S0001'], findings: [] });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.message.zh).toContain('县级检查只检查本县');
    const created = await post(cityEdu, { ...yeCounty, startDate: '2026-11-01', endDate: '2026-11-02' });
    const early = await answerOf<RefusalBody>(cityEdu.send('PUT', `/api/v1/inspections/${created.body.id}/circular`, { publishedAt: '2026-10-01', text: '通报' }));
    expect(early.status).toBe(400);
    expect(early.body.message.zh).toContain('通报日期不能早于检查开始日期');
    const future = await answerOf<RefusalBody>(cityEdu.send('PUT', `/api/v1/inspections/${created.body.id}/circular`, { publishedAt: '2026-12-05', text: '通报' }));
    expect(future.status).toBe(400);
    expect(future.body.message.zh).toContain('不能晚于今天');
    expect(await count()).toBe(before + 1);
    expect((await list(cityEdu, '?term=2026-13-01')).status).toBe(400);
  });

  it('judges a term that has ended (spring 2026): short with fewer than two campaigns, no_circular with one uncirculated', async () => {
    const spring = { ...yeCounty, startDate: '2026-03-10', endDate: '2026-03-12' };
    const first = await post(yeEdu, spring);
    await post(yeEdu, { ...spring, startDate: '2026-05-10', endDate: '2026-05-12' });
    await yeEdu.send('PUT', `/api/v1/inspections/${first.body.id}/circular`, { publishedAt: '2026-03-20', text: '通报' });
    await post(cityPolice, { ...spring, department: 'police' });
    const last = await list(cityEdu, '?term=2026-04-01');
    expect(last.body.term).toEqual({ start: '2026-03-01', end: '2026-07-15', running: false });
    const duty = (department: string, districtCode: string | null) => last.body.duties.find((d) => d.department === department && d.districtCode === districtCode);
    expect(duty('education', '410422')).toMatchObject({ held: 2, circulated: 1, status: 'no_circular' });
    expect(duty('police', '410422')).toMatchObject({ held: 1, status: 'short' });
    expect(duty('police', '410423')).toMatchObject({ held: 0, status: 'short' });
    expect(duty('education', null)).toMatchObject({ held: 0, status: 'short' });
  });
});
