/* ipapp's service worker, served at /sw.js so that its scope is the whole site ("/").
 *
 * What it does, and nothing more:
 *   - hashed build files (/assets/<name>-<hash>.js|css|…): cache-first. A hash in the name means the
 *     content never changes under that name, so a cached copy is never stale, and they are the
 *     same for everyone. /offline.js too: it is cached at install, in this build's cache.
 *   - page loads (navigations): network-first, never cached. Without a network: /offline.html,
 *     the only page ever cached, with its script /offline.js. Neither holds plan data: the page
 *     shows her next meetings only from the copy she chose to keep in localStorage (offline.js).
 *   - everything else goes to the network untouched: the websocket (/_event), uploads, the
 *     sign-in and API routes, print and calendar files, any request that is not a GET.
 * So a cache can never show one person's plan to another: no page, answer or file with data in it
 * is ever stored.
 *
 * Reminders: a push carries {title, body, url, tag} (ipapp/push/notifications.py) and is shown as
 * a notification; one that cannot be read shows a plain "Du har et nytt varsel fra ipapp". A tap
 * opens the url in ipapp's open window or a new one, only ever a path of this site.
 *
 * A new deploy: register-sw.js registers /sw.js?build=<the build's own hashes>, so a new build is
 * a new worker script. It takes over at once (skipWaiting + clients.claim) and deletes the caches
 * of older builds.
 */

const BUILD = new URL(self.location.href).searchParams.get("build") || "unversioned";
const CACHE_PREFIX = "ipapp-";
const CACHE = CACHE_PREFIX + BUILD;
const OFFLINE_URL = "/offline.html";
const OFFLINE_FILES = [OFFLINE_URL, "/offline.js"];  // cached at install, answered from the cache
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
      .then((cache) => cache.addAll(OFFLINE_FILES.map((path) => new Request(path, { cache: "reload" }))))
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
  } else if (HASHED_ASSET.test(url.pathname) || url.pathname === "/offline.js") {
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

// --- reminders ---------------------------------------------------------------------------------

// A copy of the catalog's pwa.push.generic (ipapp/i18n/catalog_pwa.py; tests/browser/test_installable.py
// checks it). The worker cannot know her chosen language: the phone's own decides.
const GENERIC = {"nb": "Du har et nytt varsel fra ipapp", "nn": "Du har eit nytt varsel frå ipapp", "en": "You have a new notification from ipapp"};
const ICON = "/icon-192.png";

function deviceLocale() {
  const language = String((self.navigator && self.navigator.language) || "").toLowerCase();
  if (language.startsWith("nn")) return "nn";
  if (language.startsWith("en")) return "en";
  return "nb";
}

/* Where a notification may take her: a path of this site ("/moter?plan=1&mote=2"), else "/".
 * Refused: another site ("https://…", "//…"), backslashes (browsers read "/\\x" as "//x"), other
 * schemes, and anything with spaces or control characters. */
function safeTarget(raw) {
  if (typeof raw !== "string" || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || /[\\\s\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url;
  try { url = new URL(raw, self.location.origin); } catch (error) { return "/"; }
  if (url.origin !== self.location.origin) return "/";
  return url.pathname + url.search + url.hash;
}

function text(value, limit) {
  return typeof value === "string" ? value.slice(0, limit) : "";
}

/* The notification for a push's data: what the server sent, or the plain one when it cannot be
 * read (no data, not JSON, no title). Never throws. */
function notificationFor(data) {
  let message = null;
  try { message = data ? data.json() : null; } catch (error) { message = null; }
  if (message === null || typeof message !== "object" || !text(message.title, 200)) {
    const locale = deviceLocale();
    return { title: GENERIC[locale], options: { tag: "ip-generic", data: { url: "/" }, icon: ICON, lang: locale } };
  }
  const options = { body: text(message.body, 500), data: { url: safeTarget(message.url) }, icon: ICON };
  const tag = text(message.tag, 100);
  if (tag) {
    options.tag = tag;
    options.renotify = true;  // a newer reminder about the same meeting replaces the older one, and says so
  }
  if (["nb", "nn", "en"].includes(message.lang)) options.lang = message.lang;
  return { title: text(message.title, 200), options };
}

self.addEventListener("push", (event) => {
  const { title, options } = notificationFor(event.data);
  event.waitUntil(self.registration.showNotification(title, options));
});

/* Opens a path of this site: in ipapp's open window (focused, then moved there) or a new one. */
async function openInApp(raw) {
  const target = new URL(safeTarget(raw), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin) continue;
    try {
      await client.focus();
    } catch (error) {
      // Only a notification's tap may bring a window to the front; it still moves there.
    }
    try {
      const moved = await client.navigate(target);
      if (moved) return moved;
    } catch (error) {
      // A window this worker does not control cannot be moved: open a new one instead.
    }
  }
  return self.clients.openWindow(target);
}

/* A tap on one of ipapp's notifications: it goes away, and the page it names opens. */
function onNotificationClick(notification) {
  notification.close();
  const data = notification.data;
  return openInApp(data && typeof data === "object" ? data.url : "/");
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(onNotificationClick(event.notification));
});
