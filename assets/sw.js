/* ipapp's service worker, served at /sw.js so that its scope is the whole site ("/").
 *
 * What it does, and nothing more:
 *   - hashed build files (/assets/<name>-<hash>.js|css|…): cache-first. A hash in the name means the
 *     content never changes under that name, so a cached copy is never stale, and they are the
 *     same for everyone.
 *   - page loads (navigations): network-first, never cached. Without a network: /offline.html,
 *     the only page ever cached; it holds no plan data.
 *   - everything else goes to the network untouched: the websocket (/_event), uploads, the
 *     sign-in and API routes, print and calendar files, any request that is not a GET.
 * So a cache can never show one person's plan to another: no page, answer or file with data in it
 * is ever stored.
 *
 * A new deploy: register-sw.js registers /sw.js?build=<the build's own hashes>, so a new build is
 * a new worker script. It takes over at once (skipWaiting + clients.claim) and deletes the caches
 * of older builds.
 */

const BUILD = new URL(self.location.href).searchParams.get("build") || "unversioned";
const CACHE_PREFIX = "ipapp-";
const CACHE = CACHE_PREFIX + BUILD;
const OFFLINE_URL = "/offline.html";
// Vite names every file it writes to /assets/ "<name>-<8-character hash>.<ext>".
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.(?:js|mjs|css|woff2?|ttf|png|jpe?g|svg|webp|avif)$/;
// Never answered by the worker, whatever the request.
const NEVER = [
  /^\/_event(?:\/|$)/, /^\/_upload(?:\/|$)/, /^\/_health(?:\/|$)/, /^\/_all_routes(?:\/|$)/,
  /^\/ping(?:\/|$)/, /^\/api\//, /^\/auth\//, /^\/utskrift(?:\.pdf)?(?:\/|$)/, /^\/kalender\//,
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.add(new Request(OFFLINE_URL, { cache: "reload" })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
    );
    // No navigation preload: it would send a second request for the pages the worker lets
    // through (a print view rendered twice, two sign-in starts).
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((pattern) => pattern.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  } else if (HASHED_ASSET.test(url.pathname)) {
    event.respondWith(cacheFirst(event));
  }
});

async function networkFirst(request) {
  try {
    // "no-cache": always ask the server (a 304 is fine). The browser's HTTP cache would otherwise
    // hand back a page it keeps by heuristic, with an older build's bundle names, and offline too.
    return await fetch(request, { cache: "no-cache" });
  } catch (error) {
    // Only a failed fetch (no network) gets here; an answer from the server, 404 and 500
    // included, is passed on as it is.
    const cache = await caches.open(CACHE);
    return (await cache.match(OFFLINE_URL)) || Response.error();
  }
}

async function cacheFirst(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}
