import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedText } from '../../shared/domain/text.js';
import type { Alarm } from '../../shared/domain/index.js';
import type { DrillAnswer } from '../../shared/drill.js';
import type { Ack } from '../../shared/events.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, sosEvent, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const [engine = 'sqlite'] = await availableEngines();
/** 2026-12-04 00:30 in Asia/Shanghai, still 2026-12-03 in UTC: a day-boundary trap for anything that formats dates in UTC. */
const T0 = Date.parse('2026-12-03T16:30:00Z');
let now = T0;
const clock = { now: () => now };
const CHINESE = /[\u4e00-\u9fff]/;

interface RefusalBody {
  error: string;
  message: LocalizedText;
  fields?: Record<string, string>;
  fieldMessages?: Record<string, LocalizedText>;
}

describe('Chinese refusals and Shanghai dates', () => {
  let sut: TestServer;
  let operator: Session;
  let admin: Session;
  let clerk: Session;
  let console_: RecordingClient;

  beforeAll(async () => {
    now = T0;
    sut = await startTestServer({ engine, clock });
    [operator, admin, clerk] = await Promise.all([
      signInAs(sut, { role: 'police_operator', username: 'op-wang', displayName: '王警官' }),
      signInAs(sut, { role: 'admin', username: 'admin-li', displayName: '李管理员' }),
      signInAs(sut, { role: 'education_staff', username: 'edu-zhao', displayName: '赵老师' }),
    ]);
    console_ = connectClient(sut.url, { cookie: operator.cookie });
    await console_.live;
  });
  afterAll(async () => {
    console_?.socket.close();
    await sut?.close();
  });

  const body = async (response: Promise<Response>): Promise<{ status: number; body: RefusalBody; headers: Headers }> => {
    const r = await response;
    return { status: r.status, headers: r.headers, body: (await r.json()) as RefusalBody };
  };
  const emit = (event: string, payload: unknown) => (console_.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<Alarm>>)(event, payload);

  async function openSos(schoolId: string): Promise<Alarm> {
    const before = console_.changes.length;
    await sut.post(sosEvent(schoolId, { at: new Date(now).toISOString() }));
    await waitFor(() => console_.changes.length > before, 'the new alarm');
    return console_.changes.at(-1)!.alarm;
  }

  it('refuses a command on an alarm in the state it cannot take with the reason in Chinese beside the English contract', async () => {
    const alarm = await openSos('S0001');
    expect(await emit('alarm:ack', { id: alarm.id })).toMatchObject({ ok: true });
    const again = await emit('alarm:ack', { id: alarm.id });
    expect(again).toMatchObject({
      ok: false,
      code: 'not_allowed',
      error: 'cannot ack this alarm: it is acknowledged',
      message: { zh: '无法确认：该报警已确认', en: 'cannot ack this alarm: it is acknowledged' },
    });
    // A malformed payload is worded by zod's own zh-CN locale.
    const invalid = await emit('alarm:dispatch', { id: alarm.id, unitId: 42 });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.message?.zh).toMatch(/unitId：无效输入：期望 string/);
      expect(invalid.message?.en).toBe(invalid.error);
    }
  });

  it('refuses a form with the whole reason and each field in Chinese', async () => {
    const plan = await body(operator.send('POST', '/api/v1/drills', { schoolId: 'S0001', plannedFor: 'tomorrow', targets: { acknowledged: 5, dispatched: 60, on_scene: 180, handled: 600 } }));
    expect(plan.status).toBe(400);
    expect(plan.body.fields).toMatchObject({ plannedFor: 'plannedFor must be an ISO date-time', scenario: 'scenario must be text' });
    expect(plan.body.fieldMessages).toMatchObject({ plannedFor: { zh: '计划时间须为日期和时间' }, scenario: { zh: '须为文字' }, 'targets.acknowledged': { zh: '不能少于 10 秒' } });
    expect(plan.body.message.zh).toMatch(CHINESE);
    expect(plan.body.message.en).toBe(plan.body.error);

    // A service's own refusal (a date in the future, judged on Shanghai's today: 12-04).
    const hazard = await body(clerk.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'inspection', description: '消防通道堵塞', foundOn: '2026-12-05' }));
    expect(hazard.status).toBe(400);
    expect(hazard.body).toMatchObject({
      error: 'foundOn: 2026-12-05 is in the future (today is 2026-12-04)',
      message: { zh: '发现日期 2026-12-05 在未来（今天是 2026-12-04）' },
      fieldMessages: { foundOn: { zh: '不能晚于今天', en: 'is in the future' } },
    });
    // The same day is today in Shanghai, though UTC still says 12-03.
    expect((await clerk.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'inspection', description: '消防通道堵塞', foundOn: '2026-12-04' })).status).toBe(201);

    // A body that is not JSON at all.
    const broken = await body(fetch(`${sut.url}/api/v1/drills`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: operator.cookie, 'x-csrf-token': operator.csrf }, body: '{"schoolId":' }));
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'the body is not valid JSON', message: { zh: '请求内容不是有效的 JSON' } });

    // Not signed in, and a role that may not.
    const anonymous = await body(fetch(`${sut.url}/api/v1/hazards`));
    expect(anonymous).toMatchObject({ status: 401, body: { error: 'not signed in', message: { zh: expect.stringMatching(CHINESE) } } });
    const role = await body(operator.send('POST', '/api/v1/hazards', { schoolId: 'S0001', source: 'inspection', description: 'x' }));
    expect(role).toMatchObject({ status: 403, body: { error: expect.stringMatching(/may not do this/), message: { zh: expect.stringMatching(/无权执行此操作/) } } });
  });

  it('names drill and audit exports and dates the "as of" by the Shanghai day (00:30 on 12-04 is 12-04)', async () => {
    const planned = await operator.send('POST', '/api/v1/drills', { schoolId: 'S0002', scenario: '夜间入侵', plannedFor: new Date(now + 60_000).toISOString() });
    expect(planned.status).toBe(201);
    const drill = ((await planned.json()) as DrillAnswer).drill;
    expect((await operator.send('POST', `/api/v1/drills/${drill.id}/start`, { raiseAlarm: false })).status).toBe(200);
    const csv = await operator.get(`/api/v1/drills/${drill.id}/export.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`drill-S0002-2026-12-04.csv`);
    expect(await csv.text()).toContain('2026-12-04 00:30:00');

    const matrix = (await (await operator.get('/api/v1/compliance/matrix')).json()) as { asOf: string };
    expect(matrix.asOf).toBe('2026-12-04');
    const statistics = await operator.get('/api/v1/compliance/export.csv');
    expect(statistics.headers.get('content-disposition')).toContain('xiaoan-compliance-2026-12-04.csv');

    const audit = await admin.get('/api/v1/admin/audit.csv?action=alarm.');
    expect(audit.headers.get('content-disposition')).toContain('xiaoan-audit-2026-12-04.csv');
    const text = await audit.text();
    // Each entry as a sentence, at its Shanghai time.
    expect(text).toMatch(/2026-12-04 00:30:\d\d,op-wang,王警官 确认了报警（[^）]*一键报警[^）]*待确认 → 已确认）,王警官 acknowledged the alarm \(/);
  });
});
