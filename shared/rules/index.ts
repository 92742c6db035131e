export * from './guards.js';
export * from './response.js';
export * from './alarm-lifecycle.js';
export * from './alarm-load.js';
export * from './guard-post.js';
export * from './patrol.js';
export * from './coverage.js';
export * from './compliance/index.js';
