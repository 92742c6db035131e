import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'leaflet/dist/leaflet.css';
import './styles/base.css';
import App from './App.vue';
import { i18n } from './i18n/index.js';
import { router } from './router.js';
import { applyThemeVariables } from './theme.js';

applyThemeVariables(document.documentElement);
document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
