import { useI18n } from 'vue-i18n';
import { fieldTexts, refusalText, type RefusalLike } from '../refusal-text.js';
import type { LocalizedText } from '../../shared/domain/text.js';

/**
 * The one way a screen words a server refusal (a command, a form, sign-in): in the screen's
 * language now, falling back to the English `error` only when the server sent no message.
 */
export function useRefusalText() {
  const { locale } = useI18n();
  return {
    /** The refusal's sentence. */
    text: (refusal: RefusalLike) => refusalText(refusal, locale.value),
    /** Each field's refusal, for the words beside the fields. */
    fields: (result: { fields: Record<string, string>; fieldMessages?: Record<string, LocalizedText> | null }) => fieldTexts(result, locale.value),
  };
}
