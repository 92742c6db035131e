import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hazard } from '../../shared/rules/hazard.js';
import type { HazardCountsAnswer, HazardListItem } from '../../shared/compliance.js';
import { HazardService } from '../../server/services/hazard.service.js';
import { availableEngines } from '../helpers/engines.js';
import type { AuditPage } from '../../shared/admin.js';
import { callerAs, signInAs, type Caller } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** A clock the test moves by hand: Monday 2026-11-30, 10:00 in Asia/Shanghai. */
function pinnedClock() {
  let now = Date.parse('2026-11-30T02:00:00Z');
  return { now: () => now, advanceDays: (days: number) => (now += days * 86_400_000) };
}

describe.each(engines)(`${HazardService.name} over HTTP on %s`, (engine) => {
  let sut: TestServer;
  /** Calls the API as an education-bureau person by display name (signed in on first use), or signed out when null. */
  let call: Caller;
  const clock = pinnedClock();

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock });
    call = callerAs(sut, 'education_staff', '李科长');
  });
  afterAll(async () => {
    await sut.close();
  });

  const register = async (schoolId = 'S0001') =>
    (await call<Hazard>('POST', '/hazards', { schoolId, source: 'self_check', description: '消防通道堆放杂物' }, '张老师')).body;

  it('takes a hazard from registered to closed (清零), each step stored with who took it', async () => {
    const created = await call<Hazard>('POST', '/hazards', { schoolId: 'S0001', source: 'inspection', severity: 'major', description: '一键报警按钮失灵' }, '张老师');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'registered', districtCode: '410402', foundOn: '2026-11-30', severity: 'major', version: 1 });
    const id = created.body.id;
    expect((await call<Hazard>('POST', `/hazards/${id}/dispatch`, { assignee: '总务处 王老师', deadline: '2026-12-10' })).body).toMatchObject({ state: 'dispatched', assignee: '总务处 王老师' });
    expect((await call<Hazard>('POST', `/hazards/${id}/rectify`, { note: '已更换按钮' }, '总务处 王老师')).body).toMatchObject({ state: 'rectified' });
    expect((await call<Hazard>('POST', `/hazards/${id}/reject`, { note: '未联网测试', deadline: '2026-12-15' })).body).toMatchObject({ state: 'dispatched', deadline: '2026-12-15' });
    await call('POST', `/hazards/${id}/rectify`, { note: '已联网测试' }, '总务处 王老师');
    await call('POST', `/hazards/${id}/verify`, {});
    const closed = await call<Hazard>('POST', `/hazards/${id}/close`);
    expect(closed).toMatchObject({ status: 200, body: { state: 'closed', version: 7 } });

    const stored = (await call<Hazard>('GET', `/hazards/${id}`)).body;
    expect(stored.transitions.map((t) => [t.action, t.to, t.actor])).toEqual([
      ['register', 'registered', '张老师'],
      ['dispatch', 'dispatched', '李科长'],
      ['rectify', 'rectified', '总务处 王老师'],
      ['reject', 'dispatched', '李科长'],
      ['rectify', 'rectified', '总务处 王老师'],
      ['verify', 'verified', '李科长'],
      ['close', 'closed', '李科长'],
    ]);
  });

  it('refuses illegal steps with 409 and the reason, and changes nothing', async () => {
    const hazard = await register();
    const early = await call<{ error: string }>('POST', `/hazards/${hazard.id}/close`);
    expect(early).toEqual({
      status: 409,
      body: { error: 'cannot close a hazard that is registered: it must be rectified and verified first', message: { zh: '隐患已登记，不能清零：须先整改并验收', en: 'cannot close a hazard that is registered: it must be rectified and verified first' } },
    });
    expect((await call<{ error: string }>('POST', `/hazards/${hazard.id}/rectify`, { note: '已整改' })).body.error).toMatch(/not been dispatched/);
    expect((await call<Hazard>('GET', `/hazards/${hazard.id}`)).body).toMatchObject({ state: 'registered', version: 1 });
    expect((await call('POST', '/hazards/HZ-nope/verify')).status).toBe(404);
  });

  it('lets exactly one of two people moving the same hazard at once win', async () => {
    const hazard = await register();
    await call('POST', `/hazards/${hazard.id}/dispatch`, { assignee: '后勤处 赵老师', deadline: '2026-12-05' });
    const [a, b] = await Promise.all([
      call<Hazard>('POST', `/hazards/${hazard.id}/rectify`, { note: '甲整改' }, '甲'),
      call<Hazard>('POST', `/hazards/${hazard.id}/rectify`, { note: '乙整改' }, '乙'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const stored = (await call<Hazard>('GET', `/hazards/${hazard.id}`)).body;
    expect(stored.transitions.filter((t) => t.action === 'rectify')).toHaveLength(1);
    // A step sent with the version the person saw is refused once someone else has moved it.
    const stale = await call<{ error: string }>('POST', `/hazards/${hazard.id}/verify`, { version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed by someone else.*rectified \(version 3\)/);
    expect((await call('POST', `/hazards/${hazard.id}/verify`, { version: 3 })).status).toBe(200);
  });

  it('validates what people send and requires a signed-in person', async () => {
    const missing = await call<{ error: string; fields: Record<string, string> }>('POST', '/hazards', { schoolId: 'S0001', source: 'rumour', description: '' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.fields).sort()).toEqual(['description', 'source']);
    expect((await call('POST', '/hazards', { schoolId: 'S9999', source: 'police', description: '门口摊贩' })).status).toBe(400);
    expect((await call('POST', '/hazards', { schoolId: 'S0001', source: 'police', description: '门口摊贩', foundOn: '2026-12-01' })).status).toBe(400);
    const anonymous = await call<{ error: string }>('POST', '/hazards', { schoolId: 'S0001', source: 'police', description: '门口摊贩' }, null);
    expect(anonymous).toEqual({ status: 401, body: { error: 'not signed in', message: { zh: '未登录或登录已过期：请重新登录', en: 'not signed in' } } });
    const hazard = await register();
    expect((await call('POST', `/hazards/${hazard.id}/dispatch`, { assignee: '王老师', deadline: '2026-13-40' })).status).toBe(400);
    expect((await call('POST', `/hazards/${hazard.id}/dispatch`, {}, null)).status).toBe(401);
  });

  it('lists with filters, marks overdue ones and counts per district', async () => {
    const late = await register('S0003');
    await call('POST', `/hazards/${late.id}/dispatch`, { assignee: '安保科 刘老师', deadline: '2026-12-02' });
    const list = async (query: string) => (await call<{ hazards: HazardListItem[] }>('GET', `/hazards${query}`)).body.hazards;
    expect((await list('?overdue=true')).map((h) => h.id)).not.toContain(late.id);

    clock.advanceDays(3); // 2026-12-03: a day past its deadline
    call = callerAs(sut, 'education_staff', '李科长'); // three days idle ends a session: sign in again
    const overdue = await list('?overdue=true');
    expect(overdue.map((h) => h.id)).toContain(late.id);
    expect(overdue.every((h) => h.overdue && h.state === 'dispatched')).toBe(true);
    expect((await list('?districtCode=410422')).map((h) => h.id)).toEqual([late.id]);
    expect((await list('?schoolId=S0003&state=dispatched'))).toHaveLength(1);
    expect((await list('?state=closed')).every((h) => h.state === 'closed')).toBe(true);
    expect((await list('?state=all')).length).toBeGreaterThan((await list('')).length);

    const counts = (await call<HazardCountsAnswer>('GET', '/hazards/counts')).body;
    expect(counts.asOf).toBe('2026-12-03');
    expect(counts.term).toEqual({ start: '2026-09-01', end: '2027-01-31' });
    expect(counts.byDistrict).toHaveLength(10);
    expect(counts.byDistrict.find((d) => d.districtCode === '410422')).toMatchObject({ name: '叶县', open: 1, overdue: 1, closedThisTerm: 0 });
    expect(counts.byDistrict.find((d) => d.districtCode === '410402')).toMatchObject({ closedThisTerm: 1 });
    expect(counts.total.open).toBe(counts.byDistrict.reduce((n, d) => n + d.open, 0));
    expect((await call('GET', '/hazards?overdue=maybe')).status).toBe(400);
  });

  it('puts every registration and step on the audit log, from which state to which', async () => {
    const admin = await signInAs(sut, { role: 'admin' });
    const { entries } = (await (await admin.get('/api/v1/admin/audit?action=hazard.&limit=1000')).json()) as AuditPage;
    expect(entries.some((e) => e.action === 'hazard.create' && e.actor === '张老师')).toBe(true);
    expect(entries.find((e) => e.action === 'hazard.dispatch')).toMatchObject({ target: expect.stringMatching(/^hazard:HZ-/), details: { from: 'registered', to: 'dispatched' } });
    expect(entries.some((e) => e.action === 'hazard.close')).toBe(true);
  });
});
