// "react" for the whole build (browser bundle and prerender): preact/compat, plus the one
// React 19 hook it lacks that React Router imports, and five translations of React habits.
import { options } from "preact";
import { Fragment, useLayoutEffect } from "preact/compat";

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

// React selects a <select>'s defaultValue once, when the element mounts, whatever its options'
// nesting; preact/compat only among direct <option> children, which Reflex's foreach is not.
const defaulted = new WeakSet();

function selectingRef(wanted, userRef) {
  return (element) => {
    if (element && !defaulted.has(element)) {
      defaulted.add(element);
      element.value = wanted;
    }
    if (typeof userRef === "function") return userRef(element);
    if (userRef) userRef.current = element;
  };
}

// React hoists a page's <title> into <head>; Preact would leave it in <body>, a second title
// beside the one a script of ipapp's sets in her language. In the browser it sets the
// document's title instead (the prerendered one in <body> is dropped when hydrating).
function DocumentTitle({ children }) {
  const text = [].concat(children ?? []).join("");
  useLayoutEffect(() => {
    document.title = text;
  }, [text]);
  return null;
}

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
    if (type === "title" && inBrowser) vnode.type = DocumentTitle;
    if (type === "select" && inBrowser && props.defaultValue != null && props.value == null) {
      vnode.ref = selectingRef(String(props.defaultValue), vnode.ref);
      delete props.defaultValue; // else written out as a meaningless defaultvalue attribute
    }
  }
  if (nextVnodeHook) nextVnodeHook(vnode);
};
