import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../shared/admin.js';
import type { RiskHeat, RiskLevelChange, RiskList, RiskSchool } from '../../shared/risk.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import { answerOf, signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { connectClient, offDuty, startTestServer, waitFor, type RecordingClient, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** 2026-11-30 10:00 Asia/Shanghai, a Monday of the autumn term. */
function pinnedClock(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, advance: (seconds: number) => void (now += seconds * 1000) };
}

describe.each(engines)('the school risk list on %s', (engine) => {
  let sut: TestServer;
  let city: RecordingClient;
  let otherDistrict: RecordingClient;
  let operator: Session;
  let county: Session;
  const clock = pinnedClock('2026-11-30T02:00:00Z');
  const levels: RiskLevelChange[] = [];
  const elsewhere: RiskLevelChange[] = [];
  /** How many `risk:levels` messages the city screen got (a burst of changes is one message, not one each). */
  let cityMessages = 0;
  const iso = () => new Date(clock.now()).toISOString();
  const cameras = makeSmallDataset().devices.filter((d) => d.kind === 'camera').map((d) => d.id);

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock, dataset: offDuty(makeSmallDataset()) });
    operator = await signInAs(sut, { role: 'police_operator' });
    county = await signInAs(sut, { role: 'education_staff', districtCode: '410422', username: 'edu-410422' });
    city = connectClient(sut.url, { cookie: operator.cookie });
    otherDistrict = connectClient(sut.url, { cookie: county.cookie });
    await Promise.all([city.live, otherDistrict.live]);
    city.socket.on('risk:levels', ({ changes }) => {
      cityMessages += 1;
      levels.push(...changes);
    });
    otherDistrict.socket.on('risk:levels', ({ changes }) => elsewhere.push(...changes));
  }, 60_000);
  afterAll(async () => {
    city?.socket.close();
    otherDistrict?.socket.close();
    await sut?.close();
  });

  /** Moves the clock in steps shorter than a session's idle expiry (14 h), each session used at every step. */
  const advanceHours = async (hours: number, silent: readonly string[] = []) => {
    for (let left = hours; left > 0; left -= 12) {
      clock.advance(Math.min(12, left) * 3600);
      // The cameras keep alive at each step (the server's own ticker may sweep meanwhile), but the silent ones.
      const heartbeats = cameras.filter((id) => !silent.includes(id)).map((deviceId) => ({ type: 'camera.heartbeat', deviceId, at: iso() }));
      expect((await sut.post(heartbeats)).status).toBe(202);
      for (const session of [operator, county]) expect((await session.get('/api/v1/auth/me')).status).toBe(200);
    }
  };
  const list = (session: Session, query = '') => answerOf<RiskList>(session.get(`/api/v1/risk/schools${query}`));

  it('sends the level changes of one moment together: one risk:levels per screen, each screen only its schools', async () => {
    // A province's recomputation after an outage moves thousands of schools in one turn of the loop;
    // here 300 changes (as the risk service announces them) across the city and another district.
    const burst = Array.from({ length: 300 }, (_, i): RiskLevelChange => ({
      schoolId: `BURST-${i}`, schoolName: `测试学校${i}`, districtCode: i % 3 === 0 ? '410422' : '410402',
      from: 'blue', to: 'yellow', score: 40, at: iso(), contributions: [],
    }));
    const [cityBefore, levelsBefore, elsewhereBefore] = [cityMessages, levels.length, elsewhere.length];
    for (const change of burst) sut.services.events.emit('risk.level', change);
    await waitFor(() => levels.length - levelsBefore >= 300 && elsewhere.length - elsewhereBefore >= 100, 'the burst on both screens');
    expect(cityMessages - cityBefore).toBe(1);
    expect(levels.slice(levelsBefore).map((c) => c.schoolId)).toEqual(burst.map((c) => c.schoolId));
    // The county screen: its district's 100, in order, and no other.
    expect(elsewhere.slice(elsewhereBefore).map((c) => c.schoolId)).toEqual(burst.filter((c) => c.districtCode === '410422').map((c) => c.schoolId));
    levels.splice(levelsBefore);
    elsewhere.splice(elsewhereBefore);
  });

  it('starts with S0001 below red, every school listed with its level', async () => {
    const answer = await list(operator);
    expect(answer.status).toBe(200);
    expect(answer.body.rows.map((r) => r.schoolId).sort()).toEqual(['S0001', 'S0002', 'S0003']);
    const s1 = answer.body.rows.find((r) => r.schoolId === 'S0001')!;
    expect(s1.level).not.toBe('red');
    expect(s1.contributions.reduce((sum, c) => sum + c.points, 0)).toBe(s1.score);
  });

  it('turns S0001 red when its gate camera stays down 26 h and two intrusion alarms arrive: risk:levels on the socket, the audit, the history', async () => {
    const gate = 'CAM-S0001-01';
    expect((await sut.post({ type: 'camera.fault', deviceId: gate, at: iso(), fault: 'video_loss' })).status).toBe(202);
    // First intrusion, acknowledged and resolved (a real one), then a second.
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: iso() })).status).toBe(202);
    await waitFor(() => city.changes.some((c) => c.alarm.type === 'intrusion'), 'the first intrusion');
    const first = city.changes.find((c) => c.alarm.type === 'intrusion')!.alarm;
    expect(await city.socket.emitWithAck('alarm:ack', { id: first.id })).toMatchObject({ ok: true });
    expect(await city.socket.emitWithAck('alarm:resolve', { id: first.id, disposition: 'handled_on_site', note: '已处置' })).toMatchObject({ ok: true });

    // 26 hours later: every other camera has kept alive; the gate camera has not.
    await advanceHours(26, [gate]);
    expect((await sut.post({ type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at: iso() })).status).toBe(202);
    await waitFor(() => city.changes.filter((c) => c.alarm.type === 'intrusion' && c.alarm.state === 'new').length >= 2, 'the second intrusion');
    await sut.tick();

    await waitFor(() => levels.some((l) => l.schoolId === 'S0001' && l.to === 'red'), 'risk:levels red for S0001');
    const change = levels.find((l) => l.schoolId === 'S0001' && l.to === 'red')!;
    expect(change).toMatchObject({ schoolName: '平顶山市新华区第一小学', districtCode: '410402', at: iso() });
    expect(change.from).not.toBe('red');
    expect(change.contributions).toContainEqual({ factor: 'alarms', points: 30, figures: { alarmType: 'intrusion', count: 2, days: 14 } });
    expect(change.contributions).toContainEqual({ factor: 'camera_downtime', points: 20, figures: { hours: 26, count: 1, place: 'gate', days: 14 } });
    expect(change.contributions.reduce((sum, c) => sum + c.points, 0)).toBe(change.score);
    // A county screen of another district hears nothing of it.
    expect(elsewhere.filter((l) => l.schoolId === 'S0001')).toEqual([]);

    const admin = await signInAs(sut, { role: 'admin' });
    const audit = await answerOf<{ entries: AuditEntryView[] }>(admin.get('/api/v1/admin/audit?action=risk.level&limit=10'));
    const entry = audit.body.entries.find((e) => e.target === 'school:S0001' && e.details.to === 'red')!;
    expect(entry).toMatchObject({ actor: 'system', action: 'risk.level', details: { from: change.from, to: 'red', score: change.score } });
    const changed = entry.details.changed as { factor: string }[];
    expect(changed.map((c) => c.factor)).toEqual(expect.arrayContaining(['alarms', 'camera_downtime']));

    const school = await answerOf<RiskSchool>(operator.get('/api/v1/risk/schools/S0001'));
    expect(school.status).toBe(200);
    expect(school.body.risk).toMatchObject({ schoolId: 'S0001', level: 'red', previousLevel: change.from, levelSince: iso() });
    expect(school.body.history.at(-1)).toEqual({ at: iso(), score: change.score, level: 'red' });
  });

  it('lists, filters and sorts within scope: S0001 first by score, a county user only their district', async () => {
    const all = await list(operator);
    expect(all.body.rows[0]!.schoolId).toBe('S0001');
    expect(all.body.counts.red).toBe(1);
    expect((await list(operator, '?level=red')).body.rows.map((r) => r.schoolId)).toEqual(['S0001']);
    expect((await list(operator, '?stage=kindergarten')).body.rows.map((r) => r.schoolId)).toEqual(['S0002']);
    expect((await list(operator, '?sort=score_asc')).body.rows.at(-1)!.schoolId).toBe('S0001');
    const mine = await list(county);
    expect(mine.body.rows.map((r) => r.schoolId)).toEqual(['S0003']);
    expect(mine.body.total).toBe(1);
    expect((await list(county, '?district=410402')).status).toBe(403);
    expect((await answerOf(county.get('/api/v1/risk/schools/S0001'))).status).toBe(403);
    expect((await answerOf(operator.get('/api/v1/risk/schools/NOPE'))).status).toBe(404);
    const bad = await answerOf<{ message: { zh: string; en: string } }>(operator.get('/api/v1/risk/schools?level=purple'));
    expect(bad.status).toBe(400);
    expect(bad.body.message.zh).toMatch(/level/);
  });

  it('draws the heat grid with S0001’s cell the hottest, and a county user’s grid without it', async () => {
    const heat = await answerOf<RiskHeat>(operator.get('/api/v1/risk/heat'));
    expect(heat.status).toBe(200);
    expect(heat.body.cells[0]).toMatchObject({ weight: 1, schools: 1 });
    expect(heat.body.cells.length).toBeLessThanOrEqual(4096);
    const s1 = makeSmallDataset().schools[0]!;
    expect(Math.abs(heat.body.cells[0]!.lat - s1.lat)).toBeLessThan(heat.body.cellLat);
    expect(Math.abs(heat.body.cells[0]!.lng - s1.lng)).toBeLessThan(heat.body.cellLng);
    const theirs = await answerOf<RiskHeat>(county.get('/api/v1/risk/heat'));
    expect(theirs.body.cells.every((c) => Math.abs(c.lat - s1.lat) > theirs.body.cellLat || Math.abs(c.lng - s1.lng) > theirs.body.cellLng)).toBe(true);
  });

  it('stops counting the gate camera’s downtime once it is back online, and lowers the level when it leaves the window', async () => {
    const gate = 'CAM-S0001-01';
    const gateHours = async () => (await answerOf<RiskSchool>(operator.get('/api/v1/risk/schools/S0001'))).body.risk.contributions.find((c) => c.factor === 'camera_downtime' && c.figures.place === 'gate');
    expect((await sut.post([{ type: 'camera.heartbeat', deviceId: gate, at: iso() }])).status).toBe(202);
    await sut.tick();
    expect((await gateHours())?.figures.hours).toBe(26);
    await advanceHours(12);
    await sut.tick();
    // Back online: still 26 h, where it would have grown to 38 h.
    expect((await gateHours())?.figures.hours).toBe(26);
    // Two weeks on, the outage and the first intrusion have left the window: no longer red.
    await advanceHours(14 * 24);
    await sut.tick();
    expect(await gateHours()).toBeUndefined();
    await waitFor(() => levels.some((l) => l.schoolId === 'S0001' && l.from === 'red'), 'risk:levels down from red');
    const school = (await answerOf<RiskSchool>(operator.get('/api/v1/risk/schools/S0001'))).body;
    expect(school.risk.level).not.toBe('red');
    expect(school.history.map((p) => p.level)).toContain('red');
  });
});
