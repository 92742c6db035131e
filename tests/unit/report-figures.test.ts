import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition } from '../../shared/domain/index.js';
import { lastCompleteMonth, lastCompleteWeek, periodContaining } from '../../shared/report.js';
import { DEFAULT_RESPONSE_TARGETS } from '../../shared/rules/response.js';
import { barOption, chartTexts, renderChart } from '../../server/services/report-charts.js';
import { reportFigures, type ReportSources } from '../../server/services/report-figures.js';
import { auditSentence } from '../../shared/audit-text.js';

// Monday 2026-11-23 00:00 Asia/Shanghai.
const MONDAY = Date.parse('2026-11-22T16:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

let next = 0;
function alarm(received: number, overrides: Partial<Alarm> = {}, steps: [string, number][] = []): Alarm {
  const transitions: AlarmTransition[] = steps.map(([action, seconds]) => ({ action, from: 'new', to: 'acknowledged', actor: 'op', at: at(received + seconds * 1000), note: null }));
  return {
    id: `A${next++}`, type: 'sos', priority: 1, state: 'resolved', schoolId: 'S0001', deviceId: `SOS-${next}`, districtCode: '410402',
    openedAt: at(received), receivedAt: at(received), updatedAt: at(received), lastSeenAt: at(received),
    count: 1, drill: false, unitId: null, disposition: null, transitions, ...overrides,
  };
}

function sources(overrides: Partial<ReportSources> = {}): ReportSources {
  const period = lastCompleteWeek(MONDAY + 7 * 86_400_000 + 9 * 3600_000);
  return {
    period, scope: 'city', now: MONDAY + 7 * 86_400_000 + 9 * 3600_000, targets: DEFAULT_RESPONSE_TARGETS, alarms: [], settings: {}, cameras: 10, faults: [], guards: { posts: 0, checkIns: 0 },
    hazards: [], compliance: { asOf: '2026-11-29', items: 0, met: 0 }, drills: { recorded: 0, live: [] }, topRisk: [], ...overrides,
  };
}

describe('report periods (Asia/Shanghai)', () => {
  it('the last complete week at Monday 08:00 is Monday–Sunday before it; at Sunday 23:59 it is the week before', () => {
    expect(lastCompleteWeek(MONDAY + 7 * 86_400_000 + 8 * 3600_000)).toEqual({ kind: 'weekly', from: at(MONDAY), to: at(MONDAY + 7 * 86_400_000), label: '2026-11-23 ~ 2026-11-29' });
    expect(lastCompleteWeek(MONDAY + 7 * 86_400_000 - 60_000).label).toBe('2026-11-16 ~ 2026-11-22');
  });

  it('the last complete month on 1 January is December of the year before; a date names its own period', () => {
    expect(lastCompleteMonth(Date.parse('2026-12-31T16:00:00Z'))).toMatchObject({ kind: 'monthly', label: '2026-12', from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    expect(periodContaining('monthly', '2026-11-15').label).toBe('2026-11');
    expect(periodContaining('weekly', '2026-11-29').label).toBe('2026-11-23 ~ 2026-11-29');
    expect(periodContaining('weekly', '2026-11-23').label).toBe('2026-11-23 ~ 2026-11-29');
  });
});

describe(reportFigures.name, () => {
  it('counts an alarm received at the period’s first instant and not one at its end, nor drills', () => {
    const sut = reportFigures(sources({ alarms: [alarm(MONDAY), alarm(MONDAY + 7 * 86_400_000), alarm(MONDAY + 1000, { drill: true })] }));
    expect(sut.alarms.total).toBe(1);
    expect(sut.alarms.byHour[0]).toBe(1);
  });

  it('grades each P1/P2 alarm against its own target: acknowledged at 60 s meets the minute, 61 s does not; on scene 180 s at a city-setting school, 300 s at a rural one', () => {
    const alarms = [
      alarm(MONDAY, {}, [['ack', 60], ['arrive', 180]]),
      alarm(MONDAY + 60_000, {}, [['ack', 61], ['arrive', 181]]),
      alarm(MONDAY + 120_000, { districtCode: '410422', schoolId: 'S0900' }, [['ack', 30], ['arrive', 300]]),
    ];
    const sut = reportFigures(sources({ alarms, settings: { S0001: 'city', S0900: 'rural' } }));
    expect(sut.response.acknowledge).toMatchObject({ count: 3, met: 2, p50Seconds: 60, p90Seconds: 61 });
    expect(sut.response.acknowledge.attainment).toBeCloseTo(2 / 3, 4);
    expect(sut.response.onScene).toMatchObject({ count: 3, met: 2 });
  });

  it('holds a city-setting school in a county to the city’s 3 minutes (the target is by the school’s setting, not its district)', () => {
    const alarms = [alarm(MONDAY, { districtCode: '410422', schoolId: 'S0901' }, [['ack', 30], ['arrive', 240]])];
    expect(reportFigures(sources({ alarms, settings: { S0901: 'city' } })).response.onScene.met).toBe(0);
    expect(reportFigures(sources({ alarms, settings: { S0901: 'town' } })).response.onScene.met).toBe(1);
  });

  it('takes camera outages only within the period, and a fault past its 24 h deadline as a late restore', () => {
    const sut = reportFigures(sources({
      cameras: 1,
      faults: [{ openedAt: at(MONDAY - 12 * 3600_000), closedAt: at(MONDAY + 12 * 3600_000), deadlineAt: at(MONDAY + 12 * 3600_000) }, { openedAt: at(MONDAY + 86_400_000), closedAt: at(MONDAY + 3 * 86_400_000), deadlineAt: at(MONDAY + 2 * 86_400_000) }],
    }));
    expect(sut.cameras.outageHours).toBe(12 + 48);
    expect(sut.cameras.availability).toBeCloseTo(1 - 60 / 168, 4);
    expect(sut.cameras.lateRestores).toBe(1);
  });

  it('says null, not 0 %, for rates of nothing', () => {
    const sut = reportFigures(sources({ cameras: 0 }));
    expect(sut.alarms.falseAlarmRate).toBeNull();
    expect(sut.response.acknowledge.attainment).toBeNull();
    expect(sut.cameras.availability).toBeNull();
    expect(sut.compliance.share).toBeNull();
  });
});

describe('the charts (ECharts server-side SVG)', () => {
  it('renders an SVG whose labels are read back with their positions, and whose shapes carry no text', () => {
    const chart = renderChart('t', barOption('报警 <按区县>', ['新华区', '叶县'], [3, 0], '#2c6fbb'), 400, 200);
    expect(chart.svg.startsWith('<svg')).toBe(true);
    expect(chart.shapes).not.toContain('<text');
    const texts = chartTexts(chart.svg);
    expect(texts.map((t) => t.text)).toEqual(expect.arrayContaining(['报警 <按区县>', '新华区', '叶县', '3']));
    const xinhua = texts.find((t) => t.text === '新华区')!;
    expect(xinhua.anchor).toBe('middle');
    expect(xinhua.x).toBeGreaterThan(0);
    expect(xinhua.y).toBeGreaterThan(150);
    // A zero bar has no label.
    expect(texts.filter((t) => t.text === '0').length).toBe(1);
  });
});

describe('the report on the audit log', () => {
  it('says who made which report, of which period and scope, with its alarm count', () => {
    const names = { person: () => null, school: () => null };
    const entry = { id: 1, at: '2026-11-30T00:00:00.000Z', actor: 'system', action: 'report.generate', target: 'r1', address: null, details: { kind: 'weekly', scope: 'city', period: '2026-11-23 ~ 2026-11-29', alarms: 14 } };
    expect(auditSentence(entry, names)).toEqual({
      zh: 'system 生成了定期分析研判报告（周报 2026-11-23 ~ 2026-11-29 · 全市 · 报警 14 起）',
      en: 'system made a periodic report (weekly 2026-11-23 ~ 2026-11-29 · city · 14 alarms)',
    });
  });
});
