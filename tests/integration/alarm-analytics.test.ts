import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import type { AlarmAnalytics } from '../../shared/rules/alarm-analytics.js';
import { devicesOfSchool, insertAlarms, seededAlarms } from '../helpers/alarm-seed.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { availableEngines } from '../helpers/engines.js';
import { sosEvent, startTestServer, type TestServer } from '../helpers/server.js';

const engines = await availableEngines();

/** Friday 20 March 2026, 10:00 in Shanghai: "30 天" is 19 Feb – 20 Mar. */
const NOW = Date.parse('2026-03-20T10:00:00+08:00');
const DEVICES = [...devicesOfSchool('S0001', '410402'), ...devicesOfSchool('S0002', '410403'), ...devicesOfSchool('S0003', '410422')];
/** The gate camera of S0002 and the door of S0003 keep raising false alarms. */
const NOISY = [DEVICES[6]!, DEVICES[11]!];

describe.each(engines)('alarm analytics (GET /analytics/alarms) on %s', (engine) => {
  let sut: TestServer;
  let city: Session;
  let county: Session;

  async function read<T>(session: Session, path: string): Promise<T> {
    const response = await session.get(path);
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }
  /** How many alarms the history list holds for the analytics' window and these filters. */
  async function listed(session: Session, window: AlarmAnalytics, filters: string): Promise<number> {
    const query = `state=closed&since=${encodeURIComponent(window.since)}&until=${encodeURIComponent(window.until)}&limit=5000${filters}`;
    const answer = await read<{ alarms: Alarm[] }>(session, `/api/v1/alarms?${query}`);
    expect(answer.alarms.length).toBeLessThan(5000);
    return answer.alarms.length;
  }

  beforeAll(async () => {
    sut = await startTestServer({ engine, clock: { now: () => NOW } });
    // Seven weeks of history up to yesterday (1 Feb – 19 Mar), and one alarm still open today.
    await insertAlarms(sut.store.db, seededAlarms({ count: 320, fromMs: Date.parse('2026-02-01T00:00:00+08:00'), days: 47, devices: DEVICES, noisy: NOISY }));
    expect((await sut.post(sosEvent('S0001', { at: new Date(NOW).toISOString() }))).status).toBe(202);
    city = await signInAs(sut, { role: 'admin' });
    county = await signInAs(sut, { role: 'police_operator', districtCode: '410403' });
  }, 120_000);

  afterAll(async () => {
    await sut?.close();
  });

  it('counts what the history list holds for the same range and filters: in total, per district, type, outcome, device; drills apart', async () => {
    const sut30 = await read<AlarmAnalytics>(city, '/api/v1/analytics/alarms?preset=30d');
    expect([sut30.from, sut30.to]).toEqual(['2026-02-19', '2026-03-20']);
    expect(sut30.alarms).toBeGreaterThan(100);
    expect(sut30.alarms).toBe(await listed(city, sut30, '&drill=false'));
    expect(sut30.drills).toBeGreaterThan(0);
    expect(sut30.drills).toBe(await listed(city, sut30, '&drill=true'));
    expect(sut30.byDistrict.map((d) => d.key).sort()).toEqual(['410402', '410403', '410422']);
    for (const district of sut30.byDistrict) {
      expect(district.alarms, district.key).toBe(await listed(city, sut30, `&drill=false&districtCode=${district.key}`));
      expect(district.falseAlarms, district.key).toBe(await listed(city, sut30, `&drill=false&districtCode=${district.key}&outcome=false_alarm`));
    }
    for (const type of sut30.byType) expect(type.alarms, type.key).toBe(await listed(city, sut30, `&drill=false&type=${type.key}`));
    for (const outcome of sut30.byOutcome) expect(outcome.alarms, outcome.key).toBe(await listed(city, sut30, `&drill=false&outcome=${outcome.key}`));
    expect(sut30.byWeekdayHour.flat().reduce((a, b) => a + b, 0)).toBe(sut30.alarms);
    expect(sut30.byDay.reduce((a, d) => a + d.alarms, 0)).toBe(sut30.alarms);

    // The noisy devices lead the nuisance list, with the list's own counts.
    expect(sut30.nuisance.slice(0, 2).map((d) => d.deviceId).sort()).toEqual(NOISY.map((d) => d.deviceId).sort());
    for (const device of sut30.nuisance.slice(0, 3)) {
      expect(device.falseAlarms, device.deviceId).toBe(await listed(city, sut30, `&drill=false&deviceId=${device.deviceId}&outcome=false_alarm`));
      expect(device.alarms, device.deviceId).toBe(await listed(city, sut30, `&drill=false&deviceId=${device.deviceId}`));
    }

    // A heat-map cell: its count is the list of that weekday's hour on every day of the range.
    const cells = sut30.byWeekdayHour.flatMap((hours, day) => hours.map((count, hour) => ({ weekday: day + 1, hour, count })));
    const busiest = cells.reduce((a, b) => (b.count > a.count ? b : a));
    expect(busiest.count).toBeGreaterThan(2);
    for (const cell of [busiest, cells.find((c) => c.count === 0)!]) {
      expect(cell.count, `${cell.weekday} ${cell.hour}`).toBe(await listed(city, sut30, `&drill=false&weekday=${cell.weekday}&hour=${cell.hour}`));
    }
    const hourOnly = cells.filter((c) => c.hour === busiest.hour).reduce((a, c) => a + c.count, 0);
    expect(hourOnly).toBe(await listed(city, sut30, `&drill=false&hour=${busiest.hour}`));

    // A type filter narrows every figure the same way.
    const cameras = await read<AlarmAnalytics>(city, '/api/v1/analytics/alarms?preset=30d&type=camera_fault');
    expect(cameras.alarms).toBe(sut30.byType.find((t) => t.key === 'camera_fault')?.alarms);
    expect(cameras.byType.map((t) => t.key)).toEqual(['camera_fault']);
  });

  it('takes whole Shanghai days: a custom range, 7 天 and 本学期 agree with the list', async () => {
    const custom = await read<AlarmAnalytics>(city, '/api/v1/analytics/alarms?from=2026-02-01&to=2026-02-28');
    expect(custom.since).toBe('2026-01-31T16:00:00.000Z');
    expect(custom.until).toBe('2026-02-28T16:00:00.000Z');
    expect(custom.byDay).toHaveLength(28);
    expect(custom.alarms).toBe(await listed(city, custom, '&drill=false'));
    const week = await read<AlarmAnalytics>(city, '/api/v1/analytics/alarms?preset=7d');
    expect([week.from, week.to]).toEqual(['2026-03-14', '2026-03-20']);
    expect(week.alarms).toBe(await listed(city, week, '&drill=false'));
    const term = await read<AlarmAnalytics>(city, '/api/v1/analytics/alarms?preset=term');
    expect([term.from, term.to]).toEqual(['2026-03-01', '2026-03-20']);
    expect(term.alarms).toBe(await listed(city, term, '&drill=false'));
  });

  it('gives a district user their district only, and refuses another', async () => {
    const mine = await read<AlarmAnalytics>(county, '/api/v1/analytics/alarms?preset=30d');
    expect(mine.byDistrict.map((d) => d.key)).toEqual(['410403']);
    expect(mine.nuisance.every((d) => d.districtCode === '410403')).toBe(true);
    expect(mine.alarms).toBe(await listed(city, mine, '&drill=false&districtCode=410403'));
    expect((await county.get('/api/v1/analytics/alarms?districtCode=410402')).status).toBe(403);
  });

  it('refuses a range over 366 days, a reversed range, half a range, an unknown preset, and a heat-map cell without a bounded range, in zh-CN and en', async () => {
    const long = await city.get('/api/v1/analytics/alarms?from=2024-01-01&to=2025-01-01');
    expect(long.status).toBe(400);
    const words = (await long.json()) as { error: string; message: { zh: string; en: string } };
    expect(words.error).toMatch(/367 days, longer than 366/);
    expect(words.message.zh).toContain('超过 366 天');
    expect((await city.get('/api/v1/analytics/alarms?from=2024-01-01&to=2024-12-31')).status).toBe(200);
    expect((await city.get('/api/v1/analytics/alarms?from=2026-03-02&to=2026-03-01')).status).toBe(400);
    const half = await city.get('/api/v1/analytics/alarms?from=2026-03-01');
    expect(half.status).toBe(400);
    expect(((await half.json()) as { message: { zh: string } }).message.zh).toContain('起止日期须同时给出');
    expect((await city.get('/api/v1/analytics/alarms?preset=year')).status).toBe(400);
    expect((await city.get('/api/v1/analytics/alarms?from=2026-3-1&to=2026-03-02')).status).toBe(400);
    expect((await city.get('/api/v1/alarms?hour=7')).status).toBe(400);
    expect((await city.get('/api/v1/alarms?hour=7&since=2024-01-01T00:00:00%2B08:00&until=2025-01-02T00:00:00%2B08:00')).status).toBe(400);
    expect((await city.get('/api/v1/alarms?hour=24&since=2026-03-01T00:00:00%2B08:00&until=2026-03-02T00:00:00%2B08:00')).status).toBe(400);
  });
});

describe('alarm analytics without the worker pool (XIAOAN_WORKERS=0)', () => {
  it('answers the same figures counted in-process', async () => {
    const seed = seededAlarms({ count: 120, fromMs: Date.parse('2026-03-01T00:00:00+08:00'), days: 19, devices: DEVICES, noisy: NOISY, seed: 7 });
    const answers: AlarmAnalytics[] = [];
    for (const workers of ['1', '0']) {
      const server = await startTestServer({ clock: { now: () => NOW }, env: { XIAOAN_WORKERS: workers } });
      try {
        expect(server.heavyPool === null).toBe(workers === '0');
        await insertAlarms(server.store.db, seed);
        const session = await signInAs(server, { role: 'admin' });
        const response = await session.get('/api/v1/analytics/alarms?preset=30d');
        expect(response.status).toBe(200);
        answers.push((await response.json()) as AlarmAnalytics);
      } finally {
        await server.close();
      }
    }
    expect(answers[0]!.alarms).toBeGreaterThan(50);
    expect(answers[1]).toEqual(answers[0]);
  }, 120_000);
});

