import { useI18n } from 'vue-i18n';
import { districtNameIn } from '../../shared/domain/index.js';
import { fieldZhCN } from '../i18n/zh-CN.field.js';

type FaultReason = keyof typeof fieldZhCN.faultReason;

function isKnownReason(code: string): code is FaultReason {
  return Object.hasOwn(fieldZhCN.faultReason, code);
}

/** Words for the field machinery: a fault ticket's reason (`offline`, `video_loss`, …; an unknown code as is), a district's name. */
export function useFieldLabels() {
  const { t, locale } = useI18n();

  function reason(code: string): string {
    return isKnownReason(code) ? t(`faultReason.${code}`) : code;
  }

  function district(code: string): string {
    return districtNameIn(locale.value, code);
  }

  return { reason, district };
}
