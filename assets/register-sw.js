/* Loaded on every page (a static script: the CSP allows no new inline script). Four small jobs:
 *
 * 1. Registers ipapp's service worker (/sw.js, scope "/") once the page has loaded and is idle,
 *    so it never competes with the first load. Only where browsers allow one: https, or localhost for
 *    development. The worker's URL carries the build's own hashes (React Router's manifest and
 *    the global stylesheet, both linked from every page): a new deploy is a new worker script,
 *    which replaces the old one and its cache (see sw.js).
 *
 * 2. The copy of her next meetings this device keeps for the offline page ("ipapp-offline" in
 *    localStorage, only if she asked for it on /meg/varsler: ipapp/state/offline.py) is removed
 *    when she signs out (the form that posts to /auth/sign-out) and whenever the sign-in page is
 *    shown (/logg-inn, or /demo in demo mode): a session that ended elsewhere, or expired, lands
 *    there, and so does the next person using this phone.
 *
 * 3. Back to the page a link pointed to after sign-in: a signed-out visit to such a page leaves
 *    its address in this tab's sessionStorage ("ipapp-return", ipapp/state/plan.py); sign-in
 *    (passkey, national login or demo) ends on a landing page, which follows it once - only a
 *    path of this site, and only for half an hour.
 *
 * 4. Reflex's banner after a deploy ("A new version of this app is available." and "Reload", plain
 *    DOM in English from its state.js, id "reflex-new-version-banner") gets the words of the hidden
 *    spans the overlay renders in the tab's language (ipapp/ipapp.py, the catalog's a11y.*).
 */
(function () {
  "use strict";
  var OFFLINE_COPY = "ipapp-offline";
  var RETURN_KEY = "ipapp-return";
  var RETURN_FOR_MS = 30 * 60 * 1000;  // as long as a national login may take (its flow cookie)
  var SIGN_IN_PAGES = ["/logg-inn", "/demo"];
  var LANDING_PAGES = ["/", "/planer", "/enhet"];  // where sign-in lands (ipapp.services.people)

  function path(pathname) {
    return pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  }

  function forgetOfflineCopy() {
    try { localStorage.removeItem(OFFLINE_COPY); } catch (error) { /* no storage: nothing kept */ }
  }

  function onSignInPage() {
    if (SIGN_IN_PAGES.indexOf(path(location.pathname)) >= 0) forgetOfflineCopy();
  }

  /* A path of this site ("/moter?plan=1&mote=2"), or null: never another site ("//x", "https:"),
   * a backslash (read as "/" by browsers), another scheme, spaces or control characters. */
  function safePath(raw) {
    if (typeof raw !== "string" || raw.length > 2000) return null;
    if (raw.charAt(0) !== "/" || raw.charAt(1) === "/" || /[\\\s\u0000-\u001f\u007f]/.test(raw)) return null;
    var url;
    try { url = new URL(raw, location.origin); } catch (error) { return null; }
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
  }

  /* On a landing page: the page she was sent to sign in from, once. True when leaving for it. */
  function returnAfterSignIn() {
    if (LANDING_PAGES.indexOf(path(location.pathname)) < 0) return false;
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(RETURN_KEY) || "null");
      sessionStorage.removeItem(RETURN_KEY);
    } catch (error) {
      return false;
    }
    if (!saved || typeof saved !== "object" || typeof saved.at !== "number") return false;
    if (!(Date.now() - saved.at >= 0 && Date.now() - saved.at < RETURN_FOR_MS)) return false;
    var target = safePath(saved.to);
    if (target === null || target === location.pathname + location.search) return false;
    location.replace(target);
    return true;
  }

  var BANNER = "reflex-new-version-banner";

  function translateBanner() {
    var banner = document.getElementById(BANNER);
    var words = document.getElementById("ipapp-new-version-text");
    var reload = document.getElementById("ipapp-reload-text");
    if (!banner || !words || !reload) return;
    var text = banner.firstChild;  // state.js appends its sentence first, then the button
    if (text && text.nodeType === Node.TEXT_NODE) text.nodeValue = words.textContent;
    var button = banner.querySelector("button");
    if (button) button.textContent = reload.textContent;
    var lang = document.documentElement.getAttribute("lang");
    if (lang) banner.setAttribute("lang", lang);
  }

  if (window.MutationObserver) {
    // Only the body's own children: the banner is appended there, nothing deeper is watched.
    var watchBody = function () {
      new MutationObserver(function (changes) {
        for (var i = 0; i < changes.length; i++) {
          for (var j = 0; j < changes[i].addedNodes.length; j++) {
            if (changes[i].addedNodes[j].id === BANNER) translateBanner();
          }
        }
      }).observe(document.body, { childList: true });
    };
    if (document.body) watchBody();
    else document.addEventListener("DOMContentLoaded", watchBody);
  }

  if (returnAfterSignIn()) return;
  onSignInPage();
  // The app moves between pages without loading them (history.pushState): watch those moves too.
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    if (typeof original !== "function") return;
    history[name] = function () {
      var result = original.apply(this, arguments);
      onSignInPage();
      return result;
    };
  });
  window.addEventListener("popstate", onSignInPage);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form && form.getAttribute && form.getAttribute("action");
    if (action && path(new URL(action, location.href).pathname) === "/auth/sign-out") forgetOfflineCopy();
  }, true);

  if (!("serviceWorker" in navigator)) return;
  var host = location.hostname;
  var local = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  if (location.protocol !== "https:" && !local) return;

  function buildId() {
    var parts = [];
    var links = document.querySelectorAll('link[href^="/assets/"]');
    for (var i = 0; i < links.length; i++) {
      var match = /\/assets\/(manifest|__reflex_global_styles)-([A-Za-z0-9_-]+)\.(?:js|css)$/.exec(
        links[i].getAttribute("href"));
      if (match && parts.indexOf(match[2]) < 0) parts.push(match[2]);
    }
    return parts.length ? parts.sort().join(".") : "unversioned";
  }

  // Read now, from the page as the server sent it (this deferred script runs once the HTML is
  // parsed, before React renders). Once rendered, the not-found page and the pages from the SPA
  // fallback (a goal, an item's history) no longer link the manifest: a build read then named
  // another worker, which replaced this one, emptied its cache and stalled the page load under way.
  var BUILD = buildId();

  function register() {
    navigator.serviceWorker
      .register("/sw.js?build=" + encodeURIComponent(BUILD), { scope: "/", updateViaCache: "none" })
      .catch(function (error) {
        // Without the worker the app works as before, only not installable or offline-aware.
        console.info("ipapp: service worker not registered:", error && error.message);
      });
  }

  // After the load, in a task of its own when the page is idle: registering costs a phone tens
  // of milliseconds, which in the load event's task made one long task of two.
  function registerWhenIdle() {
    if (window.requestIdleCallback) window.requestIdleCallback(register, { timeout: 5000 });
    else setTimeout(register, 0);
  }

  if (document.readyState === "complete") registerWhenIdle();
  else window.addEventListener("load", registerWhenIdle);
})();
