import { useI18n } from 'vue-i18n';
import { RULE_LABELS } from '../../shared/compliance.js';
import { districtNameIn } from '../../shared/domain/districts.js';
import type { ComplianceRuleId, Reason } from '../../shared/rules/compliance/types.js';
import { knownMessage } from '../record-form.js';
import { useWallStore } from '../stores/wall.js';
import { useScopeTotalLabel } from './useDistrictScope.js';

/** Names the desk shows, in the page's language: districts, requirements, reasons, schools, server messages. */
export function useDeskLabels() {
  const { t, te, locale } = useI18n();
  const wall = useWallStore();
  const english = (): boolean => locale.value === 'en';
  // A county-level person's total is their district's: 新华区合计, never 全市合计.
  const { totalLabel, county } = useScopeTotalLabel();

  function district(code: string | null): string {
    if (code === null) return county.value ? totalLabel.value : t('desk.cityTotal');
    return districtNameIn(locale.value, code);
  }

  /** The requirement's full name (as in 附件4). */
  function rule(id: ComplianceRuleId): string {
    return reason(RULE_LABELS[id]);
  }

  /** A reason (or any zh/en pair) in the page's language. */
  function reason(text: Reason): string {
    return english() ? text.en : text.zh;
  }

  function school(id: string): string {
    return wall.schoolName(id);
  }

  /** A record field by its path (`retentionDays`, `equipment.helmet`), as the form and the history name it. */
  function field(path: string): string {
    if (path.startsWith('equipment.')) {
      const item = path.slice('equipment.'.length);
      return te(`deskEquipment.${item}`) ? t(`deskEquipment.${item}`) : path;
    }
    return te(`deskRecord.${path}`) ? t(`deskRecord.${path}`) : path;
  }

  /** A server's per-field message in the page's language when the desk knows it, else as the server said it. */
  function serverMessage(message: string): string {
    const known = knownMessage(message);
    return known ? t(`deskMessage.${known.key}`, known.values) : message;
  }

  return { district, rule, reason, school, field, serverMessage };
}
