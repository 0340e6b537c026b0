"""Build the production frontend (only when needed), prepare a database and serve ipapp.

Shared by the Makefile (`make run`, `make bench`), the browser tests (tests/browser/conftest.py) and
scripts/bench_first_load.py, so all of them build and serve the same way.

A Reflex production build bakes the backend URL, port included, into the bundle. So a build is
valid for one port only, and a stamp file in the web directory records what it was built from:
the port, the demo settings and a hash of every input file. `ensure_build` rebuilds only when the
stamp does not match.

Command line:
    python scripts/devserver.py build --port 3000 [--web-dir .web] [--log FILE]
    python scripts/devserver.py run --port 3000     # build if needed, serve, print the URL (make run)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The Chromium that browser tests and `make bench` drive (Debian's; playwright cannot download one
# here) and the flags that keep it quiet and offline.
CHROMIUM = Path(os.environ.get("IPAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VENV_BIN = ROOT / ".venv" / "bin"
STAMP_NAME = "ipapp-build.stamp"
# What the frontend is built from. Anything else (tests, scripts, alembic, data) does not change it.
BUILD_INPUT_DIRS = ("ipapp", "assets")
# reflex.lock/ pins every npm package (Reflex installs from it and writes it back): committed, so a
# clean clone builds from the same packages whatever the registry published since. Its package.json
# is not an input: npm rewrites it with its keys in another order, same content.
BUILD_INPUT_FILES = ("rxconfig.py", "pyproject.toml", "reflex.lock/package-lock.json")
# Settings that may change what the app compiles (for example whether the demo page exists).
BUILD_ENV_KEYS = ("IPAPP_ENV", "IPAPP_DEMO", "IPAPP_ORIGIN", "IPAPP_PREACT")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class DevServerError(Exception):
    """Something went wrong building or serving; the message says what and where the log is."""


def log(message: str) -> None:
    print(f"ipapp: {message}", file=sys.stderr, flush=True)


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Reflex needs: the venv's bin first on PATH (its Node 24), npm instead of bun."""
    env = dict(os.environ)
    path = env.get("PATH", "")
    if not path.startswith(str(VENV_BIN) + os.pathsep):
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{path}"
    env["REFLEX_USE_NPM"] = "1"
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    if extra:
        env.update(extra)
    return env


def _input_files() -> Iterator[Path]:
    for name in BUILD_INPUT_DIRS:
        base = ROOT / name
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file():
                continue
            if SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts):
                continue
            if path.suffix in SKIPPED_SUFFIXES:
                continue
            yield path
    for name in BUILD_INPUT_FILES:
        path = ROOT / name
        if path.is_file():
            yield path


def build_key(port: int, env: Mapping[str, str]) -> dict[str, object]:
    """What a build depends on: the port, the demo settings and the content of every input file."""
    digest = hashlib.sha256()
    for path in _input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return {
        "port": int(port),
        "env": {key: env.get(key, "") for key in BUILD_ENV_KEYS},
        "inputs": digest.hexdigest(),
    }


def read_stamp(web_dir: Path) -> dict[str, object] | None:
    try:
        return json.loads((web_dir / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return None


def _output_fingerprint(web_dir: Path) -> str | None:
    """When the build output was last written: a build by anyone else (reflex export, reflex run)
    changes it, so a stamp never vouches for output it did not see being made."""
    try:
        return str((web_dir / "build" / "client" / "index.html").stat().st_mtime_ns)
    except OSError:
        return None


def build_is_current(web_dir: Path, port: int, env: Mapping[str, str]) -> bool:
    stamp = read_stamp(web_dir)
    if not stamp or _output_fingerprint(web_dir) is None:
        return False
    return stamp == {**build_key(port, env), "output": _output_fingerprint(web_dir)}


def ensure_build(
    port: int,
    web_dir: Path,
    log_path: Path,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 20 * 60,
) -> bool:
    """Build the production frontend for `port` into `web_dir` unless the last build matches.

    Returns True when it built, False when the existing build was reused. Raises DevServerError
    with the end of the build log when the build fails.
    """
    web_dir = web_dir if web_dir.is_absolute() else ROOT / web_dir
    env = tool_env(extra_env)
    env["REFLEX_WEB_WORKDIR"] = str(web_dir)
    env["REFLEX_BACKEND_PORT"] = str(port)
    env["REFLEX_FRONTEND_PORT"] = str(port)
    if build_is_current(web_dir, port, env):
        log(f"frontend is up to date (built for port {port}); not rebuilding.")
        return False
    first_time = not (web_dir / "node_modules").is_dir()
    log(
        f"building the frontend for port {port} "
        + ("(first time: installs npm packages, 1-3 min)" if first_time else "(30-60 s)")
        + f"; log: {_rel(log_path)}"
    )
    key = build_key(port, env)  # before building: an edit during the build makes the next run rebuild
    (web_dir / STAMP_NAME).unlink(missing_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("w") as out:
        try:
            result = subprocess.run(
                ["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise DevServerError(
                f"the frontend build took longer than {timeout:.0f} s; log: {_rel(log_path)}\n"
                + tail(log_path)
            ) from exc
        except FileNotFoundError as exc:
            raise DevServerError(
                f"`reflex` was not found in {VENV_BIN}: run `make run` or `make test` to install."
            ) from exc
    if result.returncode != 0 or not (web_dir / "build" / "client" / "index.html").is_file():
        raise DevServerError(
            f"the frontend build failed (exit {result.returncode}); log: {_rel(log_path)}\n"
            + tail(log_path)
        )
    web_dir.mkdir(parents=True, exist_ok=True)
    key["output"] = _output_fingerprint(web_dir)
    (web_dir / STAMP_NAME).write_text(json.dumps(key, indent=2) + "\n")
    log(f"frontend built in {time.monotonic() - started:.0f} s.")
    return True


def lighthouse(tool_dir: Path, version: str) -> Path:
    """npm's lighthouse at `version`, installed once into `tool_dir` (make a11y keeps 12.2.3,
    make bench 13): the path of its command."""
    binary = tool_dir / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        tool_dir.mkdir(parents=True, exist_ok=True)
        log(f"installing lighthouse@{version} into {tool_dir} (once) ...")
        subprocess.run(["npm", "i", "-E", f"lighthouse@{version}", "--no-audit", "--no-fund"],
                       cwd=tool_dir, env=tool_env(), check=True, stdout=subprocess.DEVNULL)
    return binary


def prepare_database(extra_env: Mapping[str, str], log_path: Path | None = None) -> None:
    """Run `python -m ipapp.cli prepare` (migrations, demo data when IPAPP_DEMO=1)."""
    env = tool_env(extra_env)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ipapp.cli", "prepare"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
    except subprocess.TimeoutExpired as exc:
        raise DevServerError("`python -m ipapp.cli prepare` took longer than 300 s.") from exc
    output = (result.stdout + result.stderr).strip()
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(output + "\n")
    if result.returncode != 0:
        raise DevServerError(
            f"`python -m ipapp.cli prepare` failed (exit {result.returncode}):\n{output[-4000:]}"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As a server would bind: a closed connection lingering in TIME_WAIT does not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(web_dir: Path) -> int:
    """The port of the last build in web_dir when it is free (so the build can be reused), else any."""
    stamp = read_stamp(web_dir if web_dir.is_absolute() else ROOT / web_dir)
    if stamp and isinstance(stamp.get("port"), int) and port_is_free(stamp["port"]):
        return stamp["port"]
    return free_port()


class Server:
    """`python -m ipapp.serve` on one port, in its own process group so it can be stopped whole."""

    def __init__(
        self,
        port: int,
        web_dir: Path,
        log_path: Path | None,
        extra_env: Mapping[str, str],
        own_process_group: bool = True,
    ):
        """own_process_group: True for tests (stopped as a whole group by us); False for `make run`,
        where the server stays in the terminal's group so Ctrl-C and a closed terminal reach it."""
        self.port = port
        self.web_dir = web_dir if web_dir.is_absolute() else ROOT / web_dir
        self.log_path = log_path
        self.extra_env = dict(extra_env)
        self.own_process_group = own_process_group
        self.process: subprocess.Popen | None = None
        self._log_file = None

    @property
    def url(self) -> str:
        # localhost, not 127.0.0.1: the passkey RP ID is a host name.
        return f"http://localhost:{self.port}"

    def start(self, timeout: float = 90) -> str:
        if not port_is_free(self.port):
            raise DevServerError(f"port {self.port} is already in use; choose another.")
        env = tool_env(self.extra_env)
        env.update(
            {
                "PORT": str(self.port),
                "HOST": env.get("HOST", "127.0.0.1"),
                "REFLEX_WEB_WORKDIR": str(self.web_dir),
            }
        )
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ipapp.serve"],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,  # None: the server writes to our terminal
            stderr=subprocess.STDOUT if self._log_file else None,
            stdin=subprocess.DEVNULL,
            start_new_session=self.own_process_group,
        )
        self.wait_until_up(timeout)
        return self.url

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        ping = f"http://127.0.0.1:{self.port}/ping"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise DevServerError(
                    f"the server stopped (exit {self.process.returncode}) before answering {ping}; "
                    f"log {_rel(self.log_path)}:\n{tail(self.log_path)}"
                )
            try:
                with urllib.request.urlopen(ping, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise DevServerError(
            f"the server did not answer {ping} within {timeout:.0f} s; "
            f"log {_rel(self.log_path)}:\n{tail(self.log_path)}"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            # The group when it is ours alone (granian's workers too); else granian's main process,
            # which stops its workers.
            kill = os.killpg if self.own_process_group else os.kill
            try:
                kill(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    kill(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def tail(path: Path | None, lines: int = 60) -> str:
    if path is None:
        return "(see the output above)"
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _rel(path: Path | None) -> str:
    if path is None:
        return "(terminal)"
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the production frontend unless it is up to date")
    build.add_argument("--port", type=int, required=True)
    build.add_argument("--web-dir", type=Path, default=Path(".web"))
    build.add_argument("--log", type=Path, default=None)
    run = sub.add_parser("run", help="build if needed, then serve in the foreground (make run)")
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--web-dir", type=Path, default=Path(".web"))
    args = parser.parse_args(argv)
    web_dir = args.web_dir if args.web_dir.is_absolute() else ROOT / args.web_dir
    build_log = getattr(args, "log", None) or web_dir / "ipapp-build.log"
    try:
        if args.command == "build":
            ensure_build(args.port, web_dir, build_log)
        elif args.command == "run":
            return run_foreground(args.port, web_dir, build_log)
    except DevServerError as exc:
        log(str(exc))
        return 1
    return 0


def run_foreground(port: int, web_dir: Path, build_log: Path) -> int:
    if not port_is_free(port):
        raise DevServerError(
            f"port {port} is already in use (is ipapp already running?). "
            f"Stop that, or choose another port: make run PORT=8080"
        )
    # The public origin (passkeys, sign-in redirects, cookies) follows the port unless it was set.
    os.environ.setdefault("IPAPP_ORIGIN", f"http://localhost:{port}")
    ensure_build(port, web_dir, build_log)
    log(f"starting the server on port {port} ...")
    server = Server(port, web_dir, None, {}, own_process_group=False)

    def stop_on_signal(signum, _frame):
        raise KeyboardInterrupt

    # `kill` of make/this script, or a closed terminal: stop the server too, never orphan it.
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    try:
        server.start()
        print(
            f"\n  ipapp is running:  {server.url}\n"
            f"  Demo sign-in: open it and pick a person under 'Logg inn som …'.\n"
            f"  Stop with Ctrl-C.\n",
            flush=True,
        )
        assert server.process is not None
        return server.process.wait()
    except KeyboardInterrupt:
        log("stopping ...")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
