import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PostWindowFigures } from '../../shared/wall.js';
import { getRoute } from '../api.js';
import { latestRequest } from '../latest.js';

/**
 * Today's 护学岗 figures per duty window (`GET /api/v1/posts/figures`): on time, late (迟到),
 * absent (缺岗), still within the grace. Read again when a post's state is pushed and as
 * windows open; only the latest read applies.
 */
export const usePostFiguresStore = defineStore('postFigures', () => {
  const windows = shallowRef<PostWindowFigures[]>([]);
  const error = ref<string | null>(null);
  const latest = latestRequest();

  async function load(): Promise<void> {
    const mine = latest.next();
    try {
      const answer = await getRoute('field.postFigures', {}, mine.signal);
      if (!latest.isLatest(mine)) return;
      windows.value = answer.windows;
      error.value = null;
    } catch (caught) {
      if (!latest.isLatest(mine) || mine.signal.aborted) return;
      error.value = caught instanceof Error ? caught.message : String(caught);
    }
  }

  return { windows, error, load };
});
