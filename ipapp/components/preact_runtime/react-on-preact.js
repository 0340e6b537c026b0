// "react" for the whole build (browser bundle and prerender): preact/compat, plus the one
// React 19 hook it lacks that React Router imports, and three translations of React habits.
import { options } from "preact";
import { Fragment } from "preact/compat";

export * from "preact/compat";
export { default } from "preact/compat";

// Its setter is reached only by a router made with useTransitions: true, which Reflex never
// does; it fails loudly rather than dropping a state.
export function useOptimistic(state) {
  return [
    state,
    () => {
      throw new Error("useOptimistic is not supported on Preact (ipapp/components/preact_runtime)");
    },
  ];
}

const inBrowser = typeof document !== "undefined";
const nextVnodeHook = options.vnode;
options.vnode = (vnode) => {
  const { type, props } = vnode;
  if (typeof type === "string" && props) {
    // A React-only prop: Preact would write it out as an attribute.
    if ("suppressHydrationWarning" in props) delete props.suppressHydrationWarning;
    // React writes a <script>'s text as is; Preact would escape its quotes and break it.
    if (type === "script" && typeof props.children === "string") {
      props.dangerouslySetInnerHTML = { __html: props.children };
      delete props.children;
    }
    // Preact renders into the document's <html> element (preact/src/render.js), while React
    // Router's layout starts with <html>: in the browser it is a fragment, so <head> and <body>
    // meet their prerendered nodes instead of a second <html> growing inside the first.
    if (type === "html" && inBrowser) vnode.type = Fragment;
  }
  if (nextVnodeHook) nextVnodeHook(vnode);
};
