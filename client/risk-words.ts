import type { RiskContribution } from '../shared/risk.js';

/** The translate function of a component (vue-i18n's `t`, named parameters). */
export type Translate = (key: string, named?: Record<string, unknown>) => string;

/** A number as a person reads it: whole numbers plain, others to one decimal. */
function figure(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * A contribution in words, from its factor and figures: "14天内3次入侵报警", "校门摄像机离线26小时".
 * The points are worded apart (contributionText adds them).
 */
export function contributionWords(t: Translate, contribution: RiskContribution): string {
  const f = contribution.figures;
  const named = {
    count: figure(f.count),
    total: figure(f.total),
    days: figure(f.days),
    hours: figure(f.hours),
    rate: f.rate === undefined ? '—' : `${Math.round(f.rate * 100)}%`,
    date: f.lastDate ?? '—',
  };
  switch (contribution.factor) {
    case 'alarms':
      return f.alarmType ? t('riskFactor.alarms', { ...named, type: t(`alarmType.${f.alarmType}`) }) : t('riskFactor.alarmsNoType', named);
    case 'camera_downtime':
      return t(f.place === 'gate' ? 'riskFactor.camera_gate' : 'riskFactor.camera_other', named);
    case 'drills_overdue':
      return t(f.lastDate ? 'riskFactor.drills_overdue' : 'riskFactor.drills_never', named);
    default:
      return t(`riskFactor.${contribution.factor}`, named);
  }
}

/** A contribution in words with its points: "14天内3次入侵报警 (+18)". */
export function contributionText(t: Translate, contribution: RiskContribution): string {
  return `${contributionWords(t, contribution)} ${t('risk.points', { points: contribution.points })}`;
}
