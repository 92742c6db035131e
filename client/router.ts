import { createRouter, createWebHistory } from 'vue-router';

/**
 * `/` is the map wall; `/console` the police operator console; `/console/history` its closed
 * alarms; `/health` device health and 护学岗 coverage.
 */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/console', name: 'console', component: () => import('./views/ConsoleView.vue') },
    { path: '/console/history', name: 'history', component: () => import('./views/HistoryView.vue') },
    { path: '/health', name: 'health', component: () => import('./views/HealthView.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});
