"""The opt-in Preact build (IPAPP_PREACT=1): its Vite plugin goes into the config Reflex writes,
exactly once, and every file it names is there. Off by default: the default build is React's."""

import re

import pytest
from reflex.utils import frontend_skeleton
from reflex_base.config import get_config

from ipapp.components import preact_build


def test_the_plugin_is_imported_and_listed_before_reflex_own_in_reflex_vite_config():
    config = frontend_skeleton._compile_vite_config(get_config())
    patched = preact_build.add_to_vite_config(config)
    assert patched.startswith('import preactEverywhere from "./vite-plugin-preact.js";\n')
    assert re.search(r"plugins: \[\s*preactEverywhere\(\),\s*alwaysUseReactDomServerNode\(\),", patched)
    # Reflex's compile patches the file it finds on disk: a second compile must not add it twice.
    assert preact_build.add_to_vite_config(patched) == patched


def test_a_changed_reflex_template_fails_the_build_with_a_pointer():
    with pytest.raises(RuntimeError, match="preact_build.py"):
        preact_build.add_to_vite_config("export default defineConfig({ plugins: [] });")


def test_every_runtime_file_is_written_and_the_vite_plugin_names_the_shims_it_writes():
    assets = dict(preact_build.PreactBuild().get_static_assets())
    written = {str(path) for path in assets}
    assert written == {"vite-plugin-preact.js", "app/react-on-preact.js", "app/emotion-on-preact.js",
                       "app/entry.client.js", "app/entry.server.jsx"}
    vite_plugin = next(text for path, text in assets.items() if str(path) == "vite-plugin-preact.js")
    for shim in ("./app/react-on-preact.js", "./app/emotion-on-preact.js"):
        assert shim in vite_plugin
    assert preact_build.PreactBuild().provides_entry_client()


@pytest.mark.parametrize(("value", "on"), [("", False), ("0", False), ("1", True)])
def test_only_ipapp_preact_1_switches_it_on(monkeypatch, value, on):
    from test_build_config import load_rxconfig  # a fresh copy of rxconfig, read with this env

    monkeypatch.setenv("IPAPP_PREACT", value)
    kinds = {type(plugin).__name__ for plugin in load_rxconfig().plugins}
    assert ("PreactBuild" in kinds) is on and "IconSprite" in kinds
