/**
 * The risk levels' colours (红/橙/黄/蓝), the single source for the list's chips, the history
 * line, the heat ramp and the wall's banner. Red and orange are the alarm and priority-2 colours
 * of the rest of the wall; blue is the police blue (low risk, nothing to do).
 */
export const RISK_LEVEL_COLOURS = {
  red: '#ff3b30',
  orange: '#ff7a1a',
  yellow: '#e8d44d',
  blue: '#3d8bff',
} as const;

/** Text on a level's colour: dark on the light yellow and orange, white on red and blue. */
export const RISK_LEVEL_INK = {
  red: '#ffffff',
  orange: '#05080f',
  yellow: '#05080f',
  blue: '#ffffff',
} as const;
