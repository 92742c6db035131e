import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceMatrix, SchoolComplianceAnswer } from '../../shared/compliance.js';
import type { DrillAnswer } from '../../shared/drill.js';
import { ComplianceService } from '../../server/services/compliance.service.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();
/**
 * Monday 2026-11-30, 10:00 in Asia/Shanghai, and it stays there: the verdicts read before a write
 * are still fresh after it (no reload hides what the write left behind).
 */
const clock = { now: () => Date.parse('2026-11-30T02:00:00Z') };

/**
 * After a routine or a drill is recorded for a school whose record was never edited, the school's
 * compliance and the whole matrix still answer: its (empty) edit history is not read as an edit.
 */
describe.each(engines)(`${ComplianceService.name} after a write about a school with no record edits, on %s`, (engine) => {
  let sut: TestServer;
  let desk: Session;
  let operator: Session;
  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, env: { XIAOAN_SEMESTERS: '09-01..01-20,02-20..07-10' } });
    desk = await signInAs(sut, { role: 'education_staff', username: 'desk-wang', displayName: '王干事' });
    operator = await signInAs(sut, { role: 'police_operator', username: 'op-zhang', displayName: '张警官' });
  });
  afterAll(async () => {
    await sut?.close();
  });

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await desk.get(`/api/v1${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  const itemOf = (answer: SchoolComplianceAnswer, rule: string) => answer.items.find((i) => i.rule === rule);

  it('answers for the school and the whole matrix after a self-check is filed', async () => {
    // Read first, so the service holds its sources when the self-check comes in.
    expect((await get<ComplianceMatrix>('/compliance/matrix')).status).toBe(200);
    expect(itemOf((await get<SchoolComplianceAnswer>('/schools/S0002/compliance')).body, 'self_check')?.status).not.toBe('pass');

    // The monthly rule wants last month's and this month's.
    for (const date of ['2026-10-28', '2026-11-27']) {
      expect((await desk.send('POST', '/api/v1/schools/S0002/self-checks', { date, note: '月度自查' })).status).toBe(201);
    }

    const school = await get<SchoolComplianceAnswer>('/schools/S0002/compliance');
    expect(school.status).toBe(200);
    expect(itemOf(school.body, 'self_check')?.status).toBe('pass');
    const matrix = await get<ComplianceMatrix>('/compliance/matrix');
    expect(matrix.status).toBe(200);
    expect(matrix.body.total.schools).toBe(3);
  });

  it('answers for the school and the whole matrix after a drill there ends', async () => {
    expect(itemOf((await get<SchoolComplianceAnswer>('/schools/S0003/compliance')).body, 'drill')?.status).not.toBe('pass');
    const planned = (await (await operator.send('POST', '/api/v1/drills', { schoolId: 'S0003', scenario: '消防疏散演练', plannedFor: new Date(clock.now()).toISOString() })).json()) as DrillAnswer;
    expect((await operator.send('POST', `/api/v1/drills/${planned.drill.id}/start`, { raiseAlarm: false })).status).toBe(200);
    expect((await operator.send('POST', `/api/v1/drills/${planned.drill.id}/end`, {})).status).toBe(200);

    const school = await get<SchoolComplianceAnswer>('/schools/S0003/compliance');
    expect(school.status).toBe(200);
    expect(itemOf(school.body, 'drill')?.status).toBe('pass');
    expect((await get<ComplianceMatrix>('/compliance/matrix')).status).toBe(200);
  });
});
