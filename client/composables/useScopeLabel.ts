import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { findDistrict } from '../../shared/domain/districts.js';
import { useSessionStore } from '../stores/session.js';
import { useWallStore } from '../stores/wall.js';

/** A district's name in the current language (the code itself when unknown). */
export function useDistrictName(): (code: string) => string {
  const { locale } = useI18n();
  return (code) => {
    const district = findDistrict(code);
    if (!district) return code;
    return locale.value === 'en' ? district.nameEn : district.name;
  };
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
    if (user.role === 'school_user' && user.schoolId) return wall.schoolById.get(user.schoolId)?.name ?? user.schoolId;
    return user.districtCode ? districtName(user.districtCode) : t('account.city');
  });
}
