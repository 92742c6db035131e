import { getCurrentScope, onScopeDispose, readonly, ref, type Ref } from 'vue';

const now = ref(Date.now());
let subscribers = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/**
 * The current time in ms, ticking once a second, shared by every user on the page (one timer for
 * the clock, the stale counter and every row's elapsed time). The timer stops with its last user.
 */
export function useNow(): Readonly<Ref<number>> {
  subscribers += 1;
  if (!timer) {
    now.value = Date.now();
    timer = setInterval(() => {
      now.value = Date.now();
    }, 1_000);
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      subscribers -= 1;
      if (subscribers === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    });
  }
  return readonly(now);
}
