import type { Screen } from '../shared/screens.js';

/** The message key naming a screen (navigation, the notice after a refused visit). */
export function screenLabelKey(screen: Screen): string {
  if (screen === 'school') return 'schoolPage.title';
  return screen === 'desk-school' ? 'tally.deskSchool' : `nav.${screen}`;
}
