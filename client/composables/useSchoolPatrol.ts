import type { Ref } from 'vue';
import type { PatrolProgress } from '../../shared/rules/patrol.js';
import { getJson } from '../api.js';
import { useSchoolPoll } from './useSchoolPoll.js';

/** `GET /api/v1/patrol?schoolId=`: one school's 电子巡查 rounds today. */
export interface SchoolPatrol extends PatrolProgress {
  schoolId: string;
  districtCode: string;
  /** Patrol points registered at the school (0: the school has no electronic patrol). */
  points: number;
}

/** Rounds fall due through the day: re-read while the school stays selected. */
const REFRESH_MS = 60_000;

/**
 * The selected school's patrol rounds today, re-read every minute while `schoolId` stays the
 * same; a previous school's answer never lands on the next one. Null while loading or failed.
 */
export function useSchoolPatrol(schoolId: Ref<string | null>): Ref<SchoolPatrol | null> {
  // A failed read keeps the last answer for this school; the next refresh tries again.
  return useSchoolPoll(schoolId, REFRESH_MS, async (id, signal) => {
    const answer = await getJson<{ schools: SchoolPatrol[] }>(`/api/v1/patrol?schoolId=${encodeURIComponent(id)}`, signal);
    return answer.schools[0] ?? null;
  }).data;
}
