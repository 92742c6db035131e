import type { RiskContribution, RiskLevel, RiskListRow } from '../../shared/risk.js';
import type { ReportRiskRow, ReportScope } from '../../shared/report.js';
import { TYPE_NAMES } from './report-charts.js';
import type { TopRiskSource } from './report.service.js';

const LEVEL_NAMES: Record<RiskLevel, string> = { red: '红 red', orange: '橙 orange', yellow: '黄 yellow', blue: '蓝 blue' };

/** One contribution as the printed report says it, zh-CN then en, with its points: `入侵报警 3 起（14 天）3 intrusion alarms in 14 days (+18)`. */
export function riskReason(c: RiskContribution): string {
  const f = c.figures;
  const n = f.count ?? 0;
  const days = f.days ?? 0;
  const text = ((): string => {
    switch (c.factor) {
      case 'alarms': {
        const type = f.alarmType ?? 'sos';
        return `${TYPE_NAMES[type]}报警 ${n} 起（${days} 天） ${n} ${type.replace('_', ' ')} alarms in ${days} days`;
      }
      case 'false_alarms':
        return `误报率 ${Math.round((f.rate ?? 0) * 100)}%（${n}/${f.total ?? 0}） false-alarm rate ${Math.round((f.rate ?? 0) * 100)}%`;
      case 'hazards_open':
        return `未销号隐患 ${n} 项 ${n} open hazards`;
      case 'hazards_overdue':
        return `超期隐患 ${n} 项 ${n} overdue hazards`;
      case 'camera_downtime':
        return `${f.place === 'gate' ? '校门摄像机' : '摄像机'}离线 ${Math.round(f.hours ?? 0)} 小时 ${f.place === 'gate' ? 'gate camera' : 'cameras'} offline ${Math.round(f.hours ?? 0)} h`;
      case 'guard_absence':
        return `护学岗缺岗 ${n}/${f.total ?? 0} 次 guard absent ${n} of ${f.total ?? 0}`;
      case 'guard_late':
        return `护学岗迟到 ${n} 次 guard late ${n} times`;
      case 'patrol_missed':
        return `巡更漏巡 ${n}/${f.total ?? 0} patrol rounds missed ${n} of ${f.total ?? 0}`;
      case 'compliance':
        return `达标未通过 ${n}/${f.total ?? 0} 项 compliance items failed ${n} of ${f.total ?? 0}`;
      case 'drills_overdue':
        return f.lastDate ? `演练逾期（上次 ${f.lastDate}） drill overdue (last ${f.lastDate})` : '无演练记录 no drill on record';
    }
  })();
  return `${text} (+${c.points})`;
}

/** A risk list row as the report prints it. */
export function reportRiskRow(row: RiskListRow): ReportRiskRow {
  return {
    schoolId: row.schoolId,
    schoolName: row.schoolName,
    districtCode: row.districtCode,
    score: row.score,
    level: LEVEL_NAMES[row.level],
    reasons: row.contributions.map(riskReason),
  };
}

/** The report's top-risk rows from the risk service's `top(limit, { districtCode })`. */
export function topRiskFrom(risk: { top(limit: number, filter?: { districtCode?: string }): RiskListRow[] }): TopRiskSource {
  return async (scope: ReportScope, limit: number) => risk.top(limit, scope === 'city' ? {} : { districtCode: scope }).map(reportRiskRow);
}
