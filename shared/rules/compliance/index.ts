export * from './types.js';
export * from './phases.js';
export * from './routines.js';
export * from './evaluate.js';
