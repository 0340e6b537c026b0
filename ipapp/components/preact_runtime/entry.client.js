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

routerDataDecoded().then(() => {
  startTransition(() => {
    // The boundary is only a guard: nothing should suspend while hydrating now.
    hydrateRoot(document, createElement(Suspense, { fallback: null }, createElement(HydratedRouter)));
  });
});
