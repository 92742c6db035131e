import type { Screen } from '../shared/screens.js';

/** The message key naming a screen (navigation, the notice after a refused visit). */
export function screenLabelKey(screen: Screen): string {
  return screen === 'desk-school' ? 'tally.deskSchool' : `nav.${screen}`;
}
