/** The app: mounted by client/main.ts once the API contracts and the messages are evaluated, each in a task of its own. */
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

applyThemeVariables(document.documentElement);
document.documentElement.lang = i18n.global.locale.value;
const pinia = createPinia();
// Any call answered 401 means the session ended under the page: App.vue sends the person to sign in.
onUnauthorized(() => useSessionStore(pinia).expired());
prefetchScreen(window.location.pathname);
warmFormatters(i18n.global.locale.value);
createApp(App).use(pinia).use(router).use(i18n).mount('#app');
