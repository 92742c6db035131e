import { onScopeDispose, readonly, ref, type Ref } from 'vue';

/**
 * Whether the page is visible (`document.hidden` false), following `visibilitychange`. The
 * kiosk pauses its scene timer, polling and animations while hidden, and catches up on return.
 */
export function useStageVisibility(): Readonly<Ref<boolean>> {
  const visible = ref(!document.hidden);
  const update = (): void => {
    visible.value = !document.hidden;
  };
  document.addEventListener('visibilitychange', update);
  onScopeDispose(() => document.removeEventListener('visibilitychange', update));
  return readonly(visible);
}
