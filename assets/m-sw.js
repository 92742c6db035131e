/*
 * The service worker of the responder's phone page (校安·出警, `/m`), registered by client/pwa.ts
 * with scope `/m`. It keeps the app shell so the page opens without a network: the page at `/m`,
 * its manifest and icons, the scripts, styles and fonts the page loaded (the page posts their
 * URLs once it runs: a worker installed during the first visit never saw them load), and the last
 * answers of who is signed in and the unit's alarms, so the person sees what they last knew.
 * Steps taken offline wait in the page's own queue (client/responder-queue.ts), not here.
 * Plain JavaScript: the browser loads it as it is, without the build.
 */
const CACHE = 'xiaoan-m-v1';
const SHELL = ['/m', '/m/manifest.webmanifest', '/m/icon-192.png', '/m/icon-512.png', '/m/icon-maskable-512.png'];
/** Reads kept for offline: network first, the last good answer when the network fails. */
const KEPT_READS = ['/api/v1/auth/me', '/api/v1/responder/alarms'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(SHELL.map((path) => fetch(path).then(async (response) => response.ok && cache.put(path, await storable(response))))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('xiaoan-m-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

/** Same-origin static files the page loaded: keep them, and drop the ones of an older build. */
async function keepAssets(urls) {
  const cache = await caches.open(CACHE);
  const wanted = new Set(urls.map((url) => new URL(url, self.location.origin)).filter((url) => url.origin === self.location.origin && isStatic(url.pathname)).map((url) => url.href));
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/assets/') && !wanted.has(url.href)) await cache.delete(request);
  }
  await Promise.all([...wanted].map((href) => cache.match(href).then((hit) => hit ?? cache.add(href).catch(() => undefined))));
}

/**
 * An answer the page read, kept as the offline copy of that read. The page sends it itself: a page
 * opened before the worker (signed in at /login, routed to /m) is not the worker's, so its reads
 * never pass here.
 */
async function keepRead(path, text) {
  if (!KEPT_READS.includes(path)) return;
  const cache = await caches.open(CACHE);
  await cache.put(path, new Response(text, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
}

self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data) return;
  if (data.type === 'keep-assets' && Array.isArray(data.urls)) event.waitUntil(keepAssets(data.urls.filter((url) => typeof url === 'string')));
  if (data.type === 'keep-read' && typeof data.path === 'string' && typeof data.text === 'string') event.waitUntil(keepRead(data.path, data.text));
});

function isStatic(pathname) {
  return pathname.startsWith('/assets/') || pathname.startsWith('/fonts/') || pathname.startsWith('/m/');
}

/** A response the browser accepts for a navigation: a redirected one is not (it is copied without its redirect flag). */
async function storable(response) {
  if (!response.redirected) return response.clone();
  return new Response(await response.clone().blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The network's answer, stored for next time when it is good; the stored one when the network fails. */
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, await storable(response));
    // Signed out or no longer allowed: nothing of this person stays on the phone.
    else if (response.status === 401 || response.status === 403) await Promise.all(KEPT_READS.map((path) => cache.delete(path)));
    return response;
  } catch (error) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    // A sign-out forgets the kept answers of the person.
    if (url.pathname === '/api/v1/auth/logout') event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(KEPT_READS.map((path) => cache.delete(path)))));
    return;
  }
  if (request.mode === 'navigate' && (url.pathname === '/m' || url.pathname.startsWith('/m/'))) {
    event.respondWith(networkFirst(request, '/m'));
    return;
  }
  if (KEPT_READS.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
    return;
  }
  if (isStatic(url.pathname)) event.respondWith(cacheFirst(request));
});
