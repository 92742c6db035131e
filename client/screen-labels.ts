import type { Screen } from '../shared/screens.js';

/** The message key naming a screen (navigation, the notice after a refused visit). */
export function screenLabelKey(screen: Screen): string {
  if (screen === 'school') return 'schoolPage.title';
  if (screen === 'desk-school') return 'tally.deskSchool';
  if (screen === 'responder') return 'responder.title';
  return `nav.${screen}`;
}
