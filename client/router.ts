import { createRouter, createWebHistory } from 'vue-router';

/** `/` is the map wall; operator consoles (`/console`) join later as lazy routes beside it. */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});
