export * from './guards.js';
export * from './response.js';
