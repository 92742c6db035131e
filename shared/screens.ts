import type { Role, SessionUser } from './auth.js';

/**
 * The screens of the product, as navigation and the router know them: the map wall, the operator
 * console, its closed alarms, device health, the desk's district roll-ups (matrix, trend,
 * hazards), one school's desk page, drills, administration, a school's own page (its 一键报警,
 * alarms, posts and cameras) and the dispatched unit's phone page (`/m`, issue 14). The kiosk is
 * not here: it signs itself in with its viewer link.
 */
export const SCREENS = ['wall', 'school', 'console', 'history', 'health', 'desk', 'desk-school', 'drills', 'admin', 'responder'] as const;
/** One screen. */
export type Screen = (typeof SCREENS)[number];

/**
 * The screens each role uses. A screen a role cannot use is neither linked nor opened (the
 * router sends a direct visit home with a plain message), so nobody lands on a page of 403s:
 * the console is for those who act on alarms (police, admin); a school user has its own
 * school's desk page but no city roll-ups (the server refuses them the matrix and hazard
 * counts); the viewer — a big screen — has the wall, device health and drills to watch.
 */
export const ROLE_SCREENS: Record<Role, readonly Screen[]> = {
  police_operator: ['wall', 'console', 'history', 'health', 'desk', 'desk-school', 'drills'],
  education_staff: ['wall', 'history', 'health', 'desk', 'desk-school', 'drills'],
  school_user: ['wall', 'school', 'desk-school', 'drills'],
  viewer: ['wall', 'health', 'drills'],
  admin: ['wall', 'console', 'history', 'health', 'desk', 'desk-school', 'drills', 'admin'],
  // A responder has its phone page (/m) and none of the others.
  responder: ['responder'],
};

/** Whether a person's role uses a screen. */
export function canOpenScreen(user: Pick<SessionUser, 'role'>, screen: Screen): boolean {
  return ROLE_SCREENS[user.role].includes(screen);
}

/** A navigation entry: the screen and where its link goes for this person. */
export interface NavLink {
  screen: Screen;
  to: string;
}

/**
 * The navigation a person sees, in order. The desk link goes to the district roll-ups, or for a
 * school user straight to its own school's page (`/desk/schools/<id>`).
 */
export function navLinksFor(user: Pick<SessionUser, 'role' | 'schoolId'>): NavLink[] {
  const links: NavLink[] = [
    { screen: 'wall', to: '/' },
    { screen: 'school', to: '/school' },
    { screen: 'console', to: '/console' },
    { screen: 'history', to: '/console/history' },
    { screen: 'health', to: '/health' },
    { screen: 'desk', to: '/desk' },
    { screen: 'drills', to: '/drills' },
    { screen: 'admin', to: '/admin' },
  ];
  const shown: NavLink[] = [];
  for (const link of links) {
    if (canOpenScreen(user, link.screen)) shown.push(link);
    else if (link.screen === 'desk' && user.schoolId && canOpenScreen(user, 'desk-school')) shown.push({ screen: 'desk-school', to: `/desk/schools/${encodeURIComponent(user.schoolId)}` });
  }
  return shown;
}
