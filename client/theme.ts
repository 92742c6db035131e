import type { AlarmPriority, SchoolStatus } from '../shared/domain/index.js';

/**
 * Colours that carry meaning, the single source for the map (canvas needs values) and the CSS
 * (applied as custom properties at start). Everything else on the wall stays neutral blue-grey.
 */
export const STATUS_COLOURS: Record<SchoolStatus, string> = {
  alarm: '#ff3b30',
  drill: '#b26bff',
  fault: '#ffb020',
  normal: '#30d158',
};

/** Priority 1 and 2 are filled (act now); 3 and 4 are outlined. */
export const PRIORITY_COLOURS: Record<AlarmPriority, string> = {
  1: '#ff3b30',
  2: '#ff7a1a',
  3: '#e8d44d',
  4: '#8fa3bf',
};

/** Police rooms and booths (警务室 / 治安岗亭). */
export const POLICE_COLOUR = '#3d8bff';
/** 护学岗 posts and their coverage. */
export const GUARD_POST_COLOUR = '#2ee6e6';

/** Publishes the colours as CSS custom properties (`--status-alarm`, `--priority-1`, …). */
export function applyThemeVariables(root: HTMLElement): void {
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) root.style.setProperty(`--status-${status}`, colour);
  for (const [priority, colour] of Object.entries(PRIORITY_COLOURS)) root.style.setProperty(`--priority-${priority}`, colour);
  root.style.setProperty('--police', POLICE_COLOUR);
  root.style.setProperty('--guard-post', GUARD_POST_COLOUR);
}
