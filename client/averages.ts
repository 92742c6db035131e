import type { DurationFigures } from '../shared/rules/alarm-load.js';
import { formatCount, formatElapsed } from './format.js';

type Translate = (key: string, values: Record<string, unknown>) => string;

/**
 * An average response time with the samples it rests on, `0:42 · 12 起` (`— · 0 起` with none):
 * a mean of one alarm must not read like a mean of three hundred.
 */
export function averageText(figures: Pick<DurationFigures, 'meanSeconds' | 'count'> | null | undefined, t: Translate, locale: string): string {
  const samples = figures?.count ?? 0;
  const mean = figures?.meanSeconds ?? null;
  if (mean === null || samples === 0) return t('tally.averageNone', {});
  return t('tally.average', { value: formatElapsed(mean * 1000), count: formatCount(samples, locale) });
}
