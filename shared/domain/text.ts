import { z } from 'zod';

/**
 * A text a person reads, in both of the product's languages (zh-CN first, English second): rule
 * reasons, refusals, system notes. A screen shows the one of its language.
 */
export interface LocalizedText {
  zh: string;
  en: string;
}

/** The schema of a `LocalizedText` (answers and stored JSON that carry words in both languages). */
export const localizedTextSchema = z.object({ zh: z.string(), en: z.string() }) satisfies z.ZodType<LocalizedText>;
