import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { districtNameIn, type District } from '../../shared/domain/districts.js';
import { useSessionStore } from '../stores/session.js';
import { useWallStore } from '../stores/wall.js';

/** A district's name (or its code's) in the current language; an unknown code as it is. */
export function useDistrictName(): (district: District | string) => string {
  const { locale } = useI18n();
  return (district) => districtNameIn(locale.value, district);
}

/** Where the signed-in person's view reaches, in words: their school, their district, or the whole city. */
export function useScopeLabel(): ComputedRef<string> {
  const session = useSessionStore();
  const wall = useWallStore();
  const { t } = useI18n();
  const districtName = useDistrictName();
  return computed(() => {
    const user = session.user;
    if (!user) return '';
    if (user.role === 'school_user' && user.schoolId) return wall.schoolName(user.schoolId);
    return user.districtCode ? districtName(user.districtCode) : t('account.city');
  });
}
