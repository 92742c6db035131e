import { useI18n } from 'vue-i18n';
import type { PostState } from '../../shared/rules/guard-post.js';
import type { PostLive } from '../../shared/wall.js';
import { formatTime } from '../format.js';

/** A 护学岗 post's live state in words: state, window, check-in and the rule's reason. */
export interface PostLiveText {
  state: PostState;
  stateLabel: string;
  /** `时段 07:00–08:00`, empty off hours. */
  window: string;
  /** `07:02 签到` / `未签到`, empty off hours. */
  checkIn: string;
  reason: string;
}

/** Words for 护学岗 live states in the current language (a post not reported yet reads as off hours). */
export function usePostLabels() {
  const { t, locale } = useI18n();

  function describe(live: PostLive | undefined): PostLiveText {
    const state = live?.state ?? 'off_hours';
    const window = live?.window;
    return {
      state,
      stateLabel: t(`postState.${state}`),
      window: window ? t('post.window', { window: `${window.start}–${window.end}` }) : '',
      checkIn: live?.checkedInAt ? t('post.checkedIn', { time: formatTime(live.checkedInAt, locale.value).slice(0, 5) }) : window ? t('post.notCheckedIn') : '',
      reason: live ? (locale.value === 'en' ? live.reason.en : live.reason.zh) : '',
    };
  }

  return { describe };
}
