/**
 * The page's boot in three tasks, so that none holds the main thread long (issue 17 item 4: no long
 * task over 100 ms): ES modules imported at once are evaluated in one task, so each part is
 * imported on its own, a turn of the event loop between them. First the API's contracts
 * (shared/api: the route table and its zod schemas), then Vue with the messages of both languages
 * (client/i18n), then the app (the router, the stores, the socket, the first screen).
 */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Before a retry, ms: a wall screen nobody touches loads itself again (a server restarting, a new build deployed meanwhile). */
const RETRY_MS = 10_000;

/** A part did not load: say so in both languages, plainly, and load the page again. */
function bootFailed(error: unknown): void {
  console.error('the page did not load', error);
  // The styles come with the app: the page's own dark background here.
  document.body.style.cssText = 'margin:0;min-height:100vh;background:#060b16';
  const app = document.getElementById('app');
  if (app) {
    app.innerHTML = '<p style="margin:20vh auto;max-width:40em;font:600 28px/1.6 sans-serif;color:#e6edf7;text-align:center">页面未能加载，10 秒后自动重试。<br><span style="font-size:22px;color:#9fb0c8">The page did not load; trying again in 10 s.</span></p>';
  }
  setTimeout(() => window.location.reload(), RETRY_MS);
}

void import('./boot-contracts.js')
  .then(nextTask)
  .then(() => import('./i18n/index.js'))
  .then(nextTask)
  .then(() => import('./app-start.js'))
  .catch(bootFailed);
