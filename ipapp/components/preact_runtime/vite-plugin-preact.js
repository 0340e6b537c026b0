// Preact (about 11 KiB brotli) instead of React, react-dom and Emotion (about 70 KiB), in both
// build environments: the browser bundle, and the prerender, so its HTML is Preact's own.
import { fileURLToPath, URL } from "url";

const shim = fileURLToPath(new URL("./app/react-on-preact.js", import.meta.url));
const emotion = fileURLToPath(new URL("./app/emotion-on-preact.js", import.meta.url));

const aliases = [
  [/^react$/, shim],
  [/^react\/jsx-runtime$/, "preact/jsx-runtime"],
  [/^react\/jsx-dev-runtime$/, "preact/jsx-runtime"],
  [/^react-dom$/, "preact/compat"],
  [/^react-dom\/client$/, "preact/compat/client"],
  [/^@emotion\/react$/, emotion],
];

export default function preactEverywhere() {
  return {
    name: "ipapp-preact-everywhere",
    enforce: "pre",
    // The prerender bundles its packages (React Router above all) instead of loading them from
    // node_modules, where they would import the real React.
    config() {
      return { ssr: { noExternal: true } };
    },
    async resolveId(source, importer, options) {
      for (const [pattern, target] of aliases) {
        if (pattern.test(source)) {
          if (target === shim || target === emotion) return importer === target ? null : target;
          return this.resolve(target, importer, { ...options, skipSelf: true });
        }
      }
      return null;
    },
  };
}
