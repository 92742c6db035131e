import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillView, RecordHistoryEntry, SchoolComplianceAnswer, SchoolRecordView, SelfCheckView } from '../../shared/compliance.js';
import { makeRecord } from '../../mocks/factories/compliance.js';
import { RecordService } from '../../server/services/record.service.js';
import { availableEngines } from '../helpers/engines.js';
import type { AuditPage } from '../../shared/admin.js';
import { callerAs, signInAs, type Caller } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/** Monday 2026-11-30, 10:00 in Asia/Shanghai. */
const clock = { now: () => Date.parse('2026-11-30T02:00:00Z') };

describe.each(engines)(`${RecordService.name}, drills, inspections and self-checks on %s`, (engine) => {
  let sut: TestServer;
  /** Calls the API as an education-bureau person by display name (signed in on first use), or signed out when null. */
  let call: Caller;
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, env: { XIAOAN_SEMESTERS: '09-01..01-20,02-20..07-10' } });
    call = callerAs(sut, 'education_staff', '王干事');
  });
  afterAll(async () => {
    await sut.close();
  });

  const history = async (id = 'S0001') => (await call<{ history: RecordHistoryEntry[] }>('GET', `/schools/${id}/record/history`)).body.history;

  it('shows a blank record for a school with none yet', async () => {
    const { status, body } = await call<SchoolRecordView>('GET', '/schools/S0002/record');
    expect(status).toBe(200);
    expect(body).toMatchObject({ schoolId: 'S0002', updatedAt: null, record: { retentionDays: 0, closedCampus: false }, school: { students: 240, staff: 30, guards: 2 } });
    expect((await call('GET', '/schools/S9999/record')).status).toBe(404);
  });

  it('saves a full edit, then a partial one, keeping who changed which field from what to what', async () => {
    const { schoolId: _id, ...full } = makeRecord({ retentionDays: 30 });
    const first = await call<SchoolRecordView>('PUT', '/schools/S0001/record', { ...full, note: '建档' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ updatedBy: '王干事', updatedAt: '2026-11-30T02:00:00.000Z', record: { retentionDays: 30, equipment: { helmet: 2 } } });

    const second = await call<SchoolRecordView>('PUT', '/schools/S0001/record', { retentionDays: 45, equipment: { helmet: 3 }, guards: 3, students: 950 }, '李科长');
    expect(second.body).toMatchObject({ record: { retentionDays: 45, equipment: { helmet: 3, shield: 2 } }, school: { guards: 3, students: 950 }, updatedBy: '李科长' });
    const schools = (await call<{ schools: { id: string; guards: number }[] }>('GET', '/schools')).body.schools;
    expect(schools.find((s) => s.id === 'S0001')?.guards).toBe(3);

    const [latest, created] = await history();
    expect(latest).toMatchObject({ actor: '李科长', note: null });
    expect(latest!.changes).toEqual(
      expect.arrayContaining([
        { field: 'retentionDays', from: 30, to: 45 },
        { field: 'equipment.helmet', from: 2, to: 3 },
        { field: 'guards', from: 2, to: 3 },
        { field: 'students', from: 900, to: 950 },
      ]),
    );
    expect(latest!.changes).toHaveLength(4);
    expect(created).toMatchObject({ actor: '王干事', note: '建档' });
    expect(created!.changes).toContainEqual({ field: 'closedCampus', from: false, to: true });
  });

  it('refuses a headcount of -5 or a retention of "abc" with a message per field, saving nothing and adding no history', async () => {
    const before = await call<SchoolRecordView>('GET', '/schools/S0001/record');
    const entries = (await history()).length;
    const bad = await call<{ error: string; fields: Record<string, string> }>('PUT', '/schools/S0001/record', { students: -5, retentionDays: 'abc', closedCampus: true });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual({ students: 'students cannot be negative', retentionDays: 'video retention (days) must be a number' });
    expect(bad.body.error).toContain('students: students cannot be negative');
    const crossed = await call<{ fields: Record<string, string> }>('PUT', '/schools/S0001/record', { boarders: 10, controlRoom: false });
    expect(crossed.status).toBe(400);
    expect(Object.keys(crossed.body.fields).sort()).toEqual(['boarders', 'controlRoomStaffed']);
    expect((await call('PUT', '/schools/S0001/record', { unknownField: 1 })).status).toBe(400);
    expect((await call('PUT', '/schools/S0001/record', { note: 'nothing else' })).status).toBe(400);
    expect((await call('PUT', '/schools/S0001/record', { retentionDays: 60 }, null)).status).toBe(401);
    expect((await call('PUT', '/schools/S9999/record', { retentionDays: 60 })).status).toBe(404);
    expect((await call<SchoolRecordView>('GET', '/schools/S0001/record')).body).toEqual(before.body);
    expect(await history()).toHaveLength(entries);
  });

  it('records drills, inspections and self-checks, refusing bad or future dates, and the rules count them', async () => {
    const drill = await call<DrillView>('POST', '/schools/S0001/drills', { date: '2026-11-20', scenario: '消防疏散演练' });
    expect(drill).toMatchObject({ status: 201, body: { schoolId: 'S0001', date: '2026-11-20', recordedBy: '王干事' } });
    expect((await call<{ drills: DrillView[] }>('GET', '/schools/S0001/drills')).body.drills.map((d) => d.id)).toEqual([drill.body.id]);
    expect((await call('POST', '/schools/S0001/drills', { date: '2026-12-01', scenario: '演练' })).status).toBe(400);
    expect((await call('POST', '/schools/S0001/drills', { date: '2026-11-31', scenario: '演练' })).status).toBe(400);
    expect((await call('POST', '/schools/S0001/drills', { date: '2026-11-20' })).status).toBe(400);
    expect((await call('POST', '/schools/S0001/inspections', { date: '2026-11-02', by: 'neighbours' })).status).toBe(400);
    expect((await call('POST', '/schools/S9999/drills', { date: '2026-11-20', scenario: '演练' })).status).toBe(404);
    for (const date of ['2026-09-15', '2026-11-02']) expect((await call('POST', '/schools/S0001/inspections', { date, by: 'county_police' })).status).toBe(201);
    for (const date of ['2026-10-08', '2026-11-03']) expect((await call('POST', '/schools/S0001/self-checks', { date, note: '已自查' })).status).toBe(201);
    expect((await call<{ selfChecks: SelfCheckView[] }>('GET', '/schools/S0001/self-checks')).body.selfChecks).toHaveLength(2);

    const compliance = (await call<SchoolComplianceAnswer>('GET', '/schools/S0001/compliance')).body;
    const status = (rule: string) => compliance.items.find((i) => i.rule === rule)?.status;
    expect([status('drill'), status('inspections'), status('self_check'), status('retention')]).toEqual(['pass', 'pass', 'pass', 'pass']);
    // The configured terms (XIAOAN_SEMESTERS) decide what "this term" is: on 2026-02-10 the autumn term has ended on 01-20.
    const holiday = (await call<SchoolComplianceAnswer>('GET', '/schools/S0001/compliance?asOf=2026-02-10')).body;
    expect(holiday.items.find((i) => i.rule === 'drill')?.reason.en).toMatch(/2025-09-01 to 2026-01-20/);
  });

  it('judges a past date on the record as it stood then', async () => {
    const today = (await call<SchoolComplianceAnswer>('GET', '/schools/S0001/compliance')).body;
    const before = (await call<SchoolComplianceAnswer>('GET', '/schools/S0001/compliance?asOf=2026-11-29')).body;
    expect(today.items.find((i) => i.rule === 'closed_campus')?.status).toBe('pass');
    expect(before.items.find((i) => i.rule === 'closed_campus')?.status).toBe('fail');
    expect(before.items.find((i) => i.rule === 'retention')?.reason.en).toMatch(/video kept 0 days/);
  });

  it('puts every record edit, with what changed, and every routine on the audit log', async () => {
    const admin = await signInAs(sut, { role: 'admin' });
    const { entries } = (await (await admin.get('/api/v1/admin/audit?action=record.edit&limit=1000')).json()) as AuditPage;
    const edit = entries.find((e) => e.target === 'school:S0001' && e.actor === '王干事');
    expect(edit).toMatchObject({ address: expect.any(String), details: { changes: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]) } });
    const routines = (await (await admin.get('/api/v1/admin/audit?action=routine.&limit=1000')).json()) as AuditPage;
    expect(new Set(routines.entries.map((e) => e.action))).toEqual(new Set(['routine.drills', 'routine.inspections', 'routine.self-checks']));
    expect(routines.entries.find((e) => e.action === 'routine.drills')).toMatchObject({ target: 'school:S0001', details: { record: { date: '2026-11-20' } } });
  });
});
