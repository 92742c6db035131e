import { watch, type Ref } from 'vue';
import { getRoute } from '../api.js';
import { useFieldStore } from '../stores/field.js';
import { useSchoolPoll } from './useSchoolPoll.js';

/** Camera states change with keepalives: re-read while the school stays selected. */
const REFRESH_MS = 30_000;

/**
 * A school's devices with live camera state (`GET /api/v1/schools/:id/devices`), re-read every
 * 30 s while `schoolId` stays the same, and at once when the school's cameras online (pushed as
 * `school:cameras`) move; a previous school's answer never lands on the next one.
 */
export function useSchoolDevices(schoolId: Ref<string | null>) {
  const { data: devices, failed, reload } = useSchoolPoll(schoolId, REFRESH_MS, async (id, signal) => {
    const answer = await getRoute('wall.schoolDevices', { params: { id } }, signal);
    return answer.devices;
  });
  const field = useFieldStore();
  watch(
    () => {
      const count = schoolId.value ? field.camerasOf(schoolId.value) : undefined;
      return count ? `${schoolId.value}:${count[1]}/${count[2]}` : null;
    },
    (now, before) => {
      // Only a move of the same school's counts: a new school is read by the poll itself.
      if (now && before && now.split(':')[0] === before.split(':')[0]) reload();
    },
  );
  return { devices, failed };
}
