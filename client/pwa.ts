/**
 * The responder page as an installable app (校安·出警): its manifest, icon and theme colour in the
 * document's head while `/m` is shown, and its service worker (`/m-sw.js`, scope `/m`), which
 * keeps the app shell so the page opens without a network. The other screens are not an app:
 * leaving `/m` takes the links away again.
 */
const HEAD_LINKS: [rel: string, href: string][] = [
  ['manifest', '/m/manifest.webmanifest'],
  ['apple-touch-icon', '/m/apple-touch-icon.png'],
  ['icon', '/m/icon-192.png'],
];
const THEME_COLOUR = '#060b16';
const MARK = 'data-responder-app';

/** Puts the app's manifest, icons and theme colour in the head; returns the function that takes them out. */
export function installAppHead(doc: Document = document): () => void {
  const added: HTMLElement[] = [];
  for (const [rel, href] of HEAD_LINKS) {
    const link = doc.createElement('link');
    link.rel = rel;
    link.href = href;
    link.setAttribute(MARK, '');
    added.push(link);
  }
  const theme = doc.createElement('meta');
  theme.name = 'theme-color';
  theme.content = THEME_COLOUR;
  theme.setAttribute(MARK, '');
  added.push(theme);
  // The ordinary page says "no icon" (data:,): take that away while the app's icon is in.
  const plainIcons = [...doc.head.querySelectorAll<HTMLLinkElement>(`link[rel="icon"]:not([${MARK}])`)];
  plainIcons.forEach((link) => link.remove());
  added.forEach((element) => doc.head.append(element));
  return () => {
    added.forEach((element) => element.remove());
    plainIcons.forEach((link) => doc.head.append(link));
  };
}

/**
 * The registration's new worker once it is active (null if it fails to install). Not
 * `navigator.serviceWorker.ready`: that waits for a worker of the page's own creation URL, and a
 * page signed in at /login and routed to /m on the client would wait for ever.
 */
function activated(registration: ServiceWorkerRegistration): Promise<ServiceWorker | null> {
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.resolve(registration.active);
  return new Promise((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve(worker);
      if (worker.state === 'redundant') resolve(null);
    });
  });
}

/**
 * The static files this page loaded: the resource timing entries, and — where those are empty (a
 * test's fake clock replaces `performance`) — the document's scripts, style sheets and module
 * preloads, plus `extra` (a lazily loaded chunk names itself with `import.meta.url`).
 */
function loadedFiles(extra: readonly string[]): string[] {
  const timed = performance.getEntriesByType?.('resource').map((entry) => entry.name) ?? [];
  const linked = [...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('script[src], link[rel="stylesheet"][href], link[rel="modulepreload"][href]')].map((element) =>
    element instanceof HTMLScriptElement ? element.src : element.href,
  );
  return [...new Set([...timed, ...linked, ...extra, `${location.origin}/m`])];
}

/**
 * Registers the service worker and tells it which static files this page loaded, so it keeps
 * them for an offline start. Quietly does nothing where service workers are not available
 * (plain http on another host than localhost, an old browser): the page works, only not offline.
 */
export async function registerAppWorker(extra: readonly string[] = []): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.register('/m-sw.js', { scope: '/m' });
    const worker = registration.active ?? (await activated(registration));
    worker?.postMessage({ type: 'keep-assets', urls: loadedFiles(extra) });
    // Reads the page made before its worker was active (the first visit): the worker keeps them too.
    for (const [path, text] of lastReads) worker?.postMessage({ type: 'keep-read', path, text });
  } catch (error) {
    console.warn('[xiaoan] the offline app shell is not available here', error);
  }
}

/**
 * Gives the worker a read the page just made (who is signed in, the unit's alarms), as its copy
 * for an offline start. Nothing happens without a worker.
 */
export async function keepRead(path: string, body: unknown): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  // As JSON text: a store's reactive proxy cannot be posted (structured clone refuses it).
  const text = JSON.stringify(body);
  lastReads.set(path, text);
  const registration = await navigator.serviceWorker.getRegistration('/m').catch(() => undefined);
  registration?.active?.postMessage({ type: 'keep-read', path, text });
}

/** The page's latest read of each kept path, handed to a worker that becomes active after it was made. */
const lastReads = new Map<string, string>();
