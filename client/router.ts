import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import type { Permission } from '../shared/auth.js';
import { safeNext, useSessionStore } from './stores/session.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without a session (the sign-in page, the kiosk's viewer link). */
    public?: boolean;
    /** What the signed-in person must hold to open the screen; 'read' when absent. */
    permission?: Permission;
  }
}

/**
 * `/login` signs a person in; `/` is the map wall; `/console` the police operator console;
 * `/console/history` its closed alarms; `/health` device health and 护学岗 coverage; `/desk` the
 * education-bureau desk (教体局值班台): the compliance matrix, `/desk/trend`, `/desk/hazards` and
 * one school's page; `/admin` people, ingest tokens, kiosk links and the audit log.
 */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/console', name: 'console', component: () => import('./views/ConsoleView.vue') },
    { path: '/console/history', name: 'history', component: () => import('./views/HistoryView.vue') },
    { path: '/health', name: 'health', component: () => import('./views/HealthView.vue') },
    {
      path: '/desk',
      component: () => import('./views/DeskView.vue'),
      children: [
        { path: '', name: 'desk', component: () => import('./views/DeskMatrixView.vue') },
        { path: 'trend', name: 'desk-trend', component: () => import('./views/DeskTrendView.vue') },
        { path: 'hazards', name: 'desk-hazards', component: () => import('./views/DeskHazardsView.vue') },
        { path: 'schools/:id', name: 'desk-school', component: () => import('./views/DeskSchoolView.vue'), props: true },
      ],
    },
    { path: '/kiosk', name: 'kiosk', component: () => import('./views/KioskView.vue'), meta: { public: true } },
    { path: '/drills', name: 'drills', component: () => import('./views/DrillsView.vue') },
    { path: '/drills/:id', name: 'drill', component: () => import('./views/DrillView.vue'), props: true },
    { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { permission: 'admin' } },
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
  if (!session.can(routePermission(to))) return to.path === session.home ? loginFor(to.fullPath) : session.home;
  return true;
});
