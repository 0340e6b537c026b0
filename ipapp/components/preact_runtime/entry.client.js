// The browser entry, as Reflex's own (reflex_base/.templates/web/app/entry.client.js), for
// Preact ("react" and "react-dom" here are Preact: vite-plugin-preact.js).
//
// React Router's HydratedRouter suspends on its first render until the prerender's loader data
// is decoded, and Preact resumes a suspended hydration of the whole document badly (a second
// <html> inside the first). So the decoding is awaited before hydrating: calling the component
// once, outside any render, starts it and throws its promise before any hook runs.
import { createElement, startTransition, Suspense } from "react";
import { hydrateRoot } from "react-dom/client";
import { HydratedRouter } from "react-router/dom";

async function routerDataDecoded() {
  try {
    HydratedRouter({});
  } catch (pending) {
    if (typeof pending?.then === "function") await pending;
    else throw pending;
  }
}

// Preact hydrates in one go where React 19 works in slices: a task of its own, so that it does
// not make one long task with the evaluation of every module before it (the decoding resolves
// in microtasks of that same task).
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// And not before the deferred scripts have run: register-sw.js reads the build's hashes from the
// links of the page as the server sent it, which hydrating a page from the SPA fallback removes.
function deferredScriptsRun() {
  const [navigation] = performance.getEntriesByType("navigation");
  if (document.readyState === "complete" || navigation?.domContentLoadedEventStart > 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
}

Promise.all([routerDataDecoded(), deferredScriptsRun()])
  .then(nextTask)
  .then(() => {
    startTransition(() => {
      // The boundary is only a guard: nothing should suspend while hydrating now.
      hydrateRoot(document, createElement(Suspense, { fallback: null }, createElement(HydratedRouter)));
    });
  });
