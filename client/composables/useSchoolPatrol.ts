import type { Ref } from 'vue';
import type { SchoolPatrol } from '../../shared/rules/patrol.js';
import { getRoute } from '../api.js';
import { useSchoolPoll } from './useSchoolPoll.js';

/** Rounds fall due through the day: re-read while the school stays selected. */
const REFRESH_MS = 60_000;

/**
 * The selected school's patrol rounds today, re-read every minute while `schoolId` stays the
 * same; a previous school's answer never lands on the next one. Null while loading or failed.
 */
export function useSchoolPatrol(schoolId: Ref<string | null>): Ref<SchoolPatrol | null> {
  // A failed read keeps the last answer for this school; the next refresh tries again.
  return useSchoolPoll(schoolId, REFRESH_MS, async (id, signal) => {
    const answer = await getRoute('field.patrol', { query: { schoolId: id } }, signal);
    return answer.schools[0] ?? null;
  }).data;
}
