import { ref } from 'vue';
import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import type { Permission } from '../shared/auth.js';
import { canOpenScreen, type Screen } from '../shared/screens.js';
import { safeNext, useSessionStore } from './stores/session.js';
import { prestartClusterWorker } from './cluster-worker-start.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without a session (the sign-in page, the kiosk's viewer link). */
    public?: boolean;
    /** What the signed-in person must hold to open the screen; 'read' when absent. */
    permission?: Permission;
    /** Which screen this is (shared/screens.ts): a role that does not use it is sent home. */
    screen?: Screen;
  }
}

/**
 * `/login` signs a person in; `/` is the map wall; `/school` a school user's own page (its
 * 一键报警, alarms, posts, cameras); `/console` the police operator console;
 * `/console/history` its closed alarms; `/health` device health and 护学岗 coverage; `/desk` the
 * education-bureau desk (教体局值班台): the compliance matrix, `/desk/trend`, `/desk/hazards` and
 * one school's page; `/admin` people, ingest tokens, kiosk links and the audit log; `/m` the
 * dispatched unit's phone page (校安·出警, an installable app; a responder's only screen).
 */
/** The map screens' code (Leaflet and the map layers ride with it): fetched at once by `prefetchScreen`. */
const wallView = () => import('./views/WallView.vue');
const consoleView = () => import('./views/ConsoleView.vue');
const kioskView = () => import('./views/KioskView.vue');
const MAP_SCREENS: Record<string, () => Promise<unknown>> = { '/': wallView, '/console': consoleView, '/kiosk': kioskView };

/**
 * Starts fetching the code of the map screen at `path`, if it is one, as the page starts: the
 * route's own import waits for the session check, and the wall's data (asked as soon as the
 * session is known) would otherwise arrive before the map that draws it exists.
 */
export function prefetchScreen(path: string): void {
  const load = MAP_SCREENS[path];
  if (!load) return;
  void load().catch(() => undefined); // the route's own import reports a failure
  // Its school clusters' worker too: its script then loads beside the screen's.
  prestartClusterWorker();
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/', name: 'wall', component: wallView, meta: { screen: 'wall' } },
    { path: '/school', name: 'school', component: () => import('./views/SchoolView.vue'), meta: { screen: 'school' } },
    { path: '/console', name: 'console', component: consoleView, meta: { screen: 'console' } },
    { path: '/console/history', name: 'history', component: () => import('./views/HistoryView.vue'), meta: { screen: 'history' } },
    { path: '/health', name: 'health', component: () => import('./views/HealthView.vue'), meta: { screen: 'health' } },
    {
      path: '/desk',
      component: () => import('./views/DeskView.vue'),
      children: [
        { path: '', name: 'desk', component: () => import('./views/DeskMatrixView.vue'), meta: { screen: 'desk' } },
        { path: 'trend', name: 'desk-trend', component: () => import('./views/DeskTrendView.vue'), meta: { screen: 'desk' } },
        { path: 'hazards', name: 'desk-hazards', component: () => import('./views/DeskHazardsView.vue'), meta: { screen: 'desk' } },
        { path: 'reports', name: 'desk-reports', component: () => import('./views/DeskReportsView.vue'), meta: { screen: 'desk', permission: 'export' } },
        { path: 'inspections', name: 'desk-inspections', component: () => import('./views/DeskInspectionsView.vue'), meta: { screen: 'desk' } },
        { path: 'risk', name: 'desk-risk', component: () => import('./views/DeskRiskView.vue'), meta: { screen: 'desk' } },
        { path: 'schools/:id', name: 'desk-school', component: () => import('./views/DeskSchoolView.vue'), props: true, meta: { screen: 'desk-school' } },
        { path: 'schools/:id/plan', name: 'desk-school-plan', component: () => import('./views/DeskPlanView.vue'), props: true, meta: { screen: 'desk-school' } },
      ],
    },
    { path: '/kiosk', name: 'kiosk', component: kioskView, meta: { public: true } },
    { path: '/drills', name: 'drills', component: () => import('./views/DrillsView.vue'), meta: { screen: 'drills' } },
    { path: '/drills/:id', name: 'drill', component: () => import('./views/DrillView.vue'), props: true, meta: { screen: 'drills' } },
    { path: '/m', name: 'responder', component: () => import('./views/ResponderView.vue'), meta: { permission: 'field.respond', screen: 'responder' } },
    { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { permission: 'admin', screen: 'admin' } },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

/** Paths open without a session, whatever their route's meta says (the kiosk signs itself in with its link). */
const PUBLIC_PREFIXES = ['/login', '/kiosk'];

/** Whether a route can be opened without a session. */
export function isPublic(route: Pick<RouteLocationNormalized, 'path' | 'meta'>): boolean {
  return route.meta.public === true || PUBLIC_PREFIXES.some((prefix) => route.path === prefix || route.path.startsWith(`${prefix}/`));
}

/** The permission a route needs (the deepest matched route that names one; 'read' otherwise). */
export function routePermission(route: Pick<RouteLocationNormalized, 'matched'>): Permission {
  for (const record of [...route.matched].reverse()) if (record.meta.permission) return record.meta.permission;
  return 'read';
}

/** The screen a route shows (the deepest matched route that names one), if any. */
export function routeScreen(route: Pick<RouteLocationNormalized, 'matched'>): Screen | null {
  for (const record of [...route.matched].reverse()) if (record.meta.screen) return record.meta.screen;
  return null;
}

/** The screen a person was just sent away from (a direct visit to a screen their role does not use), for the notice that says so. */
export const refusedScreen = ref<Screen | null>(null);

/** The sign-in page, coming back to `path` afterwards; `expired` says the session ended under the page. */
export function loginFor(path: string, expired = false): { path: string; query: Record<string, string> } {
  const next = safeNext(path);
  return { path: '/login', query: { ...(next && next !== '/' ? { next } : {}), ...(expired ? { expired: '1' } : {}) } };
}

// Every screen but the public ones needs a session, and the permission its route names.
router.beforeEach(async (to) => {
  if (isPublic(to)) return true;
  const session = useSessionStore();
  let user;
  try {
    user = await session.load();
  } catch {
    user = null; // The server cannot be reached: the sign-in page says so when the person tries.
  }
  if (!user) return loginFor(to.fullPath);
  const screen = routeScreen(to);
  if (session.can(routePermission(to)) && (!screen || canOpenScreen(user, screen))) return true;
  // A screen this role does not use: home, with a plain word why (never a page of 403s).
  if (to.path === session.home) return to.path === '/' ? loginFor(to.fullPath) : '/';
  refusedScreen.value = screen;
  return session.home;
});
