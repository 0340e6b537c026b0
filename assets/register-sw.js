/* Registers ipapp's service worker (/sw.js, scope "/") after the page has loaded, so it never
 * competes with the first load. Only where browsers allow one: https, or localhost for development.
 *
 * The worker's URL carries the build's own hashes (React Router's manifest and the global
 * stylesheet, both linked from every page): a new deploy is a new worker script, which replaces
 * the old one and its cache (see sw.js). */
(function () {
  "use strict";
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

  function register() {
    navigator.serviceWorker
      .register("/sw.js?build=" + encodeURIComponent(buildId()), { scope: "/", updateViaCache: "none" })
      .catch(function (error) {
        // Without the worker the app works as before, only not installable or offline-aware.
        console.info("ipapp: service worker not registered:", error && error.message);
      });
  }

  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
