/** The API's contracts, evaluated in a task of their own before the app (client/main.ts). */
export { API } from '../shared/api/index.js';
