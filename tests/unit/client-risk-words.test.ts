// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import { en } from '../../client/i18n/en.js';
import { zhCN } from '../../client/i18n/zh-CN.js';
import { contributionText } from '../../client/risk-words.js';
import { RISK_FACTORS, type RiskContribution, type RiskLevelChange } from '../../shared/risk.js';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } });
const t = (locale: 'zh-CN' | 'en') => (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {}, { locale });

const intrusions: RiskContribution = { factor: 'alarms', points: 18, figures: { count: 3, days: 14, alarmType: 'intrusion' } };
const gateCamera: RiskContribution = { factor: 'camera_downtime', points: 10, figures: { hours: 26, count: 1, place: 'gate' } };

describe(contributionText.name, () => {
  it('words the issue\'s examples from factor and figures: "14天内3次入侵报警 (+18)", "校门摄像机离线26小时 (+10)"', () => {
    expect(contributionText(t('zh-CN'), intrusions)).toBe('14天内3次入侵报警 (+18)');
    expect(contributionText(t('zh-CN'), gateCamera)).toBe('校门摄像机离线26小时 (+10)');
    expect(contributionText(t('en'), intrusions)).toBe('Intrusion: 3 alarms in 14 days (+18)');
    expect(contributionText(t('en'), gateCamera)).toBe('Gate camera offline 26 h (+10)');
  });

  it('words a false-alarm rate as a percentage, fractional hours to one decimal, a drill never held apart from one long ago', () => {
    expect(contributionText(t('zh-CN'), { factor: 'false_alarms', points: 6, figures: { count: 4, total: 10, rate: 0.4, days: 30 } })).toBe('30天内误报4次（共10次，40%） (+6)');
    expect(contributionText(t('zh-CN'), { factor: 'camera_downtime', points: 3, figures: { hours: 7.25, count: 2, place: 'other', days: 14 } })).toBe('14天内2路摄像机累计离线7.3小时 (+3)');
    expect(contributionText(t('zh-CN'), { factor: 'drills_overdue', points: 5, figures: { days: 120, lastDate: null } })).toBe('本学期未组织演练（无演练记录） (+5)');
    expect(contributionText(t('zh-CN'), { factor: 'drills_overdue', points: 5, figures: { days: 120, lastDate: '2026-08-06' } })).toBe('本学期未组织演练（上次2026-08-06，已120天） (+5)');
  });

  it('has words for every factor in both languages, from the figures the model gives it (no key shown raw, no figure missing)', () => {
    // The figures shared/rules/risk.ts gives each factor.
    const given: Record<(typeof RISK_FACTORS)[number], RiskContribution['figures']> = {
      alarms: { count: 2, days: 14, alarmType: 'sos' },
      false_alarms: { count: 3, total: 5, rate: 0.6, days: 14 },
      hazards_open: { count: 1 },
      hazards_overdue: { count: 2, days: 9 },
      camera_downtime: { hours: 26, count: 1, place: 'gate', days: 14 },
      guard_absence: { count: 2, days: 14 },
      guard_late: { count: 1, total: 20, days: 14 },
      patrol_missed: { count: 3, total: 28, days: 14 },
      compliance: { count: 2 },
      drills_overdue: { days: 40, lastDate: null },
    };
    for (const factor of RISK_FACTORS) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const text = contributionText(t(locale), { factor, points: 1, figures: given[factor] });
        expect(text, `${factor} in ${locale}`).not.toMatch(/riskFactor\.|\{|—/);
      }
    }
  });
});

describe('the announcement of a school turning red', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const change = (schoolId: string, from: RiskLevelChange['from'], to: RiskLevelChange['to']): RiskLevelChange => ({
    schoolId, schoolName: `学校${schoolId}`, districtCode: '410402', from, to, score: 72, at: '2026-12-07T02:00:00.000Z', contributions: [intrusions, gateCamera],
  });

  it('announces a turn to red (newest first), not other changes, takes it down when the school leaves red, and after its time', async () => {
    const { useRiskStore } = await import('../../client/stores/risk.js');
    const { RISK_ANNOUNCE_MS, useRiskAnnounceStore } = await import('../../client/stores/riskAnnounce.js');
    const risk = useRiskStore();
    const announce = useRiskAnnounceStore();
    announce.start();
    risk.levelChanges.emit(change('S1', 'yellow', 'orange'));
    expect(announce.items).toHaveLength(0);
    risk.levelChanges.emit(change('S1', 'orange', 'red'));
    risk.levelChanges.emit(change('S2', null, 'red'));
    expect(announce.items.map((item) => item.change.schoolId)).toEqual(['S2', 'S1']);
    risk.levelChanges.emit(change('S2', 'red', 'orange'));
    expect(announce.items.map((item) => item.change.schoolId)).toEqual(['S1']);
    vi.advanceTimersByTime(RISK_ANNOUNCE_MS);
    expect(announce.items).toHaveLength(0);
    announce.stop();
  });
});
