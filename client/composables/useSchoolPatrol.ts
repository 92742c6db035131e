import { onScopeDispose, shallowRef, watch, type Ref } from 'vue';
import type { PatrolProgress } from '../../shared/rules/patrol.js';
import { getJson } from '../api.js';

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
  const patrol = shallowRef<SchoolPatrol | null>(null);
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  async function load(id: string): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    try {
      const answer = await getJson<{ schools: SchoolPatrol[] }>(`/api/v1/patrol?schoolId=${encodeURIComponent(id)}`, mine.signal);
      if (!mine.signal.aborted) patrol.value = answer.schools[0] ?? null;
    } catch {
      // Keep the last answer for this school; the next refresh tries again.
    }
  }

  function stop(): void {
    controller?.abort();
    if (timer) clearInterval(timer);
    timer = null;
  }

  watch(
    schoolId,
    (id) => {
      stop();
      patrol.value = null;
      if (!id) return;
      void load(id);
      timer = setInterval(() => void load(id), REFRESH_MS);
    },
    { immediate: true },
  );
  onScopeDispose(stop);

  return patrol;
}
