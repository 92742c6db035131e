import type { AlarmPriority, SchoolStatus } from '../shared/domain/index.js';
import type { ComplianceRuleId } from '../shared/rules/compliance/types.js';
import type { PostState } from '../shared/rules/guard-post.js';

/**
 * Colours that carry meaning, the single source for the map (canvas needs values) and the CSS
 * (applied as custom properties at start). Everything else on the wall stays neutral blue-grey.
 */
export const STATUS_COLOURS: Record<SchoolStatus, string> = {
  alarm: '#ff3b30',
  drill: '#b26bff',
  warning: '#e8d44d',
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

/** 护学岗 live states: on duty green, late amber, absent red, off hours grey. */
export const POST_STATE_COLOURS: Record<PostState, string> = {
  on_duty: STATUS_COLOURS.normal,
  late: STATUS_COLOURS.fault,
  absent: STATUS_COLOURS.alarm,
  off_hours: '#7d8ba1',
};

/** Coverage gaps on the map: magenta for no 护学岗 in reach, white for no police post in reach. */
export const GAP_COLOURS = { guardPost: '#ff4fd8', policePost: '#e6edf7' } as const;

/** One distinct colour per requirement for the desk's trend lines and their picker (none of them the status red). */
export const RULE_COLOURS: Record<ComplianceRuleId, string> = {
  guards: '#3d8bff',
  equipment: '#2ee6e6',
  closed_campus: '#a3e635',
  anti_ram: '#f59e0b',
  sos_alarm: '#f472b6',
  video: '#c084fc',
  intrusion: '#fde047',
  control_room: '#38bdf8',
  gate_police_camera: '#818cf8',
  system_upkeep: '#bef264',
  retention: '#f1f5f9',
  fault_restore: '#4ade80',
  guard_post: '#e879f9',
  guard_post_person: '#d946ef',
  drill: '#94a3b8',
  emergency_plan: '#fb923c',
  inspections: '#fca5a5',
  self_check: '#5eead4',
};

/** Publishes the colours as CSS custom properties (`--status-alarm`, `--priority-1`, …). */
export function applyThemeVariables(root: HTMLElement): void {
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) root.style.setProperty(`--status-${status}`, colour);
  for (const [priority, colour] of Object.entries(PRIORITY_COLOURS)) root.style.setProperty(`--priority-${priority}`, colour);
  root.style.setProperty('--police', POLICE_COLOUR);
  root.style.setProperty('--guard-post', GUARD_POST_COLOUR);
  for (const [state, colour] of Object.entries(POST_STATE_COLOURS)) root.style.setProperty(`--post-${state}`, colour);
  root.style.setProperty('--gap-guard', GAP_COLOURS.guardPost);
  root.style.setProperty('--gap-police', GAP_COLOURS.policePost);
}

/** The CSS font stack (base.css), for canvas text such as chart labels, which cannot inherit it. */
export const FONT_STACK = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', system-ui, sans-serif";
