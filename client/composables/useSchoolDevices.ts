import type { Ref } from 'vue';
import { getRoute } from '../api.js';
import { useSchoolPoll } from './useSchoolPoll.js';

/** Camera states change with keepalives: re-read while the school stays selected. */
const REFRESH_MS = 30_000;

/**
 * A school's devices with live camera state (`GET /api/v1/schools/:id/devices`), re-read every
 * 30 s while `schoolId` stays the same; a previous school's answer never lands on the next one.
 */
export function useSchoolDevices(schoolId: Ref<string | null>) {
  const { data: devices, failed } = useSchoolPoll(schoolId, REFRESH_MS, async (id, signal) => {
    const answer = await getRoute('wall.schoolDevices', { params: { id } }, signal);
    return answer.devices;
  });
  return { devices, failed };
}
