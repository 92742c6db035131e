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
 * Registers the service worker and tells it which static files this page loaded, so it keeps
 * them for an offline start. Quietly does nothing where service workers are not available
 * (plain http on another host than localhost, an old browser): the page works, only not offline.
 */
export async function registerAppWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.register('/m-sw.js', { scope: '/m' });
    const worker = registration.active ?? (await navigator.serviceWorker.ready).active;
    const urls = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .concat(location.origin + '/m');
    worker?.postMessage({ type: 'keep-assets', urls });
  } catch (error) {
    console.warn('[xiaoan] the offline app shell is not available here', error);
  }
}
