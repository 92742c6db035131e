import { useI18n } from 'vue-i18n';
import type { AlarmTransition } from '../../shared/domain/index.js';

/** A step that waited in the phone's offline queue longer than this reads "taken offline, arrived at …". */
export const DELAYED_AFTER_MS = 60_000;

/** Words for distances and for the steps a unit takes on its phone (接警, 到场, 处置反馈), in the screen's language. */
export function useFieldStepLabels() {
  const { t } = useI18n();

  /** Metres as people say them: "40 米" up to a kilometre, then "1.2 公里". */
  function distance(metres: number): string {
    return metres >= 1000 ? t('coverage.kilometres', { km: (metres / 1000).toFixed(1) }) : t('coverage.metres', { metres: Math.round(metres) });
  }

  /** The short name of a unit's step for the timeline's action column; null for other steps. */
  function action(step: Pick<AlarmTransition, 'action' | 'field'>): string | null {
    if (!step.field) return null;
    if (step.action === 'accept') return t('fieldStep.actionAccept');
    if (step.action === 'report') return t('fieldStep.actionReport');
    return null;
  }

  /**
   * Who marked the step and how: "出警单位到场（手机定位，距学校 40 米）" for the unit's own
   * arrival, "值班员标记到场" when the operator clicked it; null for steps that say nothing more.
   */
  function summary(step: Pick<AlarmTransition, 'action' | 'field'>): string | null {
    const field = step.field;
    if (!field) return step.action === 'arrive' ? t('fieldStep.arriveOperator') : null;
    if (step.action === 'accept') return t('fieldStep.accept');
    if (step.action === 'arrive') return field.distanceM === undefined ? t('fieldStep.arriveNoPosition') : t('fieldStep.arriveMeasured', { distance: distance(field.distanceM) });
    if (step.action === 'report') return t('fieldStep.report');
    return null;
  }

  /** Whether the step reached the server well after the person took it (it waited in the phone's offline queue). */
  function delayed(step: Pick<AlarmTransition, 'at' | 'field'>): boolean {
    return step.field !== undefined && Date.parse(step.field.recordedAt) - Date.parse(step.at) > DELAYED_AFTER_MS;
  }

  return { distance, action, summary, delayed };
}
