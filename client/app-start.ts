/**
 * The app: started by client/main.ts once the API contracts and the messages are evaluated, each in
 * a task of its own. The screen's prefetch (its preload links: ≈ 30 ms on a slow machine), the
 * formatters and the mount are in tasks of their own too.
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'leaflet/dist/leaflet.css';
import './styles/base.css';
import App from './App.vue';
import { onUnauthorized } from './api.js';
import { i18n } from './i18n/index.js';
import { prefetchScreen, router } from './router.js';
import { useSessionStore } from './stores/session.js';
import { applyThemeVariables } from './theme.js';
import { warmFormatters } from './format.js';
import { nextTask } from './reactive-bulk.js';

/** Starts fetching the screen's code; makes the formatters a task later, and mounts the app a task after that. */
export async function startApp(): Promise<void> {
  applyThemeVariables(document.documentElement);
  document.documentElement.lang = i18n.global.locale.value;
  prefetchScreen(window.location.pathname);
  await nextTask();
  // Intl's formatters are slow to make the first time (ICU's data: 60 ms here): not in the mount's task.
  warmFormatters(i18n.global.locale.value);
  await nextTask();
  const pinia = createPinia();
  // Any call answered 401 means the session ended under the page: App.vue sends the person to sign in.
  onUnauthorized(() => useSessionStore(pinia).expired());
  createApp(App).use(pinia).use(router).use(i18n).mount('#app');
}
