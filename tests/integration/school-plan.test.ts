import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchoolComplianceAnswer } from '../../shared/compliance.js';
import type { AuditPage } from '../../shared/admin.js';
import type { EmergencyCard, EmergencyPlan, SchoolPeople, SchoolPlanHistory, SchoolPlanView } from '../../shared/domain/school-plan.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { PlanService } from '../../server/services/plan.service.js';
import { availableEngines } from '../helpers/engines.js';
import { callerAs, signInAs, answerOf, type Caller } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
const DAY_MS = 86_400_000;
/** Monday 2026-11-30, 10:00 in Asia/Shanghai; tests move it. */
const MONDAY = Date.parse('2026-11-30T02:00:00Z');
let now = MONDAY;
const clock = { now: () => now };

/** The small dataset with two more 护学岗 posts at S0001: one off today (a closure), one staffed only at weekends. */
function dataset() {
  const base = makeSmallDataset();
  const g1 = base.guardPosts[0]!;
  return {
    ...base,
    guardPosts: [
      ...base.guardPosts,
      { ...g1, id: 'G0002', name: '新华区第一小学北门护学岗', person: '李卫东', phone: '13800000002', offDates: ['2026-11-30'] },
      { ...g1, id: 'G0003', name: '新华区第一小学周末护学岗', person: '赵周末', phone: '13800000003', days: [6, 7] },
    ],
  };
}

const people: SchoolPeople = {
  principal: { name: '张校长', phone: '13912345678' },
  securityChief: { name: '刘保卫', phone: '0375-2345678' },
  policeVicePrincipal: { name: '陈警官', phone: '13812345678', unitId: 'P001' },
  deputies: [{ title: '副校长', name: '孙副校长', phone: '13712345678' }],
};
const plan: EmergencyPlan = {
  steps: { sos: ['门卫室确认报警位置，拨打110', '保卫干部携器械赶到现场'], intrusion: ['监控室调看视频', '保安两人一组核查'] },
  assemblyPoint: '学校操场中央',
  evacuationRoutes: ['教学楼东楼梯 → 一楼东门 → 操场'],
  nearestHospital: { name: '平顶山市第一人民医院', address: '平顶山市新华区优越路117号', phone: '0375-2228600', distanceKm: 2.4 },
};

describe.each(engines)(`${PlanService.name} on %s`, (engine) => {
  let sut: TestServer;
  /** Education-bureau staff of the city. */
  let call: Caller;
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset: dataset() });
    call = callerAs(sut, 'education_staff', '王干事');
  });
  afterAll(async () => {
    await sut.close();
  });
  const planItem = async (id: string) => (await call<SchoolComplianceAnswer>('GET', `/schools/${id}/compliance`)).body.items.find((i) => i.rule === 'emergency_plan');

  it('a school without a plan is a finding with its reason, and its card says there is none', async () => {
    const view = await call<SchoolPlanView>('GET', '/schools/S0001/plan');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ schoolId: 'S0001', people: null, plan: null, finding: { zh: '无应急预案（一校一案）' } });
    expect(await planItem('S0001')).toMatchObject({ status: 'fail', reason: { en: 'no emergency plan (one plan per school)' } });
    const card = await call<EmergencyCard>('GET', '/schools/S0001/emergency-card?type=sos');
    expect(card.body).toMatchObject({ people: null, plan: null, policeUnitName: null });
    expect((await call('GET', '/schools/S9999/plan')).status).toBe(404);
  });

  it('refuses bad people and plans with a reason per field, saving nothing', async () => {
    const badPhone = await call<{ error: string; fields: Record<string, string> }>('PUT', '/schools/S0001/people', {
      people: { ...people, principal: { name: '张校长', phone: '12345' } }, baseVersion: null,
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.fields['people.principal.phone']).toContain('mobile');
    const zh = await call<{ message: { zh: string } }>('PUT', '/schools/S0001/people', { people: { ...people, securityChief: { name: '', phone: '0375-12' } }, baseVersion: null });
    expect(zh.body.message.zh).toContain('保卫干部姓名必填');
    expect(zh.body.message.zh).toContain('电话须为手机号');
    const badUnit = await call<{ fields: Record<string, string> }>('PUT', '/schools/S0001/people', { people: { ...people, policeVicePrincipal: { ...people.policeVicePrincipal, unitId: 'P999' } }, baseVersion: null });
    expect(badUnit.status).toBe(400);
    expect(badUnit.body.fields['people.policeVicePrincipal.unitId']).toContain('not a registered police post');
    const noIntrusion = await call<{ fields: Record<string, string> }>('PUT', '/schools/S0001/plan', { plan: { ...plan, steps: { sos: plan.steps.sos } }, baseVersion: null });
    expect(noIntrusion.status).toBe(400);
    expect(noIntrusion.body.fields['plan.steps.intrusion']).toBe('the steps for intrusion are required');
    const tooMany = await call<{ fields: Record<string, string> }>('PUT', '/schools/S0001/plan', { plan: { ...plan, steps: { ...plan.steps, sos: Array.from({ length: 13 }, (_, i) => `步骤${i}`) } }, baseVersion: null });
    expect(tooMany.body.fields['plan.steps.sos']).toBe('at most 12 steps per alarm type');
    const far = await call<{ fields: Record<string, string> }>('PUT', '/schools/S0001/plan', { plan: { ...plan, nearestHospital: { ...plan.nearestHospital, distanceKm: -1 } }, baseVersion: null });
    expect(far.body.fields['plan.nearestHospital.distanceKm']).toBe('the distance cannot be below 0 km');
    expect((await call('PUT', '/schools/S0001/plan', { plan, baseVersion: null, extra: 1 })).status).toBe(400);
    expect((await call<SchoolPlanView>('GET', '/schools/S0001/plan')).body).toMatchObject({ people: null, plan: null });
  });

  it('keeps every save as a numbered version with who and when; a save over a newer version is refused', async () => {
    const first = await call<SchoolPlanView>('PUT', '/schools/S0001/plan', { plan, baseVersion: null, note: '首次编制' });
    expect(first.status).toBe(200);
    expect(first.body.plan).toMatchObject({ version: 1, savedBy: '王干事', savedAt: new Date(MONDAY).toISOString(), note: '首次编制' });
    expect(first.body.finding).toBeNull();
    expect(await planItem('S0001')).toMatchObject({ status: 'pass' });
    const principal = await signInAs(sut, { role: 'school_user', schoolId: 'S0001', username: 'school-s0001', displayName: '新华一小 李老师' });
    const second = await answerOf<SchoolPlanView>(principal.send('PUT', '/api/v1/schools/S0001/plan', { plan: { ...plan, assemblyPoint: '篮球场' }, baseVersion: 1 }));
    expect(second.status).toBe(200);
    expect(second.body.plan).toMatchObject({ version: 2, savedBy: '新华一小 李老师', plan: { assemblyPoint: '篮球场' } });
    const stale = await call<{ error: string }>('PUT', '/schools/S0001/plan', { plan, baseVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toContain('version 2 by 新华一小 李老师');
    expect((await call<SchoolPlanView>('PUT', '/schools/S0001/people', { people, baseVersion: null })).body.people).toMatchObject({ version: 1, people: { principal: { name: '张校长' } } });

    const history = (await call<SchoolPlanHistory>('GET', '/schools/S0001/plan/history')).body;
    expect(history.plans.map((v) => [v.version, v.plan.assemblyPoint, v.savedBy])).toEqual([[2, '篮球场', '新华一小 李老师'], [1, '学校操场中央', '王干事']]);
    expect(history.people.map((v) => v.version)).toEqual([1]);
    const audit = (await answerOf<AuditPage>((await signInAs(sut, { role: 'admin', username: 'plan-admin' })).get('/api/v1/admin/audit?action=plan.save'))).body;
    expect(audit.entries.map((e) => [e.actor, e.target])).toEqual([['school-s0001', 'school:S0001'], ['王干事', 'school:S0001']]);
  });

  it('a school user reads and saves only their own school; police operators read but do not save', async () => {
    const own = await signInAs(sut, { role: 'school_user', schoolId: 'S0002', username: 'school-s0002' });
    expect((await own.get('/api/v1/schools/S0001/plan')).status).toBe(403);
    expect((await own.get('/api/v1/schools/S0001/emergency-card?type=sos')).status).toBe(403);
    expect((await own.send('PUT', '/api/v1/schools/S0001/plan', { plan, baseVersion: 2 })).status).toBe(403);
    expect((await own.send('PUT', '/api/v1/schools/S0002/plan', { plan, baseVersion: null })).status).toBe(200);
    const county = await signInAs(sut, { role: 'education_staff', districtCode: '410422', username: 'edu-ye' });
    expect((await county.send('PUT', '/api/v1/schools/S0001/people', { people, baseVersion: 1 })).status).toBe(403);
    const police = await signInAs(sut, { role: 'police_operator', username: 'police-city' });
    expect((await police.get('/api/v1/schools/S0001/plan')).status).toBe(200);
    expect((await police.send('PUT', '/api/v1/schools/S0001/plan', { plan, baseVersion: 2 })).status).toBe(403);
    expect((await call('GET', '/schools/S0001/plan', undefined, null)).status).toBe(401);
  });

  it('the emergency card: people with the unit, the posts on duty today, the steps for the type', async () => {
    const card = await call<EmergencyCard>('GET', '/schools/S0001/emergency-card?type=intrusion');
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({
      schoolName: '平顶山市新华区第一小学',
      people: { principal: { name: '张校长', phone: '13912345678' } },
      policeUnitName: '新华区中兴路警务室',
      plan: { type: 'intrusion', steps: ['监控室调看视频', '保安两人一组核查'], assemblyPoint: '篮球场', version: 2, stale: false, ageDays: 0 },
    });
    // G0002 is off today (a closure), G0003 only at weekends.
    expect(card.body.guardsToday).toEqual([
      { postId: 'G0001', postName: '新华区第一小学护学岗', person: '王建国', phone: '13800000001', window: '07:00–08:00、11:30–12:30、17:00–18:00', windows: expect.any(Array) },
    ]);
    expect((await call<EmergencyCard>('GET', '/schools/S0001/emergency-card?type=camera_fault')).body.plan?.steps).toEqual([]);
    const bad = await call<{ error: string }>('GET', '/schools/S0001/emergency-card?type=fire');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('type must be one of sos');
    now = MONDAY + 5 * DAY_MS; // Saturday
    try {
      // (a new session: the first one has gone idle meanwhile)
      expect((await call<EmergencyCard>('GET', '/schools/S0001/emergency-card?type=sos', undefined, '周末值班')).body.guardsToday.map((g) => g.postId)).toEqual(['G0003']);
    } finally {
      now = MONDAY;
    }
  });

  it('a plan last saved over a year ago is stale: a finding with its reason, and stale on the card', async () => {
    now = MONDAY + 366 * DAY_MS;
    const later = callerAs(sut, 'education_staff', '一年后');
    const planItem = async (id: string) => (await later<SchoolComplianceAnswer>('GET', `/schools/${id}/compliance`)).body.items.find((i) => i.rule === 'emergency_plan');
    try {
      const view = (await later<SchoolPlanView>('GET', '/schools/S0001/plan')).body;
      expect(view.finding).toEqual({ zh: '应急预案2026-11-30后未更新，已366天（超过一年）', en: 'emergency plan not updated since 2026-11-30: 366 days (over a year)' });
      expect(await planItem('S0001')).toMatchObject({ status: 'fail', reason: { en: 'emergency plan not updated since 2026-11-30: 366 days (over a year)' } });
      expect((await later<EmergencyCard>('GET', '/schools/S0001/emergency-card?type=sos')).body.plan).toMatchObject({ stale: true, ageDays: 366 });
      // Saving it again ends the finding at once.
      const saved = await later<SchoolPlanView>('PUT', '/schools/S0001/plan', { plan, baseVersion: 2, note: '年度修订' });
      expect(saved.body).toMatchObject({ plan: { version: 3 }, finding: null });
      expect(await planItem('S0001')).toMatchObject({ status: 'pass' });
    } finally {
      now = MONDAY;
    }
  });
});
