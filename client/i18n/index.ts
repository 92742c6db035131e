import { createI18n } from 'vue-i18n';
import { en } from './en.js';
import { zhCN, type MessageSchema } from './zh-CN.js';

/** The wall's languages: zh-CN by default, English as the switch. */
export const LOCALES = ['zh-CN', 'en'] as const;
/** One of the wall's languages. */
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'xiaoan.locale';

function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

function rememberedLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** The app's i18n instance (Composition API mode). */
export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: rememberedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

/** Switches the language, remembers it on this screen and tells the document (fonts, screen readers). */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or a locked-down kiosk: the choice simply lasts for this page.
  }
}
