/**
 * The page's boot in parts, so that none holds the main thread long (issue 17 item 4: no long task
 * over 100 ms): ES modules imported at once are evaluated in one task, so each part is imported on
 * its own, a turn of the event loop between them. First the API's contracts (shared/: the route
 * table and its zod schemas, in three parts: client/boot-contracts.ts), then Vue with the messages
 * of both languages (client/i18n), then the app (the router, the stores, the socket, the first screen).
 */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Before a retry, ms: a wall screen nobody touches loads itself again (a server restarting, a new
 * build deployed meanwhile): 10 s, then twice as long after each failure in a row, at most 5
 * minutes (a fault that outlasts a restart is not then asked for every 10 s by every screen).
 */
const FIRST_RETRY_MS = 10_000;
const LAST_RETRY_MS = 300_000;
/** The failures in a row of this tab (sessionStorage outlives the reload, not the tab). */
const FAILURES_KEY = 'xiaoan:boot-failures';

function failuresInARow(): number {
  try {
    const stored = Number(sessionStorage.getItem(FAILURES_KEY));
    return Number.isInteger(stored) && stored > 0 ? stored : 0;
  } catch {
    return 0;
  }
}

function rememberFailures(count: number): void {
  try {
    if (count === 0) sessionStorage.removeItem(FAILURES_KEY);
    else sessionStorage.setItem(FAILURES_KEY, String(count));
  } catch {
    // Storage refused (a locked-down kiosk profile): every retry then waits the first delay.
  }
}

/** A part did not load: say so in both languages, plainly, and load the page again. */
function bootFailed(error: unknown): void {
  console.error('the page did not load', error);
  const failures = failuresInARow();
  rememberFailures(failures + 1);
  const wait = Math.min(FIRST_RETRY_MS * 2 ** Math.min(failures, 10), LAST_RETRY_MS);
  const seconds = wait / 1000;
  // Whole minutes as minutes (5 分钟); 80 s and 160 s stay seconds, never "1.333 分钟".
  const minutes = seconds >= 60 && seconds % 60 === 0 ? seconds / 60 : null;
  const zh = minutes === null ? `${seconds} 秒` : `${minutes} 分钟`;
  const en = minutes === null ? `${seconds} s` : `${minutes} min`;
  // The styles come with the app: the page's own dark background here.
  document.body.style.cssText = 'margin:0;min-height:100vh;background:#060b16';
  const app = document.getElementById('app');
  if (app) {
    app.innerHTML = `<p style="margin:20vh auto;max-width:40em;font:600 28px/1.6 sans-serif;color:#e6edf7;text-align:center">页面未能加载，${zh}后自动重试。<br><span style="font-size:22px;color:#9fb0c8">The page did not load; trying again in ${en}.</span></p>`;
  }
  setTimeout(() => window.location.reload(), wait);
}

void import('./boot-contracts.js')
  .then(async ({ CONTRACT_PARTS }) => {
    for (const part of CONTRACT_PARTS) {
      await nextTask();
      await part();
    }
  })
  .then(nextTask)
  .then(() => import('./i18n/index.js'))
  .then(nextTask)
  .then(() => import('./app-start.js'))
  .then(({ startApp }) => startApp())
  .then(() => rememberFailures(0))
  .catch(bootFailed);
