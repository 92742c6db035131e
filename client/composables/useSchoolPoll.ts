import { onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { latestRequest } from '../latest.js';

/** A school's polled answer: null while loading (or before the first answer), `failed` after a failed read. */
export interface SchoolPoll<T> {
  data: ShallowRef<T | null>;
  failed: Ref<boolean>;
  /** Reads again now (something said it changed), without waiting for the next period. */
  reload: () => void;
}

/**
 * Reads something of the selected school at once and every `refreshMs` while `schoolId` stays the
 * same; a new school starts from null, a previous school's answer never lands on the next one
 * (its request is aborted), and a failed read keeps the last answer and sets `failed` until the
 * next good one.
 */
export function useSchoolPoll<T>(schoolId: Ref<string | null>, refreshMs: number, read: (id: string, signal: AbortSignal) => Promise<T>): SchoolPoll<T> {
  const data = shallowRef<T | null>(null);
  const failed = ref(false);
  const latest = latestRequest();
  let timer: ReturnType<typeof setInterval> | null = null;

  async function load(id: string): Promise<void> {
    const mine = latest.next();
    try {
      const answer = await read(id, mine.signal);
      if (mine.signal.aborted) return;
      data.value = answer;
      failed.value = false;
    } catch {
      if (!mine.signal.aborted) failed.value = true;
    }
  }

  function stop(): void {
    latest.abort();
    if (timer) clearInterval(timer);
    timer = null;
  }

  watch(
    schoolId,
    (id) => {
      stop();
      data.value = null;
      failed.value = false;
      if (!id) return;
      void load(id);
      timer = setInterval(() => void load(id), refreshMs);
    },
    { immediate: true },
  );
  onScopeDispose(stop);

  function reload(): void {
    if (schoolId.value) void load(schoolId.value);
  }

  return { data, failed, reload };
}
