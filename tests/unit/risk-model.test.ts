import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_MODEL, emptyRiskInputs, riskLevelOf, sameRisk, scoreSchool, changedContributions, type RiskAlarm, type RiskInputs } from '../../shared/rules/risk.js';
import type { SchoolRisk } from '../../shared/risk.js';

/** 2026-11-30 10:00 Asia/Shanghai, a Monday in the autumn term (started 2026-09-01). */
const NOW = Date.parse('2026-11-30T02:00:00Z');
const TODAY = '2026-11-30';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const inputs = (over: Partial<RiskInputs> = {}): RiskInputs => ({ ...emptyRiskInputs(NOW, TODAY), ...over });
const alarm = (type: RiskAlarm['type'], over: Partial<RiskAlarm> = {}): RiskAlarm => ({ type, state: 'resolved', drill: false, openedAt: NOW - DAY, ...over });

/** Every point of a score is in a listed contribution, and no contribution is empty. */
function expectExplained(risk: SchoolRisk): void {
  expect(risk.contributions.reduce((sum, c) => sum + c.points, 0)).toBe(risk.score);
  for (const c of risk.contributions) {
    expect(c.points).toBeGreaterThan(0);
    expect(Number.isInteger(c.points)).toBe(true);
    expect(Object.keys(c.figures).length).toBeGreaterThan(0);
  }
}

describe('scoreSchool: the edges', () => {
  it('scores a school with no data 0, blue, with no contributions', () => {
    const risk = scoreSchool('S1', inputs());
    expect(risk).toMatchObject({ schoolId: 'S1', score: 0, level: 'blue', contributions: [] });
  });

  it('scores only drills 0: drill alarms are not incidents, and a drill this term is not overdue', () => {
    const risk = scoreSchool('S1', inputs({
      alarms: [alarm('sos', { drill: true }), alarm('intrusion', { drill: true, state: 'false_alarm' }), alarm('post_absent', { drill: true })],
      drills: { termStart: '2026-09-01', lastDate: '2026-11-20' },
    }));
    expect(risk.score).toBe(0);
    expect(risk.contributions).toEqual([]);
  });

  it('counts real alarms by type with their figures, leaves out false and cancelled ones, and those before the window', () => {
    const risk = scoreSchool('S1', inputs({
      alarms: [
        alarm('intrusion'), alarm('intrusion', { state: 'new' }), alarm('intrusion', { openedAt: NOW - 3 * DAY }),
        alarm('intrusion', { state: 'cancelled' }), alarm('intrusion', { openedAt: NOW - 15 * DAY }),
        alarm('sos', { state: 'false_alarm' }),
      ],
    }));
    expectExplained(risk);
    expect(risk.contributions).toContainEqual({ factor: 'alarms', points: 45, figures: { alarmType: 'intrusion', count: 3, days: 14 } });
    // 1 false of 4 non-cancelled incidents: 25 % × 10 → 3 (rounded).
    expect(risk.contributions).toContainEqual({ factor: 'false_alarms', points: 3, figures: { count: 1, total: 4, rate: 0.25, days: 14 } });
    expect(risk.score).toBe(48);
  });

  it('moves a hazard from open (+2) to overdue (+8) the day after its deadline, not on it', () => {
    const hazards = [{ deadline: '2026-11-30', major: false }];
    const onDeadline = scoreSchool('S1', inputs({ hazards }));
    expect(onDeadline.contributions).toEqual([{ factor: 'hazards_open', points: 2, figures: { count: 1 } }]);
    const dayAfter = scoreSchool('S1', inputs({ now: NOW + DAY, today: '2026-12-01', hazards }));
    expect(dayAfter.contributions).toEqual([{ factor: 'hazards_overdue', points: 8, figures: { count: 1, days: 1 } }]);
    expect(dayAfter.score).toBeGreaterThan(onDeadline.score);
  });

  it('lowers the score when the gate camera comes back online (its downtime stops growing, then leaves the window)', () => {
    const offline = { deviceId: 'C1', place: 'gate' as const, from: NOW - 12 * HOUR, to: null };
    const down = scoreSchool('S1', inputs({ outages: [offline] }));
    expect(down.contributions).toEqual([{ factor: 'camera_downtime', points: 12, figures: { hours: 12, count: 1, place: 'gate', days: 14 } }]);
    // Had it stayed offline another 14 h: 26 h → capped at 20.
    const later = NOW + 14 * HOUR;
    const stillDown = scoreSchool('S1', inputs({ now: later, outages: [offline] }));
    expect(stillDown.score).toBe(20);
    expect(stillDown.contributions[0]!.figures.hours).toBe(26);
    // Back online after 2 h: 14 h of downtime, and the score falls as soon as it is back.
    const back = scoreSchool('S1', inputs({ now: later, outages: [{ ...offline, to: NOW + 2 * HOUR }] }));
    expect(back.score).toBe(14);
    expect(back.score).toBeLessThan(stillDown.score);
    expectExplained(back);
  });

  it('weighs another camera less than the gate camera, each place its own contribution', () => {
    const risk = scoreSchool('S1', inputs({ outages: [
      { deviceId: 'C1', place: 'gate', from: NOW - 10 * HOUR, to: null },
      { deviceId: 'C2', place: 'other', from: NOW - 10 * HOUR, to: null },
      { deviceId: 'C3', place: 'other', from: NOW - 10 * HOUR, to: NOW - 5 * HOUR },
    ] }));
    expect(risk.contributions).toEqual([
      { factor: 'camera_downtime', points: 10, figures: { hours: 10, count: 1, place: 'gate', days: 14 } },
      { factor: 'camera_downtime', points: 3, figures: { hours: 15, count: 2, place: 'other', days: 14 } },
    ]);
  });

  it('marks drills overdue (每学期至少1次) only after the grace days of a term without one', () => {
    const early = scoreSchool('S1', inputs({ today: '2026-10-15', drills: { termStart: '2026-09-01', lastDate: '2026-05-01' } }));
    expect(early.score).toBe(0);
    const late = scoreSchool('S1', inputs({ drills: { termStart: '2026-09-01', lastDate: '2026-05-01' } }));
    expect(late.contributions).toEqual([{ factor: 'drills_overdue', points: 8, figures: { days: 213, lastDate: '2026-05-01' } }]);
    const never = scoreSchool('S1', inputs({ drills: { termStart: '2026-09-01', lastDate: null } }));
    expect(never.contributions[0]!.figures).toEqual({ days: 90, lastDate: null });
  });

  it('caps each factor and still explains every point', () => {
    const alarms = Array.from({ length: 30 }, () => alarm('sos'));
    const risk = scoreSchool('S1', inputs({
      alarms: [...alarms, ...Array.from({ length: 9 }, () => alarm('post_absent'))],
      hazards: Array.from({ length: 10 }, () => ({ deadline: '2026-11-01', major: true })),
      guardLate: [{ date: TODAY, due: 4, count: 3 }, { date: '2026-11-01', due: 4, count: 4 }],
      patrol: [{ date: TODAY, due: 6, count: 2 }],
      complianceFailed: 3,
    }));
    expectExplained(risk);
    const by = (factor: string) => risk.contributions.filter((c) => c.factor === factor);
    expect(by('alarms')).toEqual([{ factor: 'alarms', points: 60, figures: { alarmType: 'sos', count: 30, days: 14 } }]);
    expect(by('hazards_overdue')[0]!.points).toBe(30);
    expect(by('guard_absence')[0]).toEqual({ factor: 'guard_absence', points: 16, figures: { count: 9, days: 14 } });
    // The day before the window is left out.
    expect(by('guard_late')[0]).toEqual({ factor: 'guard_late', points: 3, figures: { count: 3, total: 4, days: 14 } });
    expect(by('patrol_missed')[0]).toEqual({ factor: 'patrol_missed', points: 2, figures: { count: 2, total: 6, days: 14 } });
    expect(by('compliance')[0]).toEqual({ factor: 'compliance', points: 6, figures: { count: 3 } });
    expect(risk.contributions.map((c) => c.points)).toEqual([...risk.contributions.map((c) => c.points)].sort((a, b) => b - a));
  });
});

describe('the worked example of docs/risk.md', () => {
  it('scores 平顶山市新华区第一小学 75, red, as the document adds it up', () => {
    const example = inputs({
      alarms: [alarm('intrusion'), alarm('intrusion', { state: 'new' }), alarm('sos', { state: 'false_alarm' })],
      outages: [{ deviceId: 'CAM-1', place: 'gate', from: NOW - 26 * HOUR, to: null }],
      hazards: [{ deadline: '2026-11-25', major: false }],
      drills: { termStart: '2026-09-01', lastDate: '2026-05-12' },
      complianceFailed: 3,
    });
    const risk = scoreSchool('S0001', example);
    expect(risk.contributions.map((c) => [c.factor, c.points])).toEqual([
      ['alarms', 30], ['camera_downtime', 20], ['hazards_overdue', 8], ['drills_overdue', 8], ['compliance', 6], ['false_alarms', 3],
    ]);
    expect(risk).toMatchObject({ score: 75, level: 'red' });
    expect(scoreSchool('S0001', { ...example, outages: [{ deviceId: 'CAM-1', place: 'gate', from: NOW - 26 * HOUR, to: NOW - 14 * HOUR }] }).score).toBe(67);
    expect(scoreSchool('S0001', { ...example, alarms: [alarm('sos', { state: 'false_alarm' })] })).toMatchObject({ score: 42, level: 'orange' });
  });
});

describe('levels', () => {
  it('puts a score exactly at a threshold at that level, one below at the next', () => {
    const { levels } = DEFAULT_RISK_MODEL;
    expect(riskLevelOf(levels.red, levels)).toBe('red');
    expect(riskLevelOf(levels.red - 1, levels)).toBe('orange');
    expect(riskLevelOf(levels.orange, levels)).toBe('orange');
    expect(riskLevelOf(levels.orange - 1, levels)).toBe('yellow');
    expect(riskLevelOf(levels.yellow, levels)).toBe('yellow');
    expect(riskLevelOf(levels.yellow - 1, levels)).toBe('blue');
    expect(riskLevelOf(0, levels)).toBe('blue');
  });

  it('turns a school red with two intrusion alarms and its gate camera offline 26 h (the issue’s case)', () => {
    const risk = scoreSchool('S1', inputs({
      alarms: [alarm('intrusion'), alarm('intrusion', { state: 'new' })],
      outages: [{ deviceId: 'C1', place: 'gate', from: NOW - 26 * HOUR, to: null }],
    }));
    expect(risk.score).toBe(50);
    expect(risk.level).toBe('red');
    expectExplained(risk);
  });

  it('follows a model with other weights and thresholds', () => {
    const model = { ...DEFAULT_RISK_MODEL, alarmPoints: { ...DEFAULT_RISK_MODEL.alarmPoints, intrusion: 1 }, levels: { red: 3, orange: 2, yellow: 1 } };
    expect(scoreSchool('S1', inputs({ alarms: [alarm('intrusion'), alarm('intrusion')] }), model)).toMatchObject({ score: 2, level: 'orange' });
  });
});

describe('every point explained, over many random schools', () => {
  it('sums the contributions to the score for 2,000 random inputs', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const types = ['sos', 'intrusion', 'access_anomaly', 'post_absent', 'camera_fault'] as const;
    const states = ['new', 'resolved', 'false_alarm', 'cancelled'] as const;
    for (let i = 0; i < 2000; i++) {
      const risk = scoreSchool(`S${i}`, inputs({
        alarms: Array.from({ length: Math.floor(rand() * 12) }, () => alarm(types[Math.floor(rand() * 5)]!, { state: states[Math.floor(rand() * 4)]!, drill: rand() < 0.1, openedAt: NOW - rand() * 20 * DAY })),
        hazards: Array.from({ length: Math.floor(rand() * 4) }, () => ({ deadline: rand() < 0.5 ? null : `2026-11-${String(1 + Math.floor(rand() * 29)).padStart(2, '0')}`, major: rand() < 0.2 })),
        outages: Array.from({ length: Math.floor(rand() * 3) }, (_, k) => ({ deviceId: `C${k}`, place: rand() < 0.3 ? 'gate' as const : 'other' as const, from: NOW - rand() * 20 * DAY, to: rand() < 0.5 ? null : NOW - rand() * DAY })),
        complianceFailed: rand() < 0.5 ? null : Math.floor(rand() * 6),
        drills: { termStart: '2026-09-01', lastDate: rand() < 0.5 ? null : '2026-10-01' },
      }));
      expectExplained(risk);
      expect(risk.level).toBe(riskLevelOf(risk.score, DEFAULT_RISK_MODEL.levels));
    }
  });
});

describe(changedContributions.name, () => {
  it('lists the contributions whose figures changed, with both sides', () => {
    const before = scoreSchool('S1', inputs({ alarms: [alarm('intrusion')] })).contributions;
    const after = scoreSchool('S1', inputs({ alarms: [alarm('intrusion'), alarm('intrusion')], outages: [{ deviceId: 'C1', place: 'gate', from: NOW - HOUR, to: null }] })).contributions;
    const changed = changedContributions(before, after);
    expect(changed.map((c) => c.factor).sort()).toEqual(['alarms', 'camera_downtime']);
    expect(changed.find((c) => c.factor === 'camera_downtime')!.from).toBeNull();
    expect(changedContributions(after, after)).toEqual([]);
  });
});

describe(sameRisk.name, () => {
  it('tells an unchanged computation from one whose figures moved, even at the same points', () => {
    const a = scoreSchool('S1', inputs({ outages: [{ deviceId: 'C1', place: 'gate', from: NOW - 30 * HOUR, to: null }] }));
    const later = scoreSchool('S1', inputs({ now: NOW + HOUR, outages: [{ deviceId: 'C1', place: 'gate', from: NOW - 30 * HOUR, to: null }] }));
    expect(later.score).toBe(a.score); // capped at 20 both times…
    expect(sameRisk(a, later)).toBe(false); // …but 30 h became 31 h
    expect(sameRisk(a, scoreSchool('S1', inputs({ outages: [{ deviceId: 'C1', place: 'gate', from: NOW - 30 * HOUR, to: null }] })))).toBe(true);
  });
});
