import { ALARM_TYPES } from '../../shared/domain/alarm.js';
import { findDistrict } from '../../shared/domain/index.js';
import type { ReportFigures, StepFigures } from '../../shared/report.js';
import { shanghaiDateTime } from '../../shared/time.js';
import { TYPE_NAMES } from './report-charts.js';

/**
 * The report's figures as titled tables (header row first), one list both the PDF and the xlsx
 * print, so the two files always say the same numbers.
 */
export interface ReportSection {
  title: string;
  /** The xlsx sheet's name (≤ 31 characters). */
  sheet: string;
  rows: string[][];
  widths: number[];
  /** The chart printed under the table (index in reportCharts). */
  chart?: number;
}

const KIND = { weekly: '周报 Weekly report', monthly: '月报 Monthly report' } as const;

/** A table with no rows says so. */
function orNone(rows: string[][]): string[][] {
  return rows.length > 1 ? rows : [...rows, ['无 None']];
}

export function scopeName(scope: ReportFigures['scope']): string {
  if (scope === 'city') return '全市 City';
  const district = findDistrict(scope);
  return district ? `${district.name} ${district.nameEn}` : scope;
}

/** The first line of the PDF: the kind and the scope (the period is the line under it). */
export function reportHeading(figures: ReportFigures): string {
  return `校园安全${KIND[figures.period.kind]} · ${scopeName(figures.scope)}`;
}

export function reportTitle(figures: ReportFigures): string {
  return `校园安全${KIND[figures.period.kind]} · ${scopeName(figures.scope)} · ${figures.period.label}`;
}

function pct(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function secs(value: number | null): string {
  if (value === null) return '—';
  const whole = Math.round(value);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

function step(name: string, s: StepFigures): string[] {
  return [name, String(s.count), secs(s.p50Seconds), secs(s.p90Seconds), secs(s.meanSeconds), String(s.met), pct(s.attainment)];
}

/** A top-risk school: its row with the first reason, then one line per further reason (each with its points). */
function riskRows(r: ReportFigures['topRisk'][number]): string[][] {
  const [first = '—', ...rest] = r.reasons;
  return [[r.schoolName, findDistrict(r.districtCode)?.name ?? r.districtCode, String(r.score), r.level, first], ...rest.map((reason) => ['', '', '', '', reason])];
}

export function reportTables(f: ReportFigures): ReportSection[] {
  const a = f.alarms;
  return [
    {
      title: '一、总体 Overview',
      sheet: 'Overview',
      widths: [0.55, 0.45],
      rows: [
        ['指标 Figure', '数值 Value'],
        ['报警总数 Alarms (drills excluded)', String(a.total)],
        ['误报 False alarms', String(a.falseAlarms)],
        ['误报率 False-alarm rate', pct(a.falseAlarmRate)],
        ['报警洪峰 Alarm floods (ISA-18.2, >10 / 10 min)', String(f.floods.length)],
        ['摄像机可用率 Camera availability', pct(f.cameras.availability)],
        ['护学岗签到 Guard check-ins', String(f.guards.checkIns)],
        ['护学岗缺岗 Guard absences', String(f.guards.absences)],
        ['隐患新增 Hazards opened', String(f.hazards.opened)],
        ['隐患销号 Hazards closed', String(f.hazards.closed)],
        ['隐患超期 Hazards overdue', String(f.hazards.overdue)],
        ['达标率 Compliance (phased targets)', pct(f.compliance.share)],
        ['演练 Drills held (recorded / live)', `${f.drills.recorded} / ${f.drills.live}`],
      ],
    },
    {
      title: '二、报警按类型 Alarms by type',
      sheet: 'By type',
      widths: [0.6, 0.4],
      rows: [['类型 Type', '报警 Alarms'], ...ALARM_TYPES.map((t) => [`${TYPE_NAMES[t]} ${t}`, String(a.byType[t])])],
      chart: 1,
    },
    {
      title: '三、报警按区县 Alarms by district',
      sheet: 'By district',
      widths: [0.6, 0.4],
      rows: orNone([['区县 District', '报警 Alarms'], ...a.byDistrict.map((d) => [findDistrict(d.districtCode)?.name ?? d.districtCode, String(d.alarms)])]),
      chart: 2,
    },
    {
      title: '四、报警按小时 Alarms by hour of day',
      sheet: 'By hour',
      widths: [0.5, 0.5],
      rows: [['小时 Hour', '报警 Alarms'], ...a.byHour.map((n, h) => [`${String(h).padStart(2, '0')}:00`, String(n)])].filter((row, i) => i === 0 || row[1] !== '0'),
      chart: 0,
    },
    {
      title: '五、1-3-5 响应 Response against 1-3-5 (P1/P2)',
      sheet: 'Response',
      widths: [0.22, 0.1, 0.13, 0.13, 0.13, 0.12, 0.17],
      rows: [['环节 Step', '起数 n', 'P50', 'P90', '平均 Mean', '达标 Met', '达标率 Share'], step('接警 Acknowledge', f.response.acknowledge), step('到场 On scene', f.response.onScene)],
    },
    {
      title: '六、报警洪峰 Alarm floods (ISA-18.2)',
      sheet: 'Floods',
      widths: [0.6, 0.4],
      rows: orNone([['开始 Start (Asia/Shanghai)', '10 分钟内报警 Alarms in 10 min'], ...f.floods.map((x) => [shanghaiDateTime(x.start), String(x.alarms)])]),
    },
    {
      title: '七、设备与护学岗 Cameras and guard posts',
      sheet: 'Cameras and posts',
      widths: [0.6, 0.4],
      rows: [
        ['指标 Figure', '数值 Value'],
        ['摄像机 Cameras', String(f.cameras.cameras)],
        ['故障 Faults', String(f.cameras.faults)],
        ['中断时长 Outage hours', String(f.cameras.outageHours)],
        ['超 24 小时未修复 Not restored in 24 h', String(f.cameras.lateRestores)],
        ['护学岗 Guard posts', String(f.guards.posts)],
        ['签到 Check-ins', String(f.guards.checkIns)],
        ['缺岗告警 Absence alarms', String(f.guards.absences)],
      ],
    },
    {
      title: '八、隐患与达标 Hazards and compliance',
      sheet: 'Hazards and compliance',
      widths: [0.6, 0.4],
      rows: [
        ['指标 Figure', '数值 Value'],
        ['新增 Opened', String(f.hazards.opened)],
        ['销号 Closed', String(f.hazards.closed)],
        ['超期 Overdue', String(f.hazards.overdue)],
        ['期末未销号 Open at the end', String(f.hazards.open)],
        [`达标项 Items met (as of ${f.compliance.asOf})`, `${f.compliance.met} / ${f.compliance.items}`],
        ['达标率 Share', pct(f.compliance.share)],
      ],
    },
    {
      title: '九、应急演练 Drills',
      sheet: 'Drills',
      widths: [0.4, 0.35, 0.25],
      rows: [['学校 School', '结束 Ended', '得分 Score'], ...f.drills.rows.map((d) => [d.schoolName, shanghaiDateTime(d.endedAt), `${d.total} / ${d.maxTotal}`]), ['平均得分率 Average %', '', f.drills.averageScore === null ? '—' : String(f.drills.averageScore)]],
    },
    {
      title: '十、高风险学校 Top-risk schools',
      sheet: 'Top risk',
      widths: [0.24, 0.1, 0.08, 0.1, 0.48],
      rows: orNone([['学校 School', '区县', '分值', '等级 Level', '原因 Reasons (points)'], ...f.topRisk.flatMap(riskRows)]),
    },
  ];
}
