// The heavy-read pool's worker entry (issue 12). The server runs TypeScript through tsx with no
// build step; a worker thread is started without the parent's loader flags (the pool passes
// execArgv: [] so it is the same under `tsx`, `npm start` and vitest), so it registers tsx's
// loader itself before importing the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { runHeavyTask } = await import('./heavy.worker.ts');

export default runHeavyTask;
