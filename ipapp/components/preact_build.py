"""The frontend on Preact instead of React: the overview's 138 KiB of scripts become 81.5.

Switched on by IPAPP_PREACT=1 (rxconfig.py), not by default. `make bench`'s first-load table with
it (2026-12-04, this 2-core machine), against React's from the same morning: Lighthouse LCP
overview 1.82 s (0.68x the blank app) against 2.17 s (0.83x), 100 KiB against 157; but total
blocking time 257 ms against 80 (performance 94, below the budget of 95; the 50-goal plan 88),
and slower where the CPU really is slowed: DevTools-throttled LCP 3.12 s against 2.90, a throttled
Chromium's sign-in click to the overview's final heading 859 ms against 729, unthrottled LCP
0.61 s against 0.43. Preact hydrates and renders in one synchronous task each where React 19
yields (why its renders cost more is not yet measured). With it on, the whole browser suite
passed (2026-12-04).

React and react-dom are about 60 KiB (brotli) of a first load's 138, and Emotion, for a `css`
prop only Reflex's crash page uses, 11 more. preact/compat runs React Router and Reflex's
components unchanged. Both build environments use it: the browser bundle, and the prerender
(preact-render-to-string), so the static HTML is exactly what Preact hydrates - React's
renderer reorders <head>, and Preact, hydrating by position, would rebuild it.

The files it adds to the web directory live in preact_runtime/ beside this module:
- vite-plugin-preact.js: the aliases (react, react-dom, @emotion/react);
- app/react-on-preact.js: "react" as preact/compat, with what React Router needs beyond it;
- app/emotion-on-preact.js: Emotion's jsx, its `css` prop as inline style;
- app/entry.client.js: Reflex's browser entry, hydrating once the router's data is decoded;
- app/entry.server.jsx: the prerender with preact-render-to-string.

Only the standard library and Reflex's plugin base here: rxconfig imports this module first.
"""

from __future__ import annotations

from pathlib import Path

from reflex_base.plugins.base import Plugin

PREACT = "preact@11.2.0"
RENDER_TO_STRING = "preact-render-to-string@6.8.2"  # the prerender only: a build tool
RUNTIME = Path(__file__).with_name("preact_runtime")
VITE_PLUGIN = "vite-plugin-preact.js"
_FILES = {
    VITE_PLUGIN: VITE_PLUGIN,
    "app/react-on-preact.js": "react-on-preact.js",
    "app/emotion-on-preact.js": "emotion-on-preact.js",
    "app/entry.client.js": "entry.client.js",
    "app/entry.server.jsx": "entry.server.jsx",
}
_IMPORT = f'import preactEverywhere from "./{VITE_PLUGIN}";\n'
_ANCHOR = "alwaysUseReactDomServerNode(),"


def add_to_vite_config(config: str) -> str:
    """vite.config.js with the plugin imported and listed first; unchanged when it already is."""
    if _IMPORT in config:
        return config
    if _ANCHOR not in config:
        raise RuntimeError(
            f"cannot add Preact to vite.config.js: {_ANCHOR!r} is gone from Reflex's template; "
            "see ipapp/components/preact_build.py"
        )
    return _IMPORT + config.replace(_ANCHOR, f"preactEverywhere(),\n    {_ANCHOR}", 1)


class PreactBuild(Plugin):
    """Adds the packages, writes the runtime files and lists the Vite plugin."""

    def get_frontend_dependencies(self, **context):
        return [PREACT]

    def get_frontend_development_dependencies(self, **context):
        return [RENDER_TO_STRING]

    def provides_entry_client(self) -> bool:
        return True  # app/entry.client.js comes from get_static_assets

    def get_static_assets(self, **context):
        return [(Path(target), (RUNTIME / source).read_text()) for target, source in _FILES.items()]

    def pre_compile(self, **context):
        context["add_modify_task"]("vite.config.js", add_to_vite_config)
