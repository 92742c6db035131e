import { POLICE_COLOUR, STATUS_COLOURS } from '../../theme.js';

/** Colours of the analytics: real alarms police blue, false alarms amber (a fault to fix), drills purple, cancelled grey. */
export const ANALYTICS_COLOURS = {
  real: POLICE_COLOUR,
  false: STATUS_COLOURS.fault,
  drill: STATUS_COLOURS.drill,
  cancelled: '#7d8ba1',
} as const;

const TEXT = '#9fb0c8';
const LINE = '#22344f';

/** An axis in the dark theme with labels of `fontSize` px. */
export function axisStyle(fontSize: number) {
  return { axisLabel: { color: TEXT, fontSize }, axisLine: { lineStyle: { color: LINE } }, splitLine: { lineStyle: { color: LINE } } };
}

/** `part` of `whole` as a percentage with one decimal; a dash of nothing. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '—';
}
