/**
 * A text a person reads, in both of the product's languages (zh-CN first, English second): rule
 * reasons, refusals, system notes. A screen shows the one of its language.
 */
export interface LocalizedText {
  zh: string;
  en: string;
}
