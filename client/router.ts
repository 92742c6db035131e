import { createRouter, createWebHistory } from 'vue-router';

/**
 * `/` is the map wall; `/console` the police operator console; `/console/history` its closed
 * alarms; `/health` device health and 护学岗 coverage; `/desk` the education-bureau desk
 * (教体局值班台): the compliance matrix, `/desk/trend`, `/desk/hazards` and one school's page.
 */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
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
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});
