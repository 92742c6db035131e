export * from './districts.js';
export * from './entities.js';
export * from './alarm.js';
export * from './status.js';
export * from './security-record.js';
export * from './text.js';
export * from './school-plan.js';
